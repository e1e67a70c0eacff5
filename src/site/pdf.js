// pdf.js: `make pdf`.  Prints the index and every chapter page of site/ to
// one PDF, site/companion.pdf, so the companion can be cited and read
// offline: headless Chromium prints each page from its print stylesheet
// (site.css, @media print: A4, page numbers in the bottom margin, light
// palette, every <details> opened so the provenance lines and whole
// excerpts are on paper), the numbering continuing from page to page; qpdf
// joins the pages.  Then it checks its work: the joined file has at least
// one page per input page, and its text (pdftotext) holds every page's
// title.  Written to a temporary file, renamed when complete.
// Usage: node src/site/pdf.js OUT.pdf PAGE.html...
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Browser, openTab } = require('./cdp.js');

const [out, ...pages] = process.argv.slice(2);
if (!out || !pages.length) {
  console.error('usage: node src/site/pdf.js OUT.pdf PAGE.html...');
  process.exit(2);
}

const PREPARE = (start) => `(() => {
  const style = document.createElement('style');
  style.textContent = '@page :first { counter-increment: page ${start}; }';
  document.head.appendChild(style);
  for (const d of document.querySelectorAll('details')) d.open = true;
  return document.querySelector('h1') ? document.querySelector('h1').textContent.trim() : document.title;
})()`;

function npages(file) {
  return parseInt(execFileSync('qpdf', ['--show-npages', file], { encoding: 'utf8' }), 10);
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'noether-pdf-'));
  const browser = new Browser();
  const titles = [], parts = [];
  let next = 1;
  try {
    const tab = await openTab(browser);
    await tab.send('Page.enable');
    await tab.send('Runtime.enable');
    for (const [i, page] of pages.entries()) {
      const err = await tab.load('file://' + path.resolve(page));
      if (err) throw new Error(`${page}: ${err}`);
      titles.push(await tab.evaluate(PREPARE(next)));
      await tab.evaluate('document.fonts.ready.then(() => true)', true);
      const { data } = await tab.send('Page.printToPDF', {
        preferCSSPageSize: true, printBackground: true, displayHeaderFooter: false,
        generateDocumentOutline: true, generateTaggedPDF: true,
      });
      const part = path.join(work, `${String(i).padStart(3, '0')}.pdf`);
      fs.writeFileSync(part, Buffer.from(data, 'base64'));
      const n = npages(part);
      console.log(`pdf: ${page}: pages ${next}\u2013${next + n - 1}`);
      next += n;
      parts.push(part);
    }
  } finally {
    await browser.close();
  }
  const tmp = `${out}.tmp.${process.pid}`;
  try {
    execFileSync('qpdf', ['--deterministic-id', '--empty', '--pages', ...parts, '--', tmp]);
    const total = npages(tmp);
    if (total < pages.length) throw new Error(`${total} pages for ${pages.length} pages of the site`);
    const text = execFileSync('pdftotext', [tmp, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 }).replace(/\s+/g, ' ');
    for (const t of titles)
      if (!text.includes(t.replace(/\s+/g, ' '))) throw new Error(`the title "${t}" is not in the PDF's text`);
    fs.renameSync(tmp, out);
    console.log(`pdf: ${out}: ${total} pages, ${pages.length} parts`);
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error('pdf: ' + (e.stack || e)); process.exit(1); });
