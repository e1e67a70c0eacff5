// check.js: the browser check of the built site.  Loads every page of a site
// directory in headless Chromium (file:// URLs), and looks at each in four
// ways: at desktop width (1100 px) and at phone width (390 px, a mobile
// viewport), each in light and dark mode (prefers-color-scheme emulated).
// It fails when a page
//   - shows a KaTeX error (.katex-error),
//   - requests anything outside the site directory (fonts, CSS, scripts...),
//   - fails to load one of its own resources (missing CSS, font, image),
//   - has an image that did not decode, or an inline figure with no size,
//   - links to a file of the site that does not exist, or to an #anchor that
//     the target page does not define,
//   - logs a console error, or holds a script (pages need no JavaScript),
// and, at each width and in each mode, with every <details> opened, when
//   - the page is laid out wider than the screen (no viewport meta tag),
//   - any element makes the page scroll sideways,
//   - a display equation (.katex-display) overlaps its equation number,
//   - text in a figure (svg.plot) renders smaller than 9 px,
//   - axe-core finds a critical or serious accessibility violation, or a
//     moderate or minor one not listed, with its reason, in
//     tests/browser/axe-allowed.txt.
// It saves full-page screenshots of the top-level pages (as a reader first
// sees them: <details> closed), desktop and phone, light and dark, to the
// screenshot directory, and the axe counts per rule and impact to
// SCREENSHOT_DIR/axe.json (what each page last gave: SCREENSHOT_DIR/check-cache.json).
//
// Cost: axe-core's colour-contrast rule is most of the time (it runs twice a
// page: light and dark), then the full-page screenshots; so each page is
// laid out as few times as the four looks allow (one change of width or of
// scheme at a time, <details> toggled once), axe runs each rule only where
// its answer can differ (AXE_RULES), and a page that passed is not checked
// again until its bytes, a file it loads, or the check itself change (see
// the cache below; CHECK_CACHE=0 checks every page).  CHECK_TIMING=1 prints
// where the time went; CHECK_JOBS (default 2) is the number of browsers.
//
// Chromium is driven through the DevTools protocol over a pipe
// (--remote-debugging-pipe: NUL-terminated JSON on fds 3 and 4); axe-core
// (npm, pinned in package-lock.json) is injected into each page by the check
// alone, never shipped with the site.
// Usage: node check.js SITE_DIR SCREENSHOT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const { Browser, openTab, chromium } = require('../../src/site/cdp.js');

const siteDir = path.resolve(process.argv[2] || 'site');
const shotDir = path.resolve(process.argv[3] || 'build/screenshots');
const jobs = Math.max(1, parseInt(process.env.CHECK_JOBS || '2', 10));
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const allowFile = path.join(__dirname, 'axe-allowed.txt');
const VIEWPORTS = [
  { name: 'desktop', width: 1100, height: 900, mobile: false },
  { name: 'phone', width: 390, height: 844, mobile: true },
];
// Desktop light, desktop dark, phone dark, phone light: one change each.
const LOOKS = [['desktop', 'light'], ['desktop', 'dark'], ['phone', 'dark'], ['phone', 'light']]
  .map(([v, scheme]) => ({ vp: VIEWPORTS.find((x) => x.name === v), scheme }));
const MIN_FIGURE_TEXT_PX = 9;

