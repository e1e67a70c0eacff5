// cdp.js: headless Chromium driven through the DevTools protocol over a
// pipe (--remote-debugging-pipe: NUL-terminated JSON on fds 3 and 4), so no
// npm package is needed.  Used by the browser check (tests/browser/check.js)
// and by `make pdf` (src/site/pdf.js).  A Browser starts one Chromium with a
// fresh profile; tab() opens a page target and returns a session whose
// send(method, params) talks to it, and whose events arrive at on(fn).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

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

// A page target with its own session; events for it go to its listeners.
async function openTab(browser) {
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
  const tab = {
    sessionId,
    send: (method, params) => browser.send(method, params, sessionId),
    listeners: [],
    on(fn) { this.listeners.push(fn); },
    waitFor(pred, ms, what) {
      return browser.waitFor((m) => m.sessionId === sessionId && pred(m), ms, what);
    },
    async evaluate(expression, awaitPromise = false) {
      const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise });
      if (exceptionDetails)
        throw new Error(`in the page: ${exceptionDetails.exception ? exceptionDetails.exception.description : exceptionDetails.text}`);
      return result.value;
    },
    // Loads a file:// URL; resolves once the load event fired and the fonts are ready.
    async load(url) {
      const loaded = this.waitFor((m) => m.method === 'Page.loadEventFired', 60000, `load of ${url}`);
      const nav = await this.send('Page.navigate', { url });
      if (nav.errorText) { loaded.catch(() => {}); return nav.errorText; }
      await loaded;
      await this.evaluate('document.fonts.ready.then(() => true)', true);
      return null;
    },
  };
  browser.listeners.push((msg) => { if (msg.sessionId === sessionId) for (const l of tab.listeners) l(msg); });
  return tab;
}

module.exports = { Browser, openTab, chromium };
