// app.test.mjs: the app in a real browser (BROWSER=chromium or firefox): the page is
// cross-origin isolated, the compute worker reports its pool size, the canvas shows
// the mesh the worker built, and nothing logs an error. Also: without the isolation
// headers the page says what is wrong instead of failing silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startPlainServer } from './server.mjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { drawnAt, drawnShare, solidPoint } from './pixels.mjs';


// Caddy and the browser, started before the tests and stopped after them.
const S = useCaddyAndBrowser();

async function waitForMesh(page) {
  await page.waitForFunction(() => window.rd && (window.rd.meshesDrawn > 0 || window.rd.problems.length > 0),
    { timeout: 60000, polling: 100 });
  return page.evaluate(() => {
    const { poolSize, buildId, glVersion, triangles, problems, meshesDrawn } = window.rd;
    return { poolSize, buildId, glVersion, triangles, problems, meshesDrawn };
  });
}

// Fraction of the canvas' pixels that differ clearly from the clear colour.
async function meshCoverage(page) {
  const canvas = await page.$('#canvas');
  const png = PNG.sync.read(await canvas.screenshot({ type: 'png', captureBeyondViewport: false }));
  return { fraction: drawnShare(png, 24), width: png.width, height: png.height };
}

test(`${BROWSER}: isolated page, pool size reported, mesh drawn, no console errors`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2`);
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
  let { page, errors } = await openPage(S.browser, `${S.server.url}/`);
  let rd = await waitForMesh(page);
  const hw = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(rd.poolSize, Math.min(hw, 8));
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await openPage(S.browser, `${S.server.url}/?threads=3`));
  rd = await waitForMesh(page);
  assert.equal(rd.poolSize, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a bad threads parameter is explained, and the app still runs`, async () => {
  const { page } = await openPage(S.browser, `${S.server.url}/?threads=999`);
  await page.waitForFunction(() => window.rd.meshesDrawn > 0, { timeout: 60000, polling: 100 });
  const rd = await waitForMesh(page);
  assert.ok(rd.problems.includes('Bad threads parameter'), rd.problems.join('; '));
  assert.ok(rd.poolSize >= 1);
  await page.close();
});

test(`${BROWSER}: without cross-origin isolation the page says so and how to fix it`, async () => {
  const plain = await startPlainServer();
  try {
    const { page } = await openPage(S.browser, `${plain.url}/`);
    await page.waitForSelector('#problem:not([hidden])', { timeout: 15000 });
    const text = await page.$eval('#problem', (e) => e.textContent);
    assert.match(text, /not cross-origin isolated/);
    assert.match(text, /make serve/);
    await page.close();
  } finally {
    await plain.stop();
  }
});

// ---- the simulation itself ----------------------------------------------------------

import { execFileSync } from 'node:child_process';
import { ROOT } from './server.mjs';

test(`${BROWSER}: the simulation runs live and pauses on request`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=48`);
  await until(page, () => window.rd.meshesDrawn >= 3 && window.rd.info && window.rd.info.step > 50);
  const info = await page.evaluate(() => window.rd.info);
  assert.equal(info.nx, 48);
  // Per-thread statistics arrive while it runs: one busy bar per pool thread, some of them busy.
  await until(page, () => document.querySelectorAll('#workers .bar').length === window.rd.poolSize &&
    [...document.querySelectorAll('#workers .bar span')].some((b) => parseFloat(b.style.width) > 0));
  await page.click('#btn-run'); // pause
  await until(page, () => window.rd.stats && window.rd.stats.running === false);
  const s1 = await page.evaluate(() => window.rd.stats.step);
  await new Promise((r) => setTimeout(r, 800));
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
  await until(page, () => window.rd.hash !== null);
  assert.equal(await page.evaluate(() => window.rd.hash.step), s1, 'no steps while paused');
  await page.click('#btn-step');
  await until(page, (s) => window.rd.info.step === s + 1, s1);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link reproduces a run, bit for bit the native CLI's state hash`, async () => {
  const { page, errors } = await openPage(S.browser,
    `${S.server.url}/?threads=3#preset=mitosis&size=40&boundary=1&seedMode=cube&seed=12345&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 40);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 150 }));
  await until(page, () => window.rd.info.step === 150);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
  await until(page, () => window.rd.hash !== null);
  const browserHash = await page.evaluate(() => window.rd.hash.hex);
  const out = execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '40', '--preset', 'mitosis', '--boundary', 'zeroflux',
    '--seed-mode', 'cube', '--seed', '12345', '--steps', '150', '--threads', '1', '--hash'], { encoding: 'utf8' });
  const nativeHash = /state_hash ([0-9a-f]{16})/.exec(out)[1];
  assert.equal(browserHash, nativeHash);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: bad messages and unstable parameters are refused and change nothing`, async () => {
  const { page } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=32&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 32 && window.rd.meshesDrawn > 0);
  const before = await page.evaluate(() => window.rd.info);
  const post = (msg) => page.evaluate((m) => window.rd.worker.postMessage(m), msg);
  await post({ type: 'params', F: 'abc', k: 0.06, Du: 0.1, Dv: 0.05, dt: 1, stencil: 7 });
  await post({ type: 'params', F: 0.03, k: 0.06, Du: 0.5, Dv: 0.05, dt: 1, stencil: 7 }); // 0.5*1 > 1/6
  await post({ type: 'new', nx: 4096, ny: 8, nz: 8, boundary: 0, stencil: 7, F: 0.03, k: 0.06, Du: 0.1, Dv: 0.05, dt: 1, seed: '1', seedMode: 'cube' });
  await post({ type: 'no_such_thing' });
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'load', buffer: new ArrayBuffer(100) }));
  await post({ type: 'mesh_taken', hold: 'yes' });
  await until(page, () => window.rd.errors.length >= 6);
  const errs = await page.evaluate(() => window.rd.errors);
  assert.match(errs[0], /F must be a number/);
  assert.match(errs[1], /parameters refused.*(dt|stab)/i);
  assert.match(errs[2], /nx must be a number in 8\.\.512/);
  assert.match(errs[3], /unknown message type/);
  assert.match(errs[4], /load refused/);
  assert.match(errs[5], /mesh_taken: hold must be true or false/);
  await post({ type: 'hash' });
  await until(page, () => window.rd.hash !== null);
  const after = await page.evaluate(() => window.rd.info);
  assert.deepEqual(after, before, 'the simulation is unchanged');
  await page.close();
});

