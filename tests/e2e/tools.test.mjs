// tools.test.mjs: the explorer's tools in the page (BROWSER=chromium or firefox).
// Time series: the plot gets points as the simulation runs; the exported CSV parses
// (header, numeric rows, steps increasing) and its last row equals the statistics
// computed here from the saved state (.rds, README's layout); Load state starts it again. Painting: a pen stroke in
// paint mode changes the state; Ctrl+Z restores the exact hash from before it and
// Ctrl+Shift+Z the one after; a drag is one stroke; a cube brush changes a different (larger) set of cells
// than a sphere; painting U changes U and not V; a touch stroke paints too.
// Recording: a WebM clip is non-empty and plays (a <video> reports a duration > 0);
// a PNG sequence downloads N files <grid>-step<S>-frame0001.png ... with the PNG signature, paused too
// (the app draws every frame while recording, nothing once it is done).
// Export volume: the .vti download (a non-cubic zero-flux grid) is rdsim --volume's file,
// byte for byte, and names the grid and step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { PNG } from 'pngjs';
import os from 'node:os';
import path from 'node:path';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';

const S = useCaddyAndBrowser();

// Downloads are kept in the page (window.__downloads: {name, bytes}) instead of saved.
async function catchDownloads(page) {
  await page.evaluate(() => {
    window.__downloads = [];
    HTMLAnchorElement.prototype.click = function click() {
      if (!this.download) return;
      const entry = { name: this.download, bytes: null };
      window.__downloads.push(entry);
      fetch(this.href).then((r) => r.arrayBuffer()).then((b) => { entry.bytes = Array.from(new Uint8Array(b)); });
    };
  });
}

async function liveHash(page) {
  await page.evaluate(() => { window.rd.hash = null; window.rd.worker.postMessage({ type: 'hash' }); });
  await until(page, () => window.rd.hash !== null);
  return page.evaluate(() => window.rd.hash.hex);
}

// The state as the page's Save state button writes it, parsed (README: .rds layout).
async function savedState(page) {
  await page.evaluate(() => { window.rd.lastFile = null; document.getElementById('btn-save').click(); });
  await until(page, () => window.rd.lastFile !== null && window.rd.lastFile.kind === 'rds');
  const bytes = Buffer.from(await page.evaluate(() => Array.from(new Uint8Array(window.rd.lastFile.buffer))));
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'RDSTATE1');
  const [nx, ny, nz] = [16, 20, 24].map((o) => bytes.readUInt32LE(o));
  const n = nx * ny * nz;
  const field = (at) => new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 4 * n));
  return { nx, ny, nz, n, step: Number(bytes.readBigUInt64LE(64)), u: field(128), v: field(128 + 4 * n) };
}

const differing = (a, b) => { let c = 0; for (let i = 0; i < a.length; i++) c += a[i] !== b[i]; return c; };

