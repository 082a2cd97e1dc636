// SPDX-License-Identifier: ISC
// diff-json5.js - the config reader (oc_json_parse_lenient) against the
// json5 package OpenClaw reads its config with: for every input (files,
// directories such as a fuzz corpus, and --random N generated texts), the
// same verdict, and for what both accept the same value. Two differences
// are by design and counted apart: Infinity and NaN (and a hexadecimal
// number past the largest double), which JSON cannot hold, are refused; and
// letters assigned after the Unicode of json5's tables are identifiers for
// us. (The first is refused wherever the literal stands, even in a value a
// later duplicate key replaces.) Anything else is a disagreement: printed, and the exit status is 1.
//   node diff-json5.js [--modules DIR] --tool parse-tool [--random N] [FILE|DIR...]
//   node diff-json5.js [--modules DIR] --ours LINES   (parse-tool -l json5 output)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const L = require('./difflib.js');

const a = L.parseArgs(process.argv.slice(2));
const mods = L.findModules(a.modules, 'json5');
if (!mods) { console.log('skip: no json5 package (--modules, OC_NODE_MODULES)'); process.exit(0); }
const JSON5 = require(path.join(mods, 'json5'));
console.warn = () => {};
const util = require(path.join(mods, 'json5', 'lib', 'util.js'));

function gen(r) {
	const ws = [' ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', '\v', '/*c*/', '//c\n', ''];
	const keys = ['a', '$b', '_c', 'é', '\\u0061', "'q k'", '"d"', 'true', 'null', 'Infinity', 'λ', '1', 'a-b', '\u0560'];
	const nums = ['0', '-0', '+1', '.5', '5.', '0x1F', '-0xff', '1e3', '5.e-2', 'Infinity', '-NaN', '01', '0x', '.', '1e', '123456789012345678901234567890'];
	const strs = ["'a'", '"b"', "'\\x41'", "'\\0'", "'\\v'", "'a\\\nb'", "'\\u00e9'", "'\\ud83d\\ude00'", "'\\ud800'", '"\\u0000"', "'it\\'s'", "'\\q'", "'\\1'", "'\u2028'"];
	const val = (d) => {
		const k = r.int(d > 3 ? 3 : 6);
		if (k === 0) return r.pick(nums);
		if (k === 1) return r.pick(strs);
		if (k === 2) return r.pick(['true', 'false', 'null']);
		if (k === 3) {
			const n = r.int(4); const items = [];
			for (let i = 0; i < n; i++) items.push(val(d + 1));
			return '[' + r.pick(ws) + items.join(',' + r.pick(ws)) + (r.chance(0.3) ? ',' : '') + ']';
		}
		const n = r.int(4); const items = [];
		for (let i = 0; i < n; i++) items.push(r.pick(keys) + r.pick(ws) + ':' + r.pick(ws) + val(d + 1));
		return '{' + r.pick(ws) + items.join(',' + r.pick(ws)) + (r.chance(0.3) ? ',' : '') + '}';
	};
	let t = r.pick(ws) + val(0) + r.pick(ws);
	if (r.chance(0.1)) { const i = r.int(t.length + 1); t = t.slice(0, i) + r.pick(['}', ',', "'", '\\', 'x']) + t.slice(i); }
	return t;
}

const idStart = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}$_]/u;
const idPart = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]/u;
function unicodeSkew(text) {
	for (const ch of text) {
		if (ch.codePointAt(0) < 0x80) continue;
		if ((idStart.test(ch) && !util.isIdStartChar(ch)) || (idPart.test(ch) && !util.isIdContinueChar(ch)))
			return true;
	}
	return false;
}

let files = L.listFiles(a.files);
if (a.random > 0) {
	const r = L.rng(a.seed);
	const texts = [];
	for (let i = 0; i < a.random; i++) texts.push(gen(r));
	files = files.concat(L.writeInputs(a.work || fs.mkdtempSync(path.join(os.tmpdir(), 'diff-json5-')), 'r', texts));
}
const ours = a.ours ? L.readOurs(a.ours) : L.runTool(a.tool, 'json5', files);
if (a.ours) files = [...ours.keys()];

let agree = 0, design = 0, skew = 0, bad = 0;
for (const f of files) {
	const o = ours.get(f);
	const text = fs.readFileSync(f).toString('utf8');
	let ref, refErr = null;
	try { ref = JSON5.parse(text); } catch (e) { refErr = e.message; }
	if (!o) { bad++; console.log(`DISAGREE ${f}: no answer from the tool`); continue; }
	if (o.ok && refErr === null) {
		if (L.deepEqual(JSON.parse(o.out), ref)) agree++;
		else { bad++; console.log(`DISAGREE ${f}: values differ: ours ${o.out.slice(0, 200)} json5 ${JSON.stringify(ref).slice(0, 200)}`); }
	} else if (!o.ok && refErr !== null) {
		agree++;
	} else if (!o.ok) {
		// refused where the literal stands, even when a later duplicate
		// key replaces the value it makes
		if (/(Infinity|NaN) has no JSON form|too large for JSON/.test(o.error)) design++;
		else { bad++; console.log(`DISAGREE ${f}: refused (${o.error}) but json5 reads ${JSON.stringify(ref).slice(0, 200)}`); }
	} else if (unicodeSkew(text)) {
		skew++;
	} else {
		bad++;
		console.log(`DISAGREE ${f}: read (${o.out.slice(0, 120)}) but json5 refuses: ${refErr}`);
	}
}
console.log(`${bad ? 'FAIL' : 'ok'} json5: ${files.length} inputs, ${agree} agree, ${design} refused by design (no JSON form), ${skew} Unicode-version identifiers, ${bad} disagree`);
process.exit(bad ? 1 : 0);