test(`${BROWSER}: state saves and loads back to the same hash; threads change at run time`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=worms&size=32&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 32);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'threads', n: 1 }));
  await until(page, () => window.rd.activeThreads === 1);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 40 }));
  await until(page, () => window.rd.info.step === 40);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'threads', n: 2 }));
  await until(page, () => window.rd.activeThreads === 2);
  await page.evaluate(() => { window.rd.worker.postMessage({ type: 'hash' }); window.rd.worker.postMessage({ type: 'save' }); });
  await until(page, () => window.rd.hash !== null && window.rd.lastFile !== null);
  const saved = await page.evaluate(() => ({ hex: window.rd.hash.hex, bytes: window.rd.lastFile.buffer.byteLength }));
  assert.equal(saved.bytes, 128 + 8 * 32 ** 3 + 8);
  // Run on, then load the saved state back: the hash returns.
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 10 }));
  await until(page, () => window.rd.info.step === 50);
  await page.evaluate(() => {
    window.rd.hash = null;
    const buf = window.rd.lastFile.buffer;
    window.rd.worker.postMessage({ type: 'load', buffer: buf }, [buf]);
    window.rd.worker.postMessage({ type: 'hash' });
  });
  await until(page, () => window.rd.hash !== null);
  assert.deepEqual(await page.evaluate(() => window.rd.hash), { hex: saved.hex, step: 40 });
  // The mesh exports as binary PLY with colours from U (the default colouring).
  await until(page, () => window.rd.meshesDrawn > 0);
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'ply' }); });
  await until(page, () => window.rd.lastFile !== null);
  const ply = await page.evaluate(() => new TextDecoder().decode(window.rd.lastFile.buffer.slice(0, 400)));
  assert.match(ply, /^ply\nformat binary_little_endian 1\.0\n/);
  assert.match(ply, /element vertex [1-9]\d*\n/);
  assert.match(ply, /property uchar red/);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Alt-click paints V where the view ray meets the surface`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=32&paused=1&iso=0.2`);
  await until(page, () => window.rd.info && window.rd.info.nx === 32 && window.rd.meshesDrawn > 0 && window.rd.app);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
  await until(page, () => window.rd.hash !== null);
  const before = await page.evaluate(() => { const h = window.rd.hash.hex; window.rd.hash = null; return h; });
  // Click where the surface is drawn: the drawn pixel nearest the canvas centre.
  const canvas = await page.$('#canvas');
  const box = await canvas.boundingBox();
  const png = PNG.sync.read(await canvas.screenshot({ type: 'png', captureBeyondViewport: false }));
  // Inside a solid patch of surface (not on a thin line of the bounding box).
  const drawn = (x, y) => drawnAt(png, x, y, 60);
  const at = solidPoint(png, box, drawn);
  assert.ok(at, 'the surface is drawn somewhere');
  await page.keyboard.down('Alt');
  await page.mouse.click(at.x, at.y);
  await page.keyboard.up('Alt');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
  await until(page, () => window.rd.hash !== null);
  const after = await page.evaluate(() => window.rd.hash);
  assert.notEqual(after.hex, before, `painting changed the state (errors: ${await page.evaluate(() => window.rd.errors.join('; '))})`);
  assert.equal(after.step, 0, 'painting is not a step');
  // Alt-click on the empty background (a corner of the view) paints nothing.
  assert.ok(!drawn(4, 4), 'the corner shows the background');
  await page.evaluate(() => { window.rd.hash = null; });
  await page.keyboard.down('Alt');
  await page.mouse.click(box.x + 4.5 * box.width / png.width, box.y + 4.5 * box.height / png.height);
  await page.keyboard.up('Alt');
  await until(page, () => window.rd.errors.some((e) => /paint refused: the ray (misses the grid|meets no surface)/.test(e)));
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
  await until(page, () => window.rd.hash !== null);
  assert.equal(await page.evaluate(() => window.rd.hash.hex), after.hex, 'a click beside the surface changes nothing');
  // The refusal is said over the view until the next stroke lands; an undo says what it did.
  const said = () => page.evaluate(() => { const m = document.getElementById('message'); return m.hidden ? '' : m.textContent; });
  assert.match(await said(), /^paint refused: the ray/);
  await page.keyboard.down('Alt');
  await page.mouse.click(at.x, at.y);
  await page.keyboard.up('Alt');
  await until(page, () => window.rdPaint.undo === 2);
  assert.equal(await said(), '', 'a stroke that lands clears the refusal');
  await page.click('#paint-undo');
  await until(page, () => document.getElementById('message').textContent.startsWith('Undid a stroke'));
  assert.match(await said(), /^Undid a stroke \(step 0\): one stroke to undo, one stroke to redo\.$/);
  await page.evaluate(() => { window.rd.errors.length = 0; });
  assert.deepEqual(errors, []);
  await page.close();
});