// tests/browser/axe-allowed.txt: "rule-id: the reason it is kept", one per
// line; only moderate and minor rules may be listed.
function readAllowed() {
  const allowed = new Map();
  if (!fs.existsSync(allowFile)) return allowed;
  for (const raw of fs.readFileSync(allowFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-z0-9-]+):\s*(\S.*)$/);
    if (!m) throw new Error(`${allowFile}: expected "rule-id: reason", got "${line}"`);
    allowed.set(m[1], m[2]);
  }
  return allowed;
}
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
  return r;
})()`;

const SET_DETAILS = (open) => `(() => { for (const d of document.querySelectorAll('details')) d.open = ${open}; return true; })()`;

// The three layout properties, measured in the page as it is laid out now.
const LAYOUT_PROBE = `((minPx) => {
  const r = { sideways: null, overlaps: [], smallText: [] };
  const describe = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += '#' + e.id;
    else if (e.classList.length) s += '.' + [...e.classList].join('.');
    const fig = e.closest('figure[id], .katex-display, pre, table');
    if (fig && fig !== e) s += ' in ' + (fig.id ? '#' + fig.id : fig.tagName.toLowerCase() + (fig.className ? '.' + String(fig.className).split(' ')[0] : ''));
    const t = (e.textContent || '').trim().slice(0, 40);
    return t ? s + ' "' + t + '"' : s;
  };
  // 1. Sideways scroll: the document wider than the viewport; name the
  //    outermost elements that reach past its right edge, outside any box
  //    that clips or scrolls them.
  const vw = document.documentElement.clientWidth;
  r.layoutWidth = vw;
  const sw = document.documentElement.scrollWidth;
  if (sw > vw + 1) {
    const culprits = [];
    const clipped = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox !== 'visible') return true;
      }
      return false;
    };
    for (const e of document.body.querySelectorAll('*')) {
      const b = e.getBoundingClientRect();
      if (b.width === 0 || b.right <= vw + 1 || clipped(e)) continue;
      if (culprits.some((c) => c.contains(e))) continue;
      culprits.push(e);
      if (culprits.length >= 3) break;
    }
    r.sideways = { scrollWidth: sw, width: vw, culprits: culprits.map(describe) };
  }
  // 2. Equation numbers: the box of a display equation's content (its
  //    .katex-base parts) must not meet the box of its number (.katex-tag;
  //    KaTeX before 0.17 wrote .base and .tag).
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  for (const d of document.querySelectorAll('.katex-display')) {
    const tag = d.querySelector('.katex-tag, .tag');
    if (!tag) continue;
    const t = tag.getBoundingClientRect();
    for (const base of d.querySelectorAll('.katex-html > .katex-base, .katex-html > .base')) {
      const b = base.getBoundingClientRect();
      if (b.width > 0 && meet(b, t)) {
        const eq = d.closest('[id]');
        r.overlaps.push((eq ? '#' + eq.id : 'a display equation') + ' ' + tag.textContent.trim());
        break;
      }
    }
  }
  // 3. Figure text: font size in the SVG's units times the scale the
  //    figure is drawn at.
  for (const svg of document.querySelectorAll('svg.plot')) {
    let smallest = Infinity, what = '';
    for (const t of svg.querySelectorAll('text, tspan')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      if (!m) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < smallest) { smallest = px; what = t.textContent.trim().slice(0, 20); }
    }
    if (smallest < minPx - 1e-3) {
      const fig = svg.closest('figure[id]');
      r.smallText.push((fig ? '#' + fig.id : 'a figure') + ': "' + what + '" at ' + smallest.toFixed(1) + ' px');
    }
  }
  return r;
})`;

// axe-core, as the three looks at a page need it: at desktop width in light
// mode every rule; in dark mode the rules that depend on colours (the DOM
// is the same, only the colours change); at phone width the rule that
// depends on what scrolls.  CHECK_AXE_FULL=1 runs every rule in all four
// (to count violations the same way on an old and a new site).
const AXE_RULES = {
  'desktop light': null,
  'desktop dark': ['color-contrast', 'link-in-text-block'],
  'phone light': ['scrollable-region-focusable'],
  'phone dark': [],
};
const axeRun = (rules) => `axe.run(document, ${rules ? `{ runOnly: { type: 'rule', values: ${JSON.stringify(rules)} }, resultTypes: ['violations'] }` : "{ resultTypes: ['violations'] }"}).then((res) =>
  res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`;

// One browser works through its share of the pages (a Chromium each: a
// background tab would not render, and screenshots need rendering).
async function worker(queue, st) {
  const browser = new Browser();
  st.browsers.push(browser);
  const tab = await openTab(browser);
  await tab.send('Page.enable');
  await tab.send('Network.enable');
  await tab.send('Runtime.enable');
  await tab.send('Network.setCacheDisabled', { cacheDisabled: true });
  let current = '', quiet = false;      // our own evaluations (axe) are not the page's
  const requests = [], urlOf = new Map();
  const fail = (msg) => st.failures.push(`${current}: ${msg}`);
  tab.on((msg) => {
    if (msg.method === 'Network.requestWillBeSent') {
      requests.push(msg.params.request.url);
      urlOf.set(msg.params.requestId, msg.params.request.url);
    } else if (msg.method === 'Network.loadingFailed') {
      if (!msg.params.canceled) fail(`failed to load ${urlOf.get(msg.params.requestId)} (${msg.params.errorText})`);
    } else if (msg.method === 'Network.responseReceived') {
      const r = msg.params.response;
      if (r.status >= 400) fail(`HTTP ${r.status} for ${r.url}`);
    } else if (!quiet && msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') {
      fail(`console error ${JSON.stringify(msg.params.args.map(a => a.value))}`);
    } else if (!quiet && msg.method === 'Runtime.exceptionThrown') {
      fail(`exception ${msg.params.exceptionDetails.text}`);
    }
  });
  const setViewport = (vp) => tab.send('Emulation.setDeviceMetricsOverride',
    { width: vp.width, height: vp.height, deviceScaleFactor: 1, mobile: vp.mobile });
  const setScheme = (scheme) => tab.send('Emulation.setEmulatedMedia',
    { media: 'screen', features: [{ name: 'prefers-color-scheme', value: scheme }] });
  const settle = () => tab.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))', true);
  const shown = { vp: null, scheme: null };   // what the tab is set to now
  let rec = null;                              // what this page gave, for the cache
  let t0 = Date.now();
  const lap = (what) => { if (st.timing) st.timing.set(what, (st.timing.get(what) || 0) + Date.now() - t0); t0 = Date.now(); };

  for (let file; (file = queue.shift()) !== undefined;) {
    const rel = path.relative(siteDir, file);
    const top = !rel.includes('/');
    current = rel;
    await setLook(LOOKS[0], { loading: true });
    requests.length = 0;
    const err = await tab.load('file://' + file);
    if (err) { fail(err); continue; }
    const nfail = st.failures.length;
    await settle();
    lap('load');
    const r = await tab.evaluate(PAGE_PROBE);
    for (const url of requests) {
      if (url.startsWith('data:') || url === 'about:blank') continue;
      if (!url.startsWith(siteUrl)) fail(`request outside the site: ${url}`);
    }
    if (r.katexErrors.length) fail(`${r.katexErrors.length} .katex-error: ${r.katexErrors.join(' | ')}`);
    for (const src of r.badImages) fail(`missing image ${src}`);
    if (r.flatFigures) fail(`${r.flatFigures} figure(s) rendered without a size`);
    if (r.scripts) fail(`${r.scripts} script element(s); pages need no JavaScript`);
    if (!r.serif) fail('the text face Source Serif 4 did not load');
    for (const href of r.links) if (checkLink(href, st.failures, rel) === 'internal') st.nlinks++;
    st.nmath += r.katexCount;
    st.nfig += r.figures;
    rec = { links: r.links, nmath: r.katexCount, nfig: r.figures, naxe: 0, shots: [], axe: [] };

    // The four looks, in an order that changes one thing at a time (a
    // change of width lays the page out again; a change of scheme only
    // restyles it): the screenshots with <details> closed, then the checks
    // with them open, going back through the same order.
    const nDetails = await tab.evaluate('document.querySelectorAll("details").length');
    if (top) {
      if (nDetails) await tab.evaluate(SET_DETAILS(false));
      for (const look of LOOKS) {
        await setLook(look);
        await screenshots(rel, look);
      }
    }
    if (nDetails) await tab.evaluate(SET_DETAILS(true));   // everything a reader can open, opened
    for (const look of top ? LOOKS.slice().reverse() : LOOKS) {
      current = `${rel} (${look.vp.name}, ${look.scheme})`;
      await setLook(look);
      await checkLook(rel, look);
    }
    // A page that passed is remembered with what it loaded (see the cache).
    if (st.failures.length === nfail) {
      rec.resources = [...new Set(requests.filter((u) => u.startsWith(siteUrl))
        .map((u) => decodeURIComponent(u.slice(siteUrl.length).replace(/[#?].*$/, ''))))].sort();
      st.fresh[rel] = rec;
    }
  }

  async function setLook(look, { loading = false } = {}) {
    if (shown.vp !== look.vp) await setViewport(look.vp);
    if (shown.scheme !== look.scheme) await setScheme(look.scheme);
    shown.vp = look.vp;
    shown.scheme = look.scheme;
    if (!loading) await settle();    // before a load, the old page need not be laid out
  }

  // Full page, in slices of at most 8000 px (a GPU texture limit):
  // NAME-light.png, NAME-light-2.png, NAME-phone-dark.png, ...
  async function screenshots(rel, { vp, scheme }) {
    const height = await tab.evaluate('Math.ceil(document.documentElement.scrollHeight)');
    const slice = 8000;
    for (let y = 0, k = 1; y < height; y += slice, k++) {
      const shot = await tab.send('Page.captureScreenshot', {
        format: 'png', captureBeyondViewport: true, optimizeForSpeed: true,
        clip: { x: 0, y, width: vp.width, height: Math.min(slice, height - y), scale: 1 },
      });
      const name = rel.replace(/\.html$/, '') + (vp.name === 'phone' ? '-phone' : '') + `-${scheme}` +
                   (k > 1 ? `-${k}` : '') + '.png';
      fs.writeFileSync(path.join(shotDir, name), Buffer.from(shot.data, 'base64'));
      st.nshots++;
      rec.shots.push(name);
      st.shots.push(name);
    }
    lap('screenshots');
  }

  async function checkLook(rel, { vp, scheme }) {
    const L = await tab.evaluate(`${LAYOUT_PROBE}(${MIN_FIGURE_TEXT_PX})`);
    if (L.layoutWidth > vp.width)
      fail(`laid out ${L.layoutWidth} px wide on a ${vp.width} px screen (no <meta name="viewport" content="width=device-width">?)`);
    if (L.sideways) fail(`the page scrolls sideways (${L.sideways.scrollWidth} px wide in ${L.sideways.width}): ${L.sideways.culprits.join('; ')}`);
    for (const o of L.overlaps) fail(`display equation overlaps its number: ${o}`);
    for (const t of L.smallText) fail(`figure text below ${MIN_FIGURE_TEXT_PX} px: ${t}`);
    lap('layout');
    const rules = process.env.CHECK_AXE_FULL ? null : AXE_RULES[`${vp.name} ${scheme}`];
    if (rules && !rules.length) return;
    quiet = true;
    if (!(await tab.evaluate('typeof axe !== "undefined"'))) await tab.evaluate(axeSource);
    const violations = await tab.evaluate(axeRun(rules), true);
    quiet = false;
    st.naxe++;
    rec.naxe++;
    lap(`axe ${vp.name} ${scheme}`);
    for (const v of violations) {
      tallyAxe(st, rel, v);
      rec.axe.push({ impact: v.impact, id: v.id, help: v.help, nodes: v.nodes });
      const serious = v.impact === 'critical' || v.impact === 'serious';
      if (serious || !st.allowed.has(v.id))
        fail(`axe ${v.impact} ${v.id} (${v.help}), ${v.nodes} element(s): ${v.targets.join(' | ')}` +
             (serious ? '' : ' [not listed in tests/browser/axe-allowed.txt]'));
    }
  }
}

// One axe finding of page rel into the run's tally (per impact and rule:
// pages, elements, runs), whether measured now or taken from the cache.
function tallyAxe(st, rel, v) {
  const key = `${v.impact} ${v.id}`;
  if (!st.axe.has(key)) st.axe.set(key, { impact: v.impact, id: v.id, help: v.help, pages: new Set(), nodes: 0, runs: 0 });
  const c = st.axe.get(key);
  c.pages.add(rel);
  c.nodes += v.nodes;
  c.runs++;
}

// ---------------------------------------------------------------- cache
// A page that passed is not loaded again while nothing it depends on has
// changed: its bytes, the bytes of every file of the site it requested
// (stylesheets, fonts, images), and this check itself (check.js, cdp.js,
// axe-core, axe-allowed.txt, the Chromium version).  Its counts, axe
// results and screenshots are taken from the last run, and its links are
// checked again (they depend on other pages).  A page that failed is always
// checked again.  CHECK_CACHE=0 checks every page.
const cacheFile = path.join(shotDir, 'check-cache.json');
function checkEnv() {
  const h = crypto.createHash('sha256');
  for (const f of [__filename, require.resolve('../../src/site/cdp.js'), allowFile])
    h.update(fs.existsSync(f) ? fs.readFileSync(f) : 'none');
  h.update(axeSource);
  h.update(execFileSync(chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  return h.digest('hex');
}
function pageKey(env, rel, resources) {
  const h = crypto.createHash('sha256');
  h.update(env);
  for (const r of [rel, ...resources]) {
    const f = path.join(siteDir, r);
    h.update('\0' + r + '\0');
    h.update(fs.existsSync(f) && fs.statSync(f).isFile() ? fs.readFileSync(f) : 'missing');
  }
  return h.digest('hex');
}
// The entries of the last run that still hold; the others' pages are queued.
function fromCache(env, pages, st) {
  let old = {};
  if (process.env.CHECK_CACHE !== '0')
    try { old = JSON.parse(fs.readFileSync(cacheFile, 'utf8')); } catch (e) { old = {}; }
  const kept = {}, queue = [];
  for (const file of pages) {
    const rel = path.relative(siteDir, file), e = old.env === env && old.pages && old.pages[rel];
    if (e && pageKey(env, rel, e.resources) === e.key && e.shots.every((n) => fs.existsSync(path.join(shotDir, n))))
      kept[rel] = e;
    else
      queue.push(file);
  }
  for (const [rel, e] of Object.entries(kept)) {
    for (const href of e.links) if (checkLink(href, st.failures, rel) === 'internal') st.nlinks++;
    st.nmath += e.nmath;
    st.nfig += e.nfig;
    st.naxe += e.naxe;
    st.nshots += e.shots.length;
    for (const v of e.axe) tallyAxe(st, rel, v);
  }
  return { kept, queue };
}

async function main() {
  const pages = listPages(siteDir);
  if (!pages.length) throw new Error(`no pages in ${siteDir}`);
  fs.mkdirSync(shotDir, { recursive: true });
  const st = { failures: [], axe: new Map(), allowed: readAllowed(), nlinks: 0, nmath: 0, nfig: 0, nshots: 0, naxe: 0,
               timing: process.env.CHECK_TIMING ? new Map() : null, fresh: {}, shots: [] };
  st.browsers = [];
  const env = checkEnv();
  const { kept, queue: todo } = fromCache(env, pages, st);
  fs.rmSync(cacheFile, { force: true });
  const guard = setTimeout(() => {
    console.error('browser: timed out after 1200 s');
    for (const b of st.browsers) { console.error(b.stderr.slice(-1000)); b.proc.kill('SIGKILL'); }
    process.exit(1);
  }, 1200000);
  try {
    // The big pages first, so the browsers finish together.
    const queue = todo.sort((x, y) => fs.statSync(y).size - fs.statSync(x).size);
    await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, () => worker(queue, st)));
    // No stale screenshots: only those of this run and of the kept pages stay.
    const shots = new Set([...Object.values(kept).flatMap((e) => e.shots), ...st.shots]);
    for (const n of fs.readdirSync(shotDir))
      if (n.endsWith('.png') && !shots.has(n)) fs.rmSync(path.join(shotDir, n));
    const entries = {};
    for (const [rel, e] of Object.entries({ ...kept, ...st.fresh }))
      entries[rel] = { ...e, key: pageKey(env, rel, e.resources) };
    fs.writeFileSync(cacheFile, JSON.stringify({ env, pages: entries }) + '\n');
    const summary = [...st.axe.values()].sort((x, y) => x.impact.localeCompare(y.impact) || x.id.localeCompare(y.id))
      .map((c) => ({ impact: c.impact, rule: c.id, help: c.help, pages: c.pages.size, runs: c.runs, elements: c.nodes,
                     kept: st.allowed.get(c.id) || null }));
    fs.writeFileSync(path.join(shotDir, 'axe.json'), JSON.stringify({ axe: require('axe-core/package.json').version,
      runs: st.naxe, violations: summary }, null, 1) + '\n');
    console.log(`browser: ${pages.length} pages at ${VIEWPORTS.map((v) => v.width).join(' and ')} px, light and dark: ` +
                `${st.nmath} math expressions, ${st.nfig} figures, ${st.nlinks} internal links checked, ${st.naxe} axe runs, ` +
                `${st.nshots} screenshots in ${path.relative(process.cwd(), shotDir) || shotDir}` +
                `; ${Object.keys(kept).length} of the pages unchanged since they last passed (CHECK_CACHE=0 checks them too)`);
    for (const c of summary)
      console.log(`browser: axe ${c.impact} ${c.rule}: ${c.elements} element(s) in ${c.runs} run(s) on ${c.pages} page(s)` +
                  (c.kept ? ' (kept: see tests/browser/axe-allowed.txt)' : ''));
    if (st.timing) for (const [k, v] of st.timing) console.log(`browser: time ${k}: ${(v / 1000).toFixed(1)} s (summed over tabs)`);
  } finally {
    clearTimeout(guard);
    await Promise.all(st.browsers.map((b) => b.close()));
  }
  const failures = st.failures;
  if (failures.length) {
    for (const f of failures.slice(0, 60)) console.error('browser: FAIL ' + f);
    if (failures.length > 60) console.error(`browser: ... and ${failures.length - 60} more`);
    process.exit(1);
  }
}

main().catch((e) => { console.error('browser: ' + (e.stack || e)); process.exit(1); });
