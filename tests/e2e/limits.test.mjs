// limits.test.mjs: the page at its limits (BROWSER=chromium or firefox): the worker
// answers while a long step request runs, bounded painting, enum fields checked as own
// properties, and the largest grid (512^3: a WASM heap past 2 GiB) meshes, saves,
// loads back and hashes as rdsim does, after which a small grid gives the memory back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './server.mjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';

// Caddy and the browser, started before the tests and stopped after them.
const S = useCaddyAndBrowser();

const post = (page, msg) => page.evaluate((m) => window.rd.worker.postMessage(m), msg);
async function hash(page) {
  await page.evaluate(() => { window.rd.hash = null; window.rd.worker.postMessage({ type: 'hash' }); });
  await until(page, () => window.rd.hash !== null, undefined, 120000);
  return page.evaluate(() => window.rd.hash);
}

test(`${BROWSER}: a long step request is run in slices: hash and pause are answered while it runs`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=64&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 64 && window.rd.meshesDrawn > 0);
  await post(page, { type: 'step', n: 1000000 });
  const during = await hash(page);
  assert.ok(during.step < 1000000, `the hash was answered at step ${during.step}, before the request ended`);
  await post(page, { type: 'run', on: false }); // a pause ends the request
  await until(page, () => window.rd.stats && window.rd.stats.running === false);
  const a = await hash(page);
  await new Promise((r) => setTimeout(r, 600));
  const b = await hash(page);
  assert.equal(b.step, a.step, 'no steps after the pause');
  assert.equal(b.hex, a.hex);
  // A request larger than the limit is refused, and nothing runs.
  await post(page, { type: 'step', n: 1e12 });
  await until(page, () => window.rd.errors.some((e) => /step: n must be a number in 1\.\.1000000000/.test(e)));
  assert.equal((await hash(page)).step, b.step);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: far or missing view rays end at once and change nothing; enum names are own properties`, async () => {
  const { page } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 32 && window.rd.meshesDrawn > 0);
  const before = await hash(page);
  const info = await page.evaluate(() => window.rd.info);
  await post(page, { type: 'view', iso: 0.99, scalar: 1, close: true }); // no V reaches 0.99 at the start
  await post(page, { type: 'paint_ray', origin: [1e8, 16, 16], dir: [0, 1, 0], radius: 4, amount: 0.5 }); // misses
  await post(page, { type: 'paint_ray', origin: [-5, -5, -5], dir: [-1, -1, -1], radius: 4, amount: 0.5 }); // away
  await post(page, { type: 'paint_ray', origin: [1e8, 16, 16], dir: [-1, 0, 0], radius: 4, amount: 0.5 }); // far
  for (const seedMode of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
    await post(page, { type: 'new', nx: 16, ny: 16, nz: 16, boundary: 0, stencil: 7, F: 0.035, k: 0.064, Du: 0.082,
      Dv: 0.041, dt: 1, seed: '1', seedMode });
  }
  await post(page, { type: 'export_mesh', format: 'toString' });
  await post(page, { type: 'toString' });
  await post(page, { type: '__proto__' });
  await until(page, () => window.rd.errors.length >= 9);
  const errs = await page.evaluate(() => window.rd.errors);
  assert.match(errs[0], /paint refused: the ray misses the grid/);
  assert.match(errs[1], /paint refused: the ray misses the grid/);
  assert.match(errs[2], /paint refused: the ray meets no surface \(V >= 0\.99\)/);
  for (let i = 3; i < 7; i++) assert.match(errs[i], /new: seedMode must be one of cube, spheres, noise/);
  assert.match(errs[7], /export_mesh: format must be one of ply, obj, stl/);
  assert.match(errs[8], /unknown message type 'toString'/);
  const after = await hash(page);
  assert.equal(after.hex, before.hex, 'nothing was painted or replaced');
  assert.deepEqual(await page.evaluate(() => window.rd.info), info);
  await page.close();
});

test(`${BROWSER}: 512^3 meshes, saves and loads back with rdsim's hash; a small grid then gives the memory back`,
  async () => {
    const n = 512;
    const ply = path.join(mkdtempSync(path.join(os.tmpdir(), 'rd-limits-')), 'big.ply');
    const native = execFileSync(`${ROOT}/build/native/rdsim`, ['--size', String(n), '--preset', 'mitosis',
      '--seed-mode', 'cube', '--seed', '7', '--steps', '2', '--threads', '2', '--hash', '--mesh-close', '--mesh', ply],
    { encoding: 'utf8' });
    const want = /state_hash ([0-9a-f]{16})/.exec(native)[1];
    const plySha = createHash('sha256').update(readFileSync(ply)).digest('hex');
    rmSync(path.dirname(ply), { recursive: true, force: true });
    const { page, errors } = await openPage(S.browser,
      `${S.server.url}/?threads=2#preset=mitosis&size=${n}&seedMode=cube&seed=7&paused=1`);
    await until(page, (s) => window.rd.info && window.rd.info.nx === s && window.rd.meshesDrawn > 0, n, 300000);
    assert.ok(await page.evaluate(() => window.rd.heapBytes) > 2 ** 31, 'the heap is past 2 GiB');
    await post(page, { type: 'step', n: 2 });
    await until(page, () => window.rd.info.step === 2 && window.rd.meshesDrawn > 1, undefined, 300000);
    assert.ok(await page.evaluate(() => window.rd.triangles) > 1000, 'the mesh of the 512^3 state is drawn');
    assert.equal((await hash(page)).hex, want, 'hash at 512^3 equals rdsim');
    // The exported mesh is rdsim's, byte for byte (the page closes the surface at the box
    // by default, periodic grids too: rdsim --mesh-close).
    await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'ply' }); });
    await until(page, () => window.rd.lastFile !== null, undefined, 300000);
    const pageSha = await page.evaluate(async () => [...new Uint8Array(await crypto.subtle.digest('SHA-256',
      window.rd.lastFile.buffer))].map((x) => x.toString(16).padStart(2, '0')).join(''));
    assert.equal(pageSha, plySha, 'the PLY exported at 512^3 equals rdsim --mesh');
    // Save: a complete .rds file whose stored hash is the state hash.
    await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'save' }); });
    await until(page, () => window.rd.lastFile !== null, undefined, 300000);
    const saved = await page.evaluate(() => {
      const b = window.rd.lastFile.buffer;
      const d = new DataView(b);
      return { bytes: b.byteLength, magic: new TextDecoder().decode(new Uint8Array(b, 0, 8)),
        nx: d.getUint32(16, true), stored: d.getBigUint64(b.byteLength - 8, true).toString(16).padStart(16, '0') };
    });
    assert.deepEqual(saved, { bytes: 128 + 8 * n ** 3 + 8, magic: 'RDSTATE1', nx: n, stored: want });
    // Step on, then load the file back: the saved state returns.
    await post(page, { type: 'step', n: 1 });
    await until(page, () => window.rd.info.step === 3, undefined, 300000);
    assert.notEqual((await hash(page)).hex, want);
    await page.evaluate(() => {
      const buf = window.rd.lastFile.buffer;
      window.rd.worker.postMessage({ type: 'load', buffer: buf }, [buf]);
    });
    await until(page, () => window.rd.info.step === 2, undefined, 300000);
    assert.deepEqual(await hash(page), { hex: want, step: 2 });
    // A refused load at this size changes nothing and leaks nothing: ten tries, same heap.
    const heap = await page.evaluate(() => window.rd.heapBytes);
    for (let i = 0; i < 10; i++) {
      await page.evaluate(() => {
        const bad = new ArrayBuffer(1 << 26);
        new Uint8Array(bad).set(new TextEncoder().encode('RDSTATE1'));
        window.rd.worker.postMessage({ type: 'load', buffer: bad }, [bad]);
      });
    }
    await until(page, () => window.rd.errors.filter((e) => /load refused/.test(e)).length >= 10, undefined, 120000);
    assert.deepEqual(await hash(page), { hex: want, step: 2 });
    await page.evaluate(() => { // the parameters in force again: the answer reports the heap
      const i = window.rd.info;
      window.rd.info = null;
      window.rd.worker.postMessage({ type: 'params', F: i.F, k: i.k, Du: i.Du, Dv: i.Dv, dt: i.dt, stencil: i.stencil });
    });
    await until(page, () => window.rd.info !== null);
    assert.equal(await page.evaluate(() => window.rd.heapBytes), heap, 'refused loads leave the heap as it was');
    await page.select('#size', '32');
    await page.click('#btn-reset');
    await until(page, () => window.rd.info && window.rd.info.nx === 32 && window.rd.engineStarts === 2, undefined, 120000);
    const small = await page.evaluate(() => window.rd.heapBytes);
    assert.ok(small < 256 * 2 ** 20, `a 32^3 run after 512^3 holds ${(small / 2 ** 20).toFixed(0)} MiB of heap`);
    assert.deepEqual(errors, []);
    await page.close();
  });

