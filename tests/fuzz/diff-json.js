// SPDX-License-Identifier: ISC
// diff-json.js - the strict parser (oc_json_parse, and oc-check's scanner
// through oc_json_check) against JSON.parse: for every input (files,
// directories such as a fuzz corpus, and --random N generated texts), the
// same verdict from both modes and from JSON.parse; for what is accepted,
// our rewrite reads back (JSON.parse) to the same value; and for ordinary
// values (numbers in JavaScript's own spelling, no array-index keys, which
// JavaScript reorders, nesting within 32) our 2-space writing is byte for
// byte JSON.stringify(v, null, 2). A disagreement is printed; exit 1.
//   node diff-json.js --tool parse-tool [--random N] [FILE|DIR...]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const L = require('./difflib.js');

const a = L.parseArgs(process.argv.slice(2));

function gen(r) {
	const ws = [' ', '\t', '\n', '\r', '', '', '\v', '\u00a0'];
	const nums = ['0', '-0', '1', '-1', '1.5', '1.50', '1e3', '1E+2', '1e400', '-1e-400', '18446744073709551617', '9007199254740993', '01', '1.', '.5', '+1', 'NaN', '-Infinity', '0.1', '123456789.125'];
	const strs = ['"a"', '"\\u0000"', '"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"', '"\\/"', '"\\x41"', '"\t"', '"\u0001"', '"é\u2028"', '"\\\\"', '"\\"', '"\u007f"'];
	const keys = ['"a"', '"b"', '"a"', '"1"', '"0"', '"\\u0000k"', '"k\\u0000"', '"__proto__"', '"é"', "'q'"];
	const val = (d) => {
		const k = r.int(d > 3 ? 3 : 6);
		if (k === 0) return r.pick(nums);
		if (k === 1) return r.pick(strs);
		if (k === 2) return r.pick(['true', 'false', 'null', 'nul']);
		if (k === 3) {
			const n = r.int(4); const items = [];
			for (let i = 0; i < n; i++) items.push(val(d + 1));
			return '[' + r.pick(ws) + items.join(',' + r.pick(ws)) + (r.chance(0.05) ? ',' : '') + ']';
		}
		const n = r.int(4); const items = [];
		for (let i = 0; i < n; i++) items.push(r.pick(keys) + r.pick(ws) + ':' + val(d + 1));
		return '{' + items.join(',' + r.pick(ws)) + '}';
	};
	let t = r.pick(ws) + val(0) + r.pick(ws);
	if (r.chance(0.1)) { const i = r.int(t.length + 1); t = t.slice(0, i) + r.pick(['}', ',', '"', '\\', ']']) + t.slice(i); }
	return t;
}

// JavaScript's own spelling of every number in the text (outside strings).
function canonicalNumbers(text) {
	let inStr = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (inStr) { if (c === '\\') i++; else if (c === '"') inStr = false; continue; }
		if (c === '"') { inStr = true; continue; }
		if (c === '-' || (c >= '0' && c <= '9')) {
			let j = i + 1;
			while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
			const tok = text.slice(i, j);
			if (String(Number(tok)) !== tok) return false;
			i = j - 1;
		}
	}
	return true;
}
function ordinary(v, d) {
	if (d > 32) return false;
	if (v === null || typeof v !== 'object') return true;
	if (Array.isArray(v)) return v.every((x) => ordinary(x, d + 1));
	return Object.keys(v).every((k) => !/^(0|[1-9][0-9]*)$/.test(k) && ordinary(v[k], d + 1));
}

let files = L.listFiles(a.files);
if (a.random > 0) {
	const r = L.rng(a.seed);
	const texts = [];
	for (let i = 0; i < a.random; i++) texts.push(gen(r));
	files = files.concat(L.writeInputs(a.work || fs.mkdtempSync(path.join(os.tmpdir(), 'diff-json-')), 'r', texts));
}
const ours = L.runTool(a.tool, 'strict', files);
const check = L.runTool(a.tool, 'check', files);

let agree = 0, same = 0, bad = 0;
for (const f of files) {
	const o = ours.get(f), c = check.get(f);
	const text = fs.readFileSync(f).toString('utf8');
	let ref, refOk = true;
	try { ref = JSON.parse(text); } catch (e) { refOk = false; }
	if (!o || !c) { bad++; console.log(`DISAGREE ${f}: no answer from the tool`); continue; }
	if (o.ok !== refOk || c.ok !== refOk) {
		bad++;
		console.log(`DISAGREE ${f}: JSON.parse ${refOk ? 'accepts' : 'refuses'}, parse ${o.ok ? 'accepts' : 'refuses'}, check ${c.ok ? 'accepts' : 'refuses'} ${o.error || c.error || ''}`);
		continue;
	}
	if (!refOk) { agree++; continue; }
	if (!L.deepEqual(JSON.parse(o.out), ref)) {
		bad++;
		console.log(`DISAGREE ${f}: rewritten value differs: ${o.out.slice(0, 200)}`);
		continue;
	}
	agree++;
	if (canonicalNumbers(text) && ordinary(ref, 0)) {
		if (o.out === JSON.stringify(ref, null, 2)) same++;
		else { bad++; console.log(`DISAGREE ${f}: not JSON.stringify's bytes: ${o.out.slice(0, 200)}`); }
	}
}
console.log(`${bad ? 'FAIL' : 'ok'} json: ${files.length} inputs, ${agree} same verdict and value, ${same} of them ordinary and written byte for byte as JSON.stringify, ${bad} disagree`);
process.exit(bad ? 1 : 0);
