// check.js: the browser check of the built site.  Loads every page of a site
// directory in headless Chromium (file:// URLs) and fails when a page
//   - shows a KaTeX error (.katex-error),
//   - requests anything outside the site directory (fonts, CSS, scripts...),
//   - fails to load one of its own resources (missing CSS, font, image),
//   - has an image that did not decode, or an inline figure with no size,
//   - links to a file of the site that does not exist, or to an #anchor that
//     the target page does not define,
//   - logs a console error.
// It saves full-page screenshots of the top-level pages in light and dark mode
// (prefers-color-scheme emulated) to the screenshot directory.
//
// Chromium is driven through the DevTools protocol over a pipe
// (--remote-debugging-pipe: NUL-terminated JSON on fds 3 and 4), so no npm
// package is needed.  Usage: node check.js SITE_DIR SCREENSHOT_DIR
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const siteDir = path.resolve(process.argv[2] || 'site');
const shotDir = path.resolve(process.argv[3] || 'build/screenshots');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const siteUrl = 'file://' + siteDir + '/';

function listPages(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listPages(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

// ---------------------------------------------------------------- CDP client
class Browser {
  constructor() {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'noether-chromium-'));
    this.proc = spawn(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-default-apps', '--disable-extensions', '--hide-scrollbars', '--mute-audio',
      '--allow-file-access-from-files', '--font-render-hinting=none',
      `--user-data-dir=${this.profile}`, '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.out = this.proc.stdio[3];
    this.in = this.proc.stdio[4];
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    let buf = Buffer.alloc(0);
    this.in.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let z;
      while ((z = buf.indexOf(0)) >= 0) {
        const msg = JSON.parse(buf.subarray(0, z).toString('utf8'));
        buf = buf.subarray(z + 1);
        this.dispatch(msg);
      }
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
  }
  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    for (const l of this.listeners) l(msg);
  }
  send(method, params = {}, sessionId) {
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.out.write(JSON.stringify(msg) + '\0');
    });
  }
  waitFor(pred, ms, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== fn);
        reject(new Error(`timeout waiting for ${what}`));
      }, ms);
      const fn = (msg) => {
        if (pred(msg)) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== fn);
          resolve(msg);
        }
      };
      this.listeners.push(fn);
    });
  }
  async close() {
    try { await this.send('Browser.close'); } catch (e) { /* already gone */ }
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- checks
const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const ids = new Set();
    const html = fs.readFileSync(file, 'utf8');
    for (const m of html.matchAll(/\sid="([^"]*)"/g)) ids.add(m[1]);
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

function checkLink(href, failures, page) {
  if (/^(https?|mailto):/.test(href)) return 'external';
  if (!href.startsWith('file://')) { failures.push(`${page}: unexpected link ${href}`); return 'bad'; }
  const u = new URL(href);
  const file = decodeURIComponent(u.pathname);
  if (!file.startsWith(siteDir + '/')) { failures.push(`${page}: link leaves the site: ${href}`); return 'bad'; }
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    failures.push(`${page}: broken link ${href}`);
    return 'bad';
  }
  if (u.hash && file.endsWith('.html')) {
    const id = decodeURIComponent(u.hash.slice(1));
    if (!idsOf(file).has(id)) failures.push(`${page}: link to a missing anchor ${href}`);
  }
  return 'internal';
}

const PAGE_PROBE = `(() => {
  const r = {};
  r.katexErrors = [...document.querySelectorAll('.katex-error')].map(e => e.title || e.textContent).slice(0, 5);
  r.katexCount = document.querySelectorAll('.katex').length;
  r.badImages = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);
  r.flatFigures = [...document.querySelectorAll('svg.plot')].filter(s => {
    const b = s.getBoundingClientRect(); return b.width < 50 || b.height < 50; }).length;
  r.figures = document.querySelectorAll('svg.plot').length;
  r.links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  r.scripts = document.scripts.length;
  r.serif = [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Source Serif 4' && f.status === 'loaded');
  r.height = Math.ceil(document.documentElement.scrollHeight);
  return r;
})()`;