test(`${BROWSER}: a seed in a link reads as rdsim reads it: decimal, leading zeros too; spaces refused`, async () => {
  const cli = (seed) => /state_hash ([0-9a-f]{16})/.exec(execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '24',
    '--preset', 'mitosis', '--seed', seed, '--steps', '5', '--hash'], { encoding: 'utf8' }))[1];
  assert.equal(cli('010'), cli('10'), 'rdsim reads 010 as ten');
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=mitosis&size=24&seed=010&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24);
  assert.equal(await page.evaluate(() => window.rd.info.seed), '10');
  await post(page, { type: 'step', n: 5 });
  await until(page, () => window.rd.info.step === 5);
  assert.equal((await hash(page)).hex, cli('10'));
  await page.evaluate(() => { document.getElementById('seed').value = ' 10'; document.getElementById('btn-reset').click(); });
  // The page's own check refuses it (the schema's grammar), naming the field.
  await until(page, () => window.rd.refusals.some((r) => r.key === 'seed' && r.text === ' 10'));
  assert.match(await page.$eval('#message', (m) => m.textContent), /^Seed ' 10': must be a decimal integer/);
  assert.equal(await page.evaluate(() => window.rd.info.step), 5, 'the refused reset changed nothing');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the step counter stops at 2^53-1, shown exactly; a file claiming more is refused`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=16&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 16);
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'save' }); });
  await until(page, () => window.rd.lastFile !== null);
  // The same state at step 2^53 - 3 (the step count is not part of the state hash).
  const load = (step) => page.evaluate((s) => {
    const b = window.rd.lastFile.buffer.slice(0);
    new DataView(b).setBigUint64(64, BigInt(s), true);
    window.rd.worker.postMessage({ type: 'load', buffer: b }, [b]);
  }, step);
  await load('9007199254740989');
  await until(page, () => window.rd.info.step === 9007199254740989);
  await post(page, { type: 'step', n: 5 });
  await until(page, () => window.rd.errors.some((e) => /simulation stopped: step counter at its limit/.test(e)));
  await until(page, () => window.rd.info.step === 9007199254740991);
  assert.equal(await page.$eval('#stat-step', (e) => e.textContent), '9007199254740991');
  await load('9007199254740992');
  await until(page, () => window.rd.errors.some((e) => /load refused: .*step count 9007199254740992 exceeds/.test(e)));
  assert.equal(await page.evaluate(() => window.rd.info.step), 9007199254740991, 'the refused file changed nothing');
  assert.deepEqual(errors, []);
  await page.close();
});
