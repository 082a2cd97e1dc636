// SPDX-License-Identifier: ISC
// difflib.js - what the differential checks (diff-*.js) share: finding the
// reference packages, listing inputs, running a liboc tool over them, deep
// comparison of values, and a small random text generator.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

// The node_modules holding the reference packages (json5, dotenv): the
// --modules argument, $OC_NODE_MODULES, the reference peer's install
// ($OC_PEER's directory), or a local peer cache.
function findModules(arg, want) {
	const cands = [];
	if (arg) cands.push(arg);
	if (process.env.OC_NODE_MODULES) cands.push(process.env.OC_NODE_MODULES);
	if (process.env.OC_PEER) cands.push(path.join(path.dirname(process.env.OC_PEER), 'node_modules'));
	for (const base of ['/work/peer-cache']) {
		try {
			for (const d of fs.readdirSync(base).sort()) cands.push(path.join(base, d, 'node_modules'));
		} catch (e) { /* none */ }
	}
	for (const c of cands)
		if (fs.existsSync(path.join(c, want, 'package.json'))) return c;
	return null;
}

function parseArgs(argv) {
	const a = { files: [], random: 0, seed: 1 };
	for (let i = 0; i < argv.length; i++) {
		const k = argv[i];
		if (k === '--modules') a.modules = argv[++i];
		else if (k === '--tool') a.tool = argv[++i];
		else if (k === '--ours') a.ours = argv[++i];
		else if (k === '--random') a.random = Number(argv[++i]);
		else if (k === '--seed') a.seed = Number(argv[++i]);
		else if (k === '--work') a.work = argv[++i];
		else a.files.push(k);
	}
	return a;
}

// Every regular file under the given files and directories.
function listFiles(paths) {
	const out = [];
	const walk = (p) => {
		const st = fs.statSync(p);
		if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
		else if (st.isFile()) out.push(p);
	};
	for (const p of paths) walk(p);
	return out;
}

// Run `tool -l MODE` over files (names on stdin); its JSON lines by file.
function runTool(tool, mode, files) {
	const res = new Map();
	for (let i = 0; i < files.length; i += 2000) {
		const chunk = files.slice(i, i + 2000);
		const out = execFileSync(tool, ['-l', mode], {
			input: chunk.join('\n') + '\n', maxBuffer: 1 << 30,
			env: Object.assign({}, process.env, { ASAN_OPTIONS: 'detect_leaks=0' }),
		});
		for (const line of out.toString('utf8').split('\n')) {
			if (line === '') continue;
			const r = JSON.parse(line);
			res.set(r.file, r);
		}
	}
	return res;
}

function readOurs(file) {
	const res = new Map();
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (line === '') continue;
		const r = JSON.parse(line);
		res.set(r.file, r);
	}
	return res;
}

// Equal as JavaScript values: own enumerable keys in any order, numbers by
// Object.is (-0 is not 0).
function deepEqual(a, b) {
	if (typeof a !== typeof b) return false;
	if (typeof a === 'number') return Object.is(a, b);
	if (a === null || b === null || typeof a !== 'object') return a === b;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
	const ka = Object.keys(a), kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

// A small deterministic generator (xorshift), for random inputs.
function rng(seed) {
	let x = (seed >>> 0) || 1;
	const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
	return {
		int: (n) => next() % n,
		pick: (arr) => arr[next() % arr.length],
		chance: (p) => next() / 4294967296 < p,
	};
}

function writeInputs(work, prefix, texts) {
	fs.mkdirSync(work, { recursive: true });
	return texts.map((t, i) => {
		const f = path.join(work, `${prefix}-${i}`);
		fs.writeFileSync(f, t);
		return f;
	});
}

module.exports = { findModules, parseArgs, listFiles, runTool, readOurs, deepEqual, rng, writeInputs };
