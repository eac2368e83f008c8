// browser.mjs: launches Debian's Chromium (headless) or Firefox ESR (a real window;
// run under xvfb-run, since headless Firefox has no WebGL2 here) via puppeteer-core,
// chosen by the BROWSER environment variable, with a fresh profile each time.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, after } from 'node:test';
import puppeteer from 'puppeteer-core';
import { startCaddy } from './server.mjs';

export const BROWSER = process.env.BROWSER || 'chromium';

export async function launch() {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), `rd-${BROWSER}-`));
  let browser;
  if (BROWSER === 'chromium') {
    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      userDataDir,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--enable-unsafe-swiftshader', '--window-size=1024,768'],
    });
  } else if (BROWSER === 'firefox') {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: '/usr/bin/firefox-esr',
      headless: false,
      userDataDir,
      // RD_FIREFOX_PREFS (JSON) adds preferences, for experiments such as the worker limit.
      extraPrefsFirefox: { 'browser.shell.checkDefaultBrowser': false, ...JSON.parse(process.env.RD_FIREFOX_PREFS || '{}') },
    });
  } else {
    throw new Error(`BROWSER must be chromium or firefox, got ${BROWSER}`);
  }
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return browser;
}

// Opens url in a new page, recording console errors and uncaught exceptions.
export async function openPage(browser, url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 960, height: 640 });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err && err.message ? err.message : err)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

// Waits for fn(arg) in the page; on time-out the error says what the page's state was.
export async function until(page, fn, arg, timeout = 60000) {
  try {
    await page.waitForFunction(fn, { timeout, polling: 50 }, arg);
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify({
      info: window.rd.info, stats: window.rd.stats && { step: window.rd.stats.step, running: window.rd.stats.running },
      poolSize: window.rd.poolSize, meshesReceived: window.rd.meshesReceived, meshesDrawn: window.rd.meshesDrawn,
      framesDrawn: window.rd.framesDrawn, errors: window.rd.errors, problems: window.rd.problems,
      visibility: document.visibilityState, stage: window.rd.stage,
    })).catch((err) => `(state unavailable: ${err.message})`);
    throw new Error(`${e.message}; waiting for ${fn}; page state ${state}`);
  }
}

// Registers node:test hooks that start Caddy and the browser before a file's tests and
// stop them after; returns {server, browser}, filled in once they run.
export function useCaddyAndBrowser() {
  const s = { server: null, browser: null };
  before(async () => {
    s.server = await startCaddy();
    s.browser = await launch();
  });
  after(async () => {
    if (s.browser) await s.browser.close();
    if (s.server) await s.server.stop();
  });
  return s;
}
