// katex-render.js: the site generator's math renderer.  Reads NUL-separated
// records 'D'|'I' + TeX from stdin, renders each with KaTeX's renderToString
// (throwOnError: a bad expression is reported, never drawn in red), and
// writes NUL-separated records back: 'W' + warning (zero or more), then
// 'O' + HTML or 'E' + KaTeX's message.  One process renders a whole page.
// Usage: node katex-render.js [macros.tex]   (one \name:expansion per line)
'use strict';
const fs = require('fs');
const katex = require('katex');

const macros = {};
const macroFile = process.argv[2];
if (macroFile) {
  const lines = fs.readFileSync(macroFile, 'utf8').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.trimStart().startsWith('%')) return;
    const colon = line.indexOf(':');
    if (!line.startsWith('\\') || colon < 2) {
      process.stderr.write(`${macroFile}:${i + 1}: expected \\name:expansion, got '${line}'\n`);
      process.exit(2);
    }
    macros[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
}

const input = fs.readFileSync(0);
const out = [];
let start = 0;
for (let i = 0; i < input.length; i++) {
  if (input[i] !== 0) continue;
  const rec = input.subarray(start, i).toString('utf8');
  start = i + 1;
  const warnings = [];
  try {
    const html = katex.renderToString(rec.slice(1), {
      displayMode: rec[0] === 'D',
      throwOnError: true,
      macros,
      strict: (code, msg) => { warnings.push(msg); return 'ignore'; },
      trust: false,
    });
    for (const w of warnings) out.push('W' + w.replace(/\0/g, ''));
    out.push('O' + html);
  } catch (e) {
    const msg = String(e && e.message ? e.message : e).replace(/^KaTeX parse error: /, '');
    out.push('E' + msg.replace(/\0/g, ''));
  }
}
process.stdout.write(out.map((r) => r + '\0').join(''));
