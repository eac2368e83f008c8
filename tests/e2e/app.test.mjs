// app.test.mjs: the app in a real browser (BROWSER=chromium or firefox): the page is
// cross-origin isolated, the compute worker reports its pool size, the canvas shows
// the mesh the worker built, and nothing logs an error. Also: without the isolation
// headers the page says what is wrong instead of failing silently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startCaddy, startPlainServer } from './server.mjs';
import { BROWSER, launch, openPage } from './browser.mjs';

// The clear colour of app/render.h in 8-bit sRGB-free form (the canvas is not gamma-mapped).
const CLEAR = [Math.round(0.06 * 255), Math.round(0.07 * 255), Math.round(0.09 * 255)];

let server, browser;
before(async () => {
  server = await startCaddy();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function waitForMesh(page) {
  await page.waitForFunction(() => window.rd && (window.rd.meshesDrawn > 0 || window.rd.problems.length > 0),
    { timeout: 60000, polling: 100 });
  return page.evaluate(() => ({ ...window.rd, pendingMesh: null, onReady: null, onFail: null, onFrame: null }));
}

// Fraction of the canvas' pixels that differ clearly from the clear colour.
async function meshCoverage(page) {
  const canvas = await page.$('#canvas');
  const png = PNG.sync.read(await canvas.screenshot({ type: 'png' }));
  let differ = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const d = Math.abs(png.data[i] - CLEAR[0]) + Math.abs(png.data[i + 1] - CLEAR[1]) + Math.abs(png.data[i + 2] - CLEAR[2]);
    if (d > 24) differ++;
  }
  return { fraction: differ / (png.width * png.height), width: png.width, height: png.height };
}

test(`${BROWSER}: isolated page, pool size reported, mesh drawn, no console errors`, async () => {
  const { page, errors } = await openPage(browser, `${server.url}/?threads=2`);
  const rd = await waitForMesh(page);
  assert.deepEqual(rd.problems, [], `the page reported problems: ${rd.problems.join('; ')}`);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(rd.poolSize, 2, 'the worker reports the requested pool size');
  assert.match(rd.buildId, /\S/, 'a build id is reported');
  assert.match(rd.glVersion, /WebGL 2/, `GL version: ${rd.glVersion}`);
  assert.ok(rd.triangles > 1000, `triangles drawn: ${rd.triangles}`);
  const shown = await page.$eval('#stat-pool', (e) => e.textContent);
  assert.equal(shown, '2', 'the page shows the pool size');
  const cov = await meshCoverage(page);
  assert.ok(cov.fraction > 0.05, `only ${(cov.fraction * 100).toFixed(2)}% of ${cov.width}x${cov.height} pixels differ from the clear colour`);
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});

test(`${BROWSER}: default pool size follows hardwareConcurrency (capped at 8); threads=3 oversubscribes`, async () => {
  let { page, errors } = await openPage(browser, `${server.url}/`);
  let rd = await waitForMesh(page);
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(rd.poolSize, Math.min(hw, 8));
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await openPage(browser, `${server.url}/?threads=3`));
  rd = await waitForMesh(page);
  assert.equal(rd.poolSize, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a bad threads parameter is explained, and the app still runs`, async () => {
  const { page } = await openPage(browser, `${server.url}/?threads=999`);
  const rd = await waitForMesh(page);
  assert.ok(rd.problems.includes('Bad threads parameter'), rd.problems.join('; '));
  assert.ok(rd.poolSize >= 1);
  await page.close();
});

test(`${BROWSER}: without cross-origin isolation the page says so and how to fix it`, async () => {
  const plain = await startPlainServer();
  try {
    const { page } = await openPage(browser, `${plain.url}/`);
    await page.waitForSelector('#problem:not([hidden])', { timeout: 15000 });
    const text = await page.$eval('#problem', (e) => e.textContent);
    assert.match(text, /not cross-origin isolated/);
    assert.match(text, /make serve/);
    await page.close();
  } finally {
    await plain.stop();
  }
});