test(`${BROWSER}: the time series plots as it runs; its CSV parses and matches the saved state`, async (t) => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=32`);
  // Full resolution whatever the frame time (slow software GL lowers the drawing level, and
  // the rows' triangles and area are the drawn mesh's).
  await until(page, () => window.rd.ready);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'budget', full: true }));
  await until(page, () => window.rd.ready && window.rdPlots && window.rdPlots.points >= 5, undefined, 90000);
  const canvases = await page.$$eval('#series-chart canvas', (c) => c.length);
  assert.ok(canvases >= 1, 'uPlot drew the chart');
  // Pause, then one step: the last row is the state at that step.
  await page.evaluate(() => { if (window.rd.running) document.getElementById('btn-run').click(); });
  await until(page, () => !window.rd.running && window.rd.stats && !window.rd.stats.running);
  await new Promise((r) => setTimeout(r, 500));
  const s0 = await page.evaluate(() => window.rd.info.step);
  await page.click('#btn-step');
  await until(page, (s) => window.rd.info.step === s + 1 && window.rdPlots.rows.length > 0 &&
    window.rdPlots.rows[window.rdPlots.rows.length - 1].step === s + 1, s0);
  await catchDownloads(page);
  await page.click('#series-csv');
  await until(page, () => window.__downloads.length === 1 && window.__downloads[0].bytes !== null);
  const dl = await page.evaluate(() => window.__downloads[0]);
  assert.equal(dl.name, `grayscott-32x32x32-step${s0 + 1}-series.csv`, 'the CSV is named by its grid and last step');
  const lines = Buffer.from(dl.bytes).toString('utf8').trim().split('\n');
  assert.equal(lines[0], 'step,meanV,maxV,minV,meanU,inside,triangles,area,level');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  assert.ok(rows.length >= 5, `rows: ${rows.length}`);
  for (const r of rows) assert.ok(r.length === 9 && r.every(Number.isFinite), `a numeric row: ${r}`);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i][0] > rows[i - 1][0], 'steps increase');
  const last = rows[rows.length - 1];
  assert.equal(last[0], s0 + 1);

  const st = await savedState(page);
  assert.equal(st.step, s0 + 1, 'the saved state is at the last row\'s step');
  let sv = 0, su = 0, hi = -Infinity, inside = 0;
  const iso = Math.fround(await page.evaluate(() => window.rd.view.iso));
  for (let i = 0; i < st.n; i++) { sv += st.v[i]; su += st.u[i]; hi = Math.max(hi, st.v[i]); inside += st.v[i] >= iso; }
  const meanV = sv / st.n;
  assert.ok(Math.abs(last[1] - meanV) <= 1e-12 * meanV, `mean V ${last[1]} vs ${meanV} from the saved state`);
  assert.equal(last[2], hi, 'max V');
  assert.ok(Math.abs(last[4] - su / st.n) <= 1e-12, 'mean U');
  assert.equal(last[5], inside / st.n, 'inside fraction');
  assert.ok(last[6] > 0 && last[7] > 0, 'triangles and area');
  // rdsim --stats from the same start gives the same row, bit for bit (area included).
  const info = await page.evaluate(() => window.rd.info), view = await page.evaluate(() => window.rd.view);
  const out = execFileSync('build/native/rdsim', ['--preset', 'spots', '--size', '32', '--boundary', String(info.boundary),
    '--seed-mode', info.seedMode, '--seed', info.seed, '--steps', String(s0 + 1), '--iso', String(view.iso),
    '--stats', ...(view.close ? ['--mesh-close'] : [])], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(out[0], lines[0], 'rdsim --stats: the same columns');
  assert.deepEqual(out[1].split(',').map(Number), last, 'rdsim --stats: the same numbers');
  assert.equal(last[8], 1, 'the row says its mesh is full resolution');

  // Drawn coarse (the budget), a row says so, and its area is still in the grid's units.
  await page.evaluate((t) => window.rd.worker.postMessage({ type: 'budget', full: false, triangles: t }), Math.floor(last[6] / 3));
  await page.click('#btn-step');
  await until(page, (s) => { const r = window.rdPlots.rows[window.rdPlots.rows.length - 1]; return r.step === s + 2 && r.level > 1; }, s0);
  const coarse = await page.evaluate(() => window.rdPlots.rows[window.rdPlots.rows.length - 1]);
  t.diagnostic(`coarse row: level ${coarse.level}, ${coarse.triangles} triangles, area ${coarse.area}`);
  assert.ok(coarse.triangles < last[6] / 2, `fewer triangles drawn coarse (${coarse.triangles} vs ${last[6]})`);
  assert.ok(Math.abs(coarse.area - last[7]) < 0.15 * last[7], `the coarse area ${coarse.area} is near the full ${last[7]}`);
  assert.match(await page.evaluate(() => document.getElementById('series-now').textContent), /resolution/);
  t.diagnostic(`${rows.length} rows; last ${lines[lines.length - 1]}; mean V from the .rds ${meanV}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: pen and touch strokes paint; undo/redo restore exact hashes; cube and U brushes`, async (t) => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=32&paused=1&iso=0.2&seedMode=cube`);
  await until(page, () => window.rd.info && window.rd.info.nx === 32 && window.rd.meshesDrawn > 0 && window.rd.app &&
    window.rdPaint && !document.getElementById('paint-mode').disabled);
  const h0 = await liveHash(page);
  const s0 = await savedState(page);
  // A stroke at the middle of the view (the seeded cube is there), as a pen or finger does it.
  const stroke = (pointerType) => page.evaluate((type) => {
    const c = document.getElementById('canvas');
    const r = c.getBoundingClientRect();
    const at = { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, pointerId: 5, pointerType: type,
      isPrimary: true, bubbles: true, cancelable: true, composed: true, button: 0 };
    c.dispatchEvent(new PointerEvent('pointerdown', { ...at, buttons: 1 }));
    c.dispatchEvent(new PointerEvent('pointerup', { ...at, buttons: 0 }));
  }, pointerType);
  const strokes = async (n) => until(page, (k) => window.rdPaint.undo === k, n);
  await page.click('#paint-mode');
  assert.equal(await page.evaluate(() => window.rdPaint.mode), true);
  await stroke('pen');
  await strokes(1);
  const h1 = await liveHash(page);
  assert.notEqual(h1, h0, `the pen stroke painted (errors: ${await page.evaluate(() => window.rd.errors.join('; '))})`);
  const s1 = await savedState(page);
  const sphereCells = differing(s0.v, s1.v);
  assert.ok(sphereCells > 0 && differing(s0.u, s1.u) === 0, 'a V brush changes V only');

  await page.focus('#canvas');
  await page.keyboard.down('Control');
  await page.keyboard.press('z');
  await page.keyboard.up('Control');
  await until(page, () => window.rdPaint.undo === 0 && window.rdPaint.redo === 1);
  assert.equal(await liveHash(page), h0, 'Ctrl+Z: the exact state before the stroke');
  await page.keyboard.down('Control');
  await page.keyboard.down('Shift');
  await page.keyboard.press('z');
  await page.keyboard.up('Shift');
  await page.keyboard.up('Control');
  await until(page, () => window.rdPaint.undo === 1 && window.rdPaint.redo === 0);
  assert.equal(await liveHash(page), h1, 'Ctrl+Shift+Z: the exact state after it');
  await page.click('#paint-undo');
  await until(page, () => window.rdPaint.undo === 0);
  assert.equal(await liveHash(page), h0, 'the Undo button too');

  // A cube brush from the same state: the same hit point, a different (larger) set of cells.
  await page.evaluate(() => { const e = document.getElementById('paintShape'); e.value = 'cube'; e.dispatchEvent(new Event('change')); });
  await stroke('touch');
  await strokes(1);
  const h2 = await liveHash(page);
  assert.ok(h2 !== h1 && h2 !== h0, 'the cube stroke painted something else');
  const s2 = await savedState(page);
  const cubeCells = differing(s0.v, s2.v);
  assert.ok(cubeCells > sphereCells, `cube ${cubeCells} cells vs sphere ${sphereCells}`);
  for (let i = 0; i < s0.n; i++) if (s1.v[i] !== s0.v[i]) assert.notEqual(s2.v[i], s0.v[i], 'the cube holds the ball');
  t.diagnostic(`sphere stroke: ${sphereCells} cells, cube stroke: ${cubeCells} cells; hashes ${h0} -> ${h1}, cube ${h2}`);

  // Painting U (a negative amount: U is 1 around the seed): U changes, V does not.
  await page.keyboard.down('Control');
  await page.keyboard.press('z');
  await page.keyboard.up('Control');
  await until(page, () => window.rdPaint.undo === 0);
  await page.evaluate(() => {
    for (const [k, v] of [['paintTarget', 'u'], ['paintAmount', '-0.5'], ['paintShape', 'sphere']]) {
      const e = document.getElementById(k);
      e.value = v;
      e.dispatchEvent(new Event('change'));
    }
  });
  await stroke('pen');
  await strokes(1);
  const s3 = await savedState(page);
  assert.equal(differing(s0.v, s3.v), 0, 'V is as it was');
  assert.ok(differing(s0.u, s3.u) > 0, 'U was painted');
  assert.deepEqual(await page.evaluate(() => window.rdPaint.pointerTypes), ['pen', 'touch', 'pen']);

  // A drag paints along the way and is one stroke: one undo takes all of it back.
  await page.click('#paint-undo');
  await until(page, () => window.rdPaint.undo === 0);
  assert.equal(await liveHash(page), h0);
  await page.evaluate(() => {
    for (const [k, v] of [['paintTarget', 'v'], ['paintAmount', '0.5']]) {
      const e = document.getElementById(k);
      e.value = v;
      e.dispatchEvent(new Event('change'));
    }
  });
  await page.evaluate(async () => {
    const c = document.getElementById('canvas');
    const r = c.getBoundingClientRect();
    const at = (dx) => ({ clientX: r.left + r.width / 2 + dx, clientY: r.top + r.height / 2, pointerId: 9, pointerType: 'pen',
      isPrimary: true, bubbles: true, cancelable: true, composed: true, button: 0, buttons: 1 });
    c.dispatchEvent(new PointerEvent('pointerdown', at(0)));
    for (const dx of [6, 12]) {
      await new Promise((res) => setTimeout(res, 120)); // past the stroke's 50 ms spacing
      c.dispatchEvent(new PointerEvent('pointermove', at(dx)));
    }
    c.dispatchEvent(new PointerEvent('pointerup', { ...at(12), buttons: 0 }));
  });
  await strokes(1);
  const hDrag = await liveHash(page);
  assert.ok(hDrag !== h1 && hDrag !== h0, 'the drag painted more than its first press');
  assert.equal(await page.evaluate(() => window.rdPaint.undo), 1, 'one stroke');
  await page.click('#paint-undo');
  await until(page, () => window.rdPaint.undo === 0 && window.rdPaint.redo === 1);
  assert.equal(await liveHash(page), h0, 'one undo takes the whole drag back');
  // The help lists the new shortcuts.
  const keys = await page.$$eval('#help dt', (d) => d.map((e) => e.textContent));
  for (const k of ['Ctrl+Z', 'Ctrl+Shift+Z, Ctrl+Y', 'P']) assert.ok(keys.includes(k), `help lists ${k}`);
  assert.deepEqual(await page.evaluate(() => window.rd.errors), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a recorded WebM clip plays; a PNG sequence gives N PNG files`, async (t) => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=32`);
  await until(page, () => window.rd.ready && window.rd.meshesDrawn > 2 && window.rdRecord &&
    !document.getElementById('record-clip').disabled, undefined, 90000);
  await catchDownloads(page);
  await page.evaluate(() => { document.getElementById('record-seconds').value = '2'; });
  await page.click('#record-clip');
  await until(page, () => window.rdRecord.state === 'recording');
  await until(page, () => document.getElementById('record-progress').value > 0.5);
  await until(page, () => window.rdRecord.clips === 1 && window.__downloads.some((d) => d.bytes !== null),
    undefined, 30000);
  const clip = await page.evaluate(() => window.__downloads.find((d) => /\.webm$/.test(d.name)));
  assert.ok(clip, 'a .webm was downloaded');
  assert.match(clip.name, /^grayscott-32x32x32-step\d+-clip\.webm$/);
  const bar = await page.$eval('#record-progress', (p) => [p.value, p.max]);
  assert.ok(bar[1] === 2 && bar[0] >= 1.5 && bar[0] <= 2, `the bar shows the 2 s used of 2: ${bar}`);
  // The clip's span, to the stop (not to the recorder's later onstop: Firefox said 2.6 s).
  assert.match(await page.$eval('#record-status', (m) => m.textContent), /^Recorded 2\.[0-2] s, /);
  assert.ok(clip.bytes.length > 1000, `the clip has ${clip.bytes.length} bytes`);
  assert.deepEqual(clip.bytes.slice(0, 4), [0x1a, 0x45, 0xdf, 0xa3], 'an EBML (WebM) header');
  const duration = await page.evaluate(async () => {
    const v = document.createElement('video');
    v.muted = true;
    v.src = URL.createObjectURL(window.rdRecord.clip.blob);
    document.body.appendChild(v);
    await new Promise((resolve, reject) => {
      v.onloadedmetadata = resolve;
      v.onerror = () => reject(new Error(`the video failed to load: ${v.error && v.error.code}`));
    });
    // MediaRecorder's WebM has no duration in its header (Chromium says Infinity):
    // a seek past the end makes the browser find it.
    if (!Number.isFinite(v.duration)) {
      v.currentTime = 1e9;
      const t0 = performance.now();
      while (!Number.isFinite(v.duration) && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 50));
    }
    const d = v.duration;
    v.remove();
    return d;
  });
  assert.ok(Number.isFinite(duration) && duration > 0, `the clip plays for ${duration} s`);
  assert.ok(duration < 5, `about the 2 s limit: ${duration}`);
  t.diagnostic(`clip: ${clip.bytes.length} bytes, ${await page.evaluate(() => window.rdRecord.clip.mime)}, ${duration} s`);

  // Bad fields: said, marked, nothing recorded.
  await page.evaluate(() => { document.getElementById('record-frames').value = '2.5'; document.getElementById('record-png').click(); });
  assert.match(await page.$eval('#message', (m) => m.textContent), /^Frames '2\.5': a whole number, 1\.\.1000\.$/);
  assert.equal(await page.$eval('#record-frames', (e) => e.getAttribute('aria-invalid')), 'true');
  assert.equal(await page.evaluate(() => window.rdRecord.state), 'idle');
  await page.evaluate(() => { window.__downloads.length = 0; document.getElementById('record-frames').value = '3'; });
  await page.click('#record-png');
  await until(page, () => window.rdRecord.state === 'idle' && window.__downloads.length === 3 &&
    window.__downloads.every((d) => d.bytes !== null), undefined, 30000);
  const frames = await page.evaluate(() => window.__downloads);
  const prefix = /^(grayscott-32x32x32-step\d+)-frame0001\.png$/.exec(frames[0].name);
  assert.ok(prefix, `frames are named by grid and step: ${frames[0].name}`);
  assert.deepEqual(frames.map((d) => d.name), [1, 2, 3].map((k) => `${prefix[1]}-frame000${k}.png`), 'one prefix, numbered');
  for (const f of frames) assert.deepEqual(f.bytes.slice(0, 8), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // Each frame has every pixel of the canvas, as Picture does, whatever the drawing budget
  // draws the view at (SwiftShader: half the pixels).
  const full = await page.evaluate(() => { const c = document.getElementById('canvas'); return [Math.round(c.clientWidth * devicePixelRatio), Math.round(c.clientHeight * devicePixelRatio)]; });
  const be32 = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  for (const f of frames) assert.deepEqual([be32(f.bytes, 16), be32(f.bytes, 20)], full, `a frame of ${full.join('x')} pixels`);
  t.diagnostic(`drawing budget pixels while not recording: ${await page.evaluate(() => window.rd.budget.pixels)}`);

  // Paused, a frame is taken each time the picture changes (here the camera), never the
  // same picture twice: a still view waits and the status says why.
  await page.click('#btn-run');
  await until(page, () => window.rd.stats && !window.rd.stats.running && window.rd.pendingMesh === null &&
    window.rd.meshesDrawn === window.rd.meshesReceived);
  await new Promise((r) => setTimeout(r, 500));
  const drawn = await page.evaluate(() => window.rd.framesDrawn);
  await page.evaluate(() => { window.__downloads.length = 0; document.getElementById('record-frames').value = '4'; });
  await page.click('#record-png');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await page.evaluate(() => window.__downloads.length), 0, 'a still, paused view gives no frames');
  assert.match(await page.$eval('#record-status', (p) => p.textContent), /0 of 4 \(paused: a frame is taken each time the view changes/);
  for (let k = 1; k <= 4; k++) {
    await page.evaluate((yaw) => window.rd.app._app_camera_set(yaw, 0.4, 3, 0, 0, 0), 0.5 * k);
    await until(page, (n) => window.__downloads.length >= n, k);
  }
  await until(page, () => window.rdRecord.state === 'idle' && window.__downloads.length === 4 &&
    window.__downloads.every((d) => d.bytes !== null), undefined, 30000);
  const shots = await page.evaluate(() => window.__downloads.map((d) => d.bytes.join(',')));
  assert.equal(new Set(shots).size, 4, 'four different pictures');
  assert.match(await page.$eval('#message', (m) => m.textContent), /^Saved 4 PNG frames \(grayscott-32x32x32-step\d+-frame0001(-\d)?\.png …\)\.$/,
    'the outcome is said over the view too');
  const after = await page.evaluate(() => window.rd.framesDrawn);
  assert.ok(after >= drawn + 4, 'paused: the sequence drew its frames');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await page.evaluate(() => window.rd.framesDrawn), after, 'once recorded, the paused view draws nothing again');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Load state starts the time series again: no rows of the run it replaced`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=24`);
  await until(page, () => window.rd.ready && window.rd.info && window.rd.info.step > 400 && window.rdPlots.rows.length >= 3,
    undefined, 90000);
  // Save at step S, start again from the seed, let it run below S, then load the file.
  await page.click('#btn-run');
  await until(page, () => window.rd.stats && window.rd.stats.running === false);
  await page.evaluate(() => { window.rd.lastFile = null; document.getElementById('btn-save').click(); });
  await until(page, () => window.rd.lastFile !== null && window.rd.lastFile.kind === 'rds');
  // the step the file holds (its header, README), not the readout, which may lag a pause
  const saved = await page.evaluate(() => Number(new DataView(window.rd.lastFile.buffer).getBigUint64(64, true)));
  await page.evaluate(() => { window.__saved = window.rd.lastFile.buffer.slice(0); });
  await page.click('#btn-reset');
  await until(page, (s) => window.rd.info.step < s, saved);
  // Paced, so that the rows below step S come before the run passes S (unpaced, 24³ can run
  // thousands of steps between two rows).
  await page.select('#speed', '100');
  await page.click('#btn-run');
  await until(page, (s) => window.rdPlots.rows.length >= 2 && window.rdPlots.rows.every((r) => r.step < s) &&
    window.rd.info.step > 50, saved);
  await page.click('#btn-run');
  await until(page, () => window.rd.stats && window.rd.stats.running === false);
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([window.__saved], 'saved.rds'));
    const el = document.getElementById('load');
    el.files = dt.files;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await until(page, (s) => window.rd.info.step === s && window.rdPlots.rows.some((r) => r.step === s), saved);
  const steps = await page.evaluate(() => window.rdPlots.rows.map((r) => r.step));
  assert.ok(steps.every((s) => s >= saved), `every row is of the loaded run (>= step ${saved}): ${steps.join(' ')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

const ROOT = new URL('../..', import.meta.url).pathname;
const rdsim = (args) => execFileSync(`${ROOT}/build/native/rdsim`, args);

// The page's Export volume download: its name and bytes, and the message the page showed.
async function exportVolume(page) {
  await catchDownloads(page);
  await page.click('#btn-volume');
  await until(page, () => window.__downloads.length === 1 && window.__downloads[0].bytes !== null);
  const dl = await page.evaluate(() => ({ name: window.__downloads[0].name, bytes: window.__downloads[0].bytes }));
  return { name: dl.name, bytes: Buffer.from(dl.bytes), message: await page.$eval('#message', (el) => el.textContent) };
}

test(`${BROWSER}: Export volume downloads rdsim --volume's .vti, byte for byte (stepped in the page; a loaded non-cubic state)`, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-vti-'));
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=worms&size=20&boundary=1&seed=4&paused=1`);
  await until(page, () => window.rd.ready && window.rd.info);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 37 }));
  await until(page, () => window.rd.info.step === 37);
  let got = await exportVolume(page);
  rdsim(['--size', '20', '--preset', 'worms', '--boundary', 'zeroflux', '--seed', '4', '--steps', '37', '--threads', '1',
    '--volume', `${dir}/a.vti`]);
  let cli = readFileSync(`${dir}/a.vti`);
  assert.equal(got.name, 'grayscott-20x20x20-step37.vti');
  assert.ok(got.bytes.equals(cli), `the page's volume (${got.bytes.length} bytes) is rdsim's (${cli.length})`);
  assert.match(got.message, /Saved grayscott-20x20x20-step37\.vti \(\d+ KB\)\. U and V at every grid point/);

  // A non-cubic state (only a file brings one to the page), loaded through Load state.
  rdsim(['--dims', '24,16,12', '--preset', 'spots', '--seed', '8', '--steps', '25', '--map', '--save', `${dir}/b.rds`,
    '--volume', `${dir}/b.vti`]);
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'b.rds'));
    const el = document.getElementById('load');
    el.files = dt.files;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, Array.from(readFileSync(`${dir}/b.rds`)));
  await until(page, () => window.rd.info.nx === 24 && window.rd.info.step === 25);
  got = await exportVolume(page);
  cli = readFileSync(`${dir}/b.vti`);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(got.name, 'grayscott-24x16x12-step25.vti');
  assert.ok(got.bytes.equals(cli), `the loaded state's volume (${got.bytes.length} bytes) is rdsim's (${cli.length})`);
  // While the threads lab runs (it steps from this state and puts it back), an export is
  // refused with the reason, not written from a state in between.
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'lab_start', threads: [1, 2], steps: 1000000 }); });
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'export_volume' }));
  await until(page, () => window.rd.errors.some((e) => /^export_volume: the threads lab is running/.test(e)));
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'lab_cancel' }));
  assert.equal(await page.evaluate(() => window.rd.lastFile), null, 'nothing exported');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the line profile plots U and V along an axis through the slices' positions, each value rdsim --probe's; its CSV downloads`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=mitosis&size=24&seedMode=cube&seed=3&boundary=1&paused=1`);
  await until(page, () => window.rd.ready && window.rd.info);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 30 }));
  await until(page, () => window.rd.info.step === 30);
  assert.equal(await page.$eval('#profile-chart', (el) => el.hidden), true, 'no chart while off');
  // the view: orange pixels (the line, app/render.c draw_profile) only with the profile on
  const orange = async () => {
    await until(page, () => window.rd.meshesDrawn === window.rd.meshesReceived && !window.rd.pendingMesh);
    await new Promise((r) => setTimeout(r, 400));
    const png = PNG.sync.read(await (await page.$('#canvas')).screenshot({ type: 'png', captureBeyondViewport: false }));
    let n = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (r > 220 && g > 120 && g < 185 && b < 90) n++;
    }
    return n;
  };
  const before = await orange();
  await page.select('#profile', 'x');
  await until(page, () => window.rdProfile.last && window.rdProfile.last.axis === 'x' && window.rdProfile.last.step === 30);
  const after = await orange();
  assert.ok(before === 0 && after > 20, `the line shows in the view (${before} orange pixels before, ${after} after)`);
  const m = await page.evaluate(() => ({ at: window.rdProfile.last.at, u: Array.from(window.rdProfile.last.u),
    v: Array.from(window.rdProfile.last.v), now: document.getElementById('profile-now').textContent,
    chart: !document.getElementById('profile-chart').hidden && !!document.querySelector('#profile-chart canvas') }));
  assert.deepEqual(m.at, [-1, 12, 12], 'through the y and z slices\' samples (0.5 of 0..23: 12)');
  assert.equal(m.now, 'along x at y = 12, z = 12 (step 30)');
  assert.ok(m.chart, 'uPlot drew the chart');
  const args = ['--size', '24', '--preset', 'mitosis', '--seed-mode', 'cube', '--seed', '3', '--boundary', 'zeroflux', '--steps', '30'];
  for (let x = 0; x < 24; x++) {
    const line = rdsim([...args, '--probe', `${x},12,12`]).toString().trim().split('\n').pop().split(' ');
    assert.deepEqual([Math.fround(Number(line[4])), Math.fround(Number(line[5]))], [m.u[x], m.v[x]], `x = ${x}: rdsim --probe's U and V`);
  }
  assert.ok(m.v.some((v) => v > 0.1) && m.v.some((v) => v < 0.01), 'the line crosses the pattern');
  // The CSV: x,U,V and one row a sample, the same floats.
  await catchDownloads(page);
  await page.click('#profile-csv');
  await until(page, () => window.__downloads.length === 1 && window.__downloads[0].bytes !== null);
  const dl = await page.evaluate(() => ({ name: window.__downloads[0].name, text: new TextDecoder().decode(new Uint8Array(window.__downloads[0].bytes)) }));
  assert.equal(dl.name, 'grayscott-24x24x24-step30-profile-x-y12z12.csv');
  const rows = dl.text.trim().split('\n');
  assert.equal(rows[0], 'x,U,V');
  assert.equal(rows.length, 25);
  rows.slice(1).forEach((r, i) => {
    const [x, u, v] = r.split(',').map(Number);
    assert.deepEqual([x, Math.fround(u), Math.fround(v)], [i, m.u[i], m.v[i]]);
  });
  // It follows the slices' positions (moved or not drawn) and the axis; off hides it.
  await page.evaluate(() => { const el = document.getElementById('sliceYPos'); el.value = '0.25'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await until(page, () => window.rdProfile.last && String(window.rdProfile.last.at) === '-1,6,12');
  await page.select('#profile', 'z');
  await until(page, () => window.rdProfile.last && window.rdProfile.last.axis === 'z' && String(window.rdProfile.last.at) === '12,6,-1');
  const z = await page.evaluate(() => Array.from(window.rdProfile.last.v));
  const line = rdsim([...args, '--probe', '12,6,7']).toString().trim().split('\n').pop().split(' ');
  assert.equal(Math.fround(Number(line[5])), z[7], 'z = 7 on the z line is rdsim --probe 12,6,7\'s V');
  assert.match(await page.evaluate(() => location.hash), /profile=z/, 'the link carries it');
  await page.select('#profile', 'none');
  await until(page, () => window.rdProfile.last === null && document.getElementById('profile-chart').hidden &&
    !document.getElementById('profile-none').hidden);
  await page.click('#profile-csv');
  await until(page, () => /No line profile to export/.test(document.getElementById('message').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});