async function main() {
  const pages = listPages(siteDir);
  if (!pages.length) throw new Error(`no pages in ${siteDir}`);
  fs.rmSync(shotDir, { recursive: true, force: true });   // no stale screenshots
  fs.mkdirSync(shotDir, { recursive: true });
  const b = new Browser();
  const failures = [];
  const guard = setTimeout(() => {
    console.error('browser: timed out after 300 s\n' + b.stderr.slice(-2000));
    b.proc.kill('SIGKILL');
    process.exit(1);
  }, 300000);
  try {
    const { targetId } = await b.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await b.send('Target.attachToTarget', { targetId, flatten: true });
    const S = (m, p) => b.send(m, p, sessionId);
    await S('Page.enable');
    await S('Network.enable');
    await S('Runtime.enable');
    await S('Network.setCacheDisabled', { cacheDisabled: true });
    await S('Emulation.setDeviceMetricsOverride', { width: 1100, height: 900, deviceScaleFactor: 1, mobile: false });

    let current = '';
    const requests = [];
    const urlOf = new Map();
    b.listeners.push((msg) => {
      if (msg.sessionId !== sessionId) return;
      if (msg.method === 'Network.requestWillBeSent') {
        requests.push(msg.params.request.url);
        urlOf.set(msg.params.requestId, msg.params.request.url);
      } else if (msg.method === 'Network.loadingFailed') {
        if (!msg.params.canceled) failures.push(`${current}: failed to load ${urlOf.get(msg.params.requestId)} (${msg.params.errorText})`);
      } else if (msg.method === 'Network.responseReceived') {
        const r = msg.params.response;
        if (r.status >= 400) failures.push(`${current}: HTTP ${r.status} for ${r.url}`);
      } else if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') {
        failures.push(`${current}: console error ${JSON.stringify(msg.params.args.map(a => a.value))}`);
      } else if (msg.method === 'Runtime.exceptionThrown') {
        failures.push(`${current}: exception ${msg.params.exceptionDetails.text}`);
      }
    });

    let nlinks = 0, nmath = 0, nfig = 0, nshots = 0;
    for (const file of pages) {
      const rel = path.relative(siteDir, file);
      const top = !rel.includes('/');
      const schemes = top ? ['light', 'dark'] : ['light'];
      for (const scheme of schemes) {
        current = `${rel} (${scheme})`;
        await S('Emulation.setEmulatedMedia', { media: 'screen', features: [{ name: 'prefers-color-scheme', value: scheme }] });
        requests.length = 0;
        const loaded = b.waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired', 30000, `load of ${rel}`);
        const nav = await S('Page.navigate', { url: 'file://' + file });
        if (nav.errorText) { failures.push(`${current}: ${nav.errorText}`); continue; }
        await loaded;
        await S('Runtime.evaluate', { expression: 'document.fonts.ready.then(() => true)', awaitPromise: true });
        const { result } = await S('Runtime.evaluate', { expression: PAGE_PROBE, returnByValue: true });
        const r = result.value;
        for (const url of requests) {
          if (url.startsWith('data:') || url === 'about:blank') continue;
          if (!url.startsWith(siteUrl)) failures.push(`${current}: request outside the site: ${url}`);
        }
        if (r.katexErrors.length) failures.push(`${current}: ${r.katexErrors.length} .katex-error: ${r.katexErrors.join(' | ')}`);
        for (const src of r.badImages) failures.push(`${current}: missing image ${src}`);
        if (r.flatFigures) failures.push(`${current}: ${r.flatFigures} figure(s) rendered without a size`);
        if (r.scripts) failures.push(`${current}: ${r.scripts} script element(s); pages need no JavaScript`);
        if (!r.serif) failures.push(`${current}: the text face Source Serif 4 did not load`);
        if (scheme === 'light') {
          for (const href of r.links) if (checkLink(href, failures, rel) === 'internal') nlinks++;
          nmath += r.katexCount;
          nfig += r.figures;
        }
        if (top) {
          // Full page, in slices of at most 8000 px (a GPU texture limit):
          // NAME-light.png, NAME-light-2.png, ...
          const slice = 8000;
          for (let y = 0, k = 1; y < r.height; y += slice, k++) {
            const shot = await S('Page.captureScreenshot', {
              format: 'png', captureBeyondViewport: true,
              clip: { x: 0, y, width: 1100, height: Math.min(slice, r.height - y), scale: 1 },
            });
            const name = rel.replace(/\.html$/, '') + `-${scheme}` + (k > 1 ? `-${k}` : '') + '.png';
            fs.writeFileSync(path.join(shotDir, name), Buffer.from(shot.data, 'base64'));
            nshots++;
          }
        }
      }
    }
    console.log(`browser: ${pages.length} pages, ${nmath} math expressions, ${nfig} figures, ` +
                `${nlinks} internal links checked, ${nshots} screenshots in ${path.relative(process.cwd(), shotDir) || shotDir}`);
  } finally {
    clearTimeout(guard);
    await b.close();
  }
  if (failures.length) {
    for (const f of failures.slice(0, 50)) console.error('browser: FAIL ' + f);
    if (failures.length > 50) console.error(`browser: ... and ${failures.length - 50} more`);
    process.exit(1);
  }
}

main().catch((e) => { console.error('browser: ' + (e.stack || e)); process.exit(1); });
