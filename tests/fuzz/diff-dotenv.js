// SPDX-License-Identifier: ISC
// diff-dotenv.js - the dotenv reader and quoter (common/dotenv.c) against
// the dotenv package OpenClaw loads .env with. Reading: for every input
// (files, directories such as a fuzz corpus, and --random N generated
// files), the same variables with the same values (a NUL byte, which we
// refuse, is counted apart; so are files that are not UTF-8, which Node
// reads differently by design). Quoting: for --random N generated values,
// what oc_dotenv_quote_dup writes after "VAR=" reads back through dotenv,
// alone and between other lines, as the value itself. A disagreement is
// printed; exit 1.
//   node diff-dotenv.js [--modules DIR] --tool parse-tool [--random N] [FILE|DIR...]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const L = require('./difflib.js');

const a = L.parseArgs(process.argv.slice(2));
const mods = L.findModules(a.modules, 'dotenv');
if (!mods) { console.log('skip: no dotenv package (--modules, OC_NODE_MODULES)'); process.exit(0); }
const dotenv = require(path.join(mods, 'dotenv'));

const bits = ['A', 'b', '=', ' ', '  ', '\t', '#', ' #c', "'", '"', '`', '\\', '\\n', '\\"', '\n', '\r\n', '\r',
	'\u2028', '\u2029', '\u00a0', 'é', 'export ', ':', ': ', '.', '-', '$X', '${Y}', 'KEY', 'K2'];
function genFile(r) {
	const lines = [];
	const n = 1 + r.int(6);
	for (let i = 0; i < n; i++) {
		let l = '';
		const m = r.int(8);
		for (let k = 0; k < m; k++) l += r.pick(bits);
		if (r.chance(0.7)) l = r.pick(['K', 'export K', ' K', 'K.a', 'K-b']) + r.int(4) + r.pick(['=', ' = ', ': ', ':']) + l;
		lines.push(l);
	}
	return lines.join(r.pick(['\n', '\r\n', '\n\n']));
}
function genValue(r) {
	let v = '';
	const m = r.int(10);
	for (let k = 0; k < m; k++) v += r.pick(bits);
	return v;
}

const work = a.work || fs.mkdtempSync(path.join(os.tmpdir(), 'diff-dotenv-'));
const r = L.rng(a.seed);
let files = L.listFiles(a.files);
const values = [];
if (a.random > 0) {
	const texts = [];
	for (let i = 0; i < a.random; i++) { texts.push(genFile(r)); values.push(genValue(r)); }
	files = files.concat(L.writeInputs(work, 'f', texts));
}
let agree = 0, nul = 0, notutf8 = 0, bad = 0;
const ours = L.runTool(a.tool, 'dotenv', files);
for (const f of files) {
	const buf = fs.readFileSync(f);
	const o = ours.get(f);
	if (buf.includes(0)) {
		if (o && !o.ok) nul++; else { bad++; console.log(`DISAGREE ${f}: a NUL byte was read`); }
		continue;
	}
	if (Buffer.compare(Buffer.from(buf.toString('utf8'), 'utf8'), buf) !== 0) { notutf8++; continue; }
	const ref = dotenv.parse(buf);
	if (o && o.ok && L.deepEqual(JSON.parse(o.out), ref)) agree++;
	else { bad++; console.log(`DISAGREE ${f}: ours ${o ? (o.out || o.error) : '-'} dotenv ${JSON.stringify(ref)}`); }
}

let qok = 0, qrefused = 0;
if (values.length > 0) {
	const vfiles = L.writeInputs(work, 'v', values);
	const q = L.runTool(a.tool, 'quote', vfiles);
	vfiles.forEach((f, i) => {
		const o = q.get(f), v = values[i];
		if (!o || !o.ok) { qrefused++; return; }
		const alone = dotenv.parse(Buffer.from(`VAR=${o.out}\n`));
		const among = dotenv.parse(Buffer.from(`A=1\nVAR=${o.out}\nB=2\n`));
		if (alone.VAR === v && among.VAR === v && among.A === '1' && among.B === '2') qok++;
		else { bad++; console.log(`DISAGREE quote ${JSON.stringify(v)} as ${JSON.stringify(o.out)}: dotenv reads ${JSON.stringify(alone.VAR)} / ${JSON.stringify(among)}`); }
	});
}
console.log(`${bad ? 'FAIL' : 'ok'} dotenv: ${files.length} files, ${agree} read alike, ${nul} with a NUL (refused by design), ${notutf8} not UTF-8 (skipped); ${values.length} values, ${qok} quoted and read back, ${qrefused} not writable; ${bad} disagree`);
process.exit(bad ? 1 : 0);
