// slices.test.mjs: seeing inside the volume (BROWSER=chromium or firefox), through the
// page's controls: a slice (built by the worker, engine/slice.h, drawn by the app) shows
// on the canvas and its pixels change when its slider moves; a clip plane cuts the
// surface open and the slice at the plane shows the inside's colour; choosing a
// colormap changes the view's colours and the legend (a row for the slices when their field
// is not the surface's), and an exported PLY carries that
// map's colours (colormap_rgb8 of the schema's stops), byte for byte rdsim's with
// --colormap; a closed solid's cap is lit flat (no dark rim at its seam); Colour range "fit" spans the surface's own values (legend, view, link, PLY
// = rdsim --color-range fit); a closed export of a periodic grid is rdsim --mesh-close's. Dragging the
// planes: a Ctrl-drag on a slice moves it along its normal (the view in force, its slider,
// its label and the link follow, the pixels change) and never orbits; a Ctrl-drag off
// every plane changes nothing (a plain drag there orbits); the clip plane drags the same
// way, and with a slice capping it both move; a plane facing the camera follows the
// pointer's height; Move planes drags with a touch, no Ctrl. Colour range "custom": the
// typed from .. to colours the view, the legend and the PLY (= rdsim --color-range custom);
// a "to" not above "from" is refused by the page and by the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { differ, floodFrom, share, solidPoint } from './pixels.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const S = useCaddyAndBrowser();

// Sets a control as a person does: a checkbox or select fires change, a slider input.
const set = (page, id, value) => page.evaluate((i, v) => {
  const el = document.getElementById(i);
  if (el.type === 'checkbox') { el.checked = v; el.dispatchEvent(new Event('change', { bubbles: true })); return; }
  el.value = String(v);
  el.dispatchEvent(new Event(el.type === 'range' ? 'input' : 'change', { bubbles: true }));
}, id, value);

// Waits until the view in force has key = value (reals to 1e-6) and the meshes (with
// their slices) sent since are drawn, then a little longer for the frame.
// (A change only the slices need brings the slices without a mesh: they are taken too.)
async function inForce(page, key, value) {
  await until(page, ([k, v]) => {
    const w = window.rd.view && window.rd.view[k];
    return typeof v === 'number' ? Math.abs(w - v) < 1e-6 : w === v;
  }, [key, value]);
  const drawn = () => window.rd.meshesDrawn === window.rd.meshesReceived && !window.rd.pendingMesh &&
    (!window.rd.pendingSlices || window.rd.pendingSlices.every((b) => b === undefined));
  await until(page, drawn);
  await new Promise((r) => setTimeout(r, 500));
  await until(page, drawn);
}

// captureBeyondViewport false: Chromium otherwise resizes the view to take it (a resize the
// page answers by drawing again: not the frame the test looks at).
// The canvas' pixels, without the probe's readout (web/probe.js) that a pointer resting on
// the view after a drag brings up over its corner.
const shot = async (page) => {
  await page.evaluate(() => { document.getElementById('probe').style.visibility = 'hidden'; });
  const png = await (await page.$('#canvas')).screenshot({ type: 'png', captureBeyondViewport: false });
  await page.evaluate(() => { document.getElementById('probe').style.visibility = ''; });
  return PNG.sync.read(png);
};

async function open(hash) {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#${hash}&paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.app && window.rd.view);
  return { page, errors };
}

test(`${BROWSER}: a slice shows V on the canvas, alone or with the surface, and moves with its slider`, async () => {
  const { page, errors } = await open('preset=mitosis&size=48&seedMode=cube&seed=3');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 300 }));
  await until(page, () => window.rd.info.step === 300 && window.rd.triangles > 0);
  await set(page, 'surface', false);
  await inForce(page, 'surface', false);
  const empty = await shot(page);
  await set(page, 'sliceZ', true);
  await inForce(page, 'sliceZ', true);
  assert.equal(await page.evaluate(() => window.rd.app._app_slice_count()), 1, 'the app draws one slice');
  const at50 = await shot(page);
  assert.ok(differ(empty, at50) > 0.05, `the slice covers part of the view (${differ(empty, at50)})`);
  await set(page, 'sliceZPos', 0.2);
  await inForce(page, 'sliceZPos', 0.2);
  const at20 = await shot(page);
  const moved = differ(at50, at20);
  assert.ok(moved > 0.02, `moving the slice changes its pixels (${(moved * 100).toFixed(2)}% differ)`);
  assert.equal(await page.evaluate(() => document.getElementById('legend-name').textContent), 'V', 'the legend names the slices\' field');
  await set(page, 'surface', true);
  await inForce(page, 'surface', true);
  const both = await shot(page);
  assert.ok(differ(at20, both) > 0.01, 'the surface is drawn with the slice');
  // The surface coloured by U (0..1) and the slice by V (0..0.5): a row for each.
  const rows = () => page.evaluate(() => [...document.querySelectorAll('#legend .legend-row')]
    .filter((r) => !r.hidden).map((r) => [...r.children].map((c) => c.textContent).filter(Boolean).join(' ')));
  assert.deepEqual(await rows(), ['surface U 0 1', 'slices V 0 0.5'], 'the legend names both fields and ranges');
  const bars = await page.$$eval('.legend-bar', (bs) => bs.map((b) => { const r = b.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; }));
  assert.deepEqual(bars[0], bars[1], 'the two rows\' bars line up');
  await page.select('#sliceField', 'u');
  await until(page, () => window.rd.view.sliceField === 'u');
  assert.deepEqual(await rows(), ['U 0 1'], 'one row when both show U');
  await page.select('#sliceField', 'v');
  await until(page, () => window.rd.view.sliceField === 'v');
  await set(page, 'sliceZ', false);
  await inForce(page, 'sliceZ', false);
  assert.equal(await page.evaluate(() => window.rd.app._app_slice_count()), 0, 'switched off');
  // A position outside 0..1 sent to the worker is refused, with its range, and changes nothing.
  const view = await page.evaluate(() => window.rd.view);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'view', sliceX: true, sliceXPos: 5 }));
  await until(page, () => window.rd.errors.some((e) => /sliceXPos = 5: must be in \[0, 1\]/.test(e)));
  await page.evaluate(() => { window.rdViewBefore = window.rd.view; window.rd.worker.postMessage({ type: 'view' }); });
  await until(page, () => window.rd.view !== window.rdViewBefore); // the engine's answer: the view in force
  assert.deepEqual(await page.evaluate(() => window.rd.view), view, 'the refused message changed nothing');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: drawn coarse (the budget), the surface, the slices and the box stay in one frame`, async () => {
  // A coarse mesh's positions are in the coarse grid's units; the app draws it in the
  // simulation grid's, where the slices (always full resolution) and the clip plane are.
  const { page, errors } = await open('preset=mitosis&size=48&seedMode=cube&seed=3');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 300 }));
  await until(page, () => window.rd.info.step === 300 && window.rd.triangles > 0);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'budget', full: true }));
  await set(page, 'surface', false);
  await inForce(page, 'surface', false);
  await set(page, 'sliceZ', true);
  await inForce(page, 'sliceZ', true);
  // (the budget's notice lies over the view, also at full resolution on SwiftShader, which
  // draws fewer pixels: kept out of the pictures compared)
  await page.evaluate(() => { document.getElementById('budget-note').style.visibility = 'hidden'; });
  const fine = await shot(page);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'budget', full: false, triangles: 1000 }));
  await until(page, () => window.rd.budget.level > 1 && window.rd.meshesDrawn === window.rd.meshesReceived && !window.rd.pendingMesh);
  await new Promise((r) => setTimeout(r, 500));
  const coarse = await shot(page);
  // The slice and the box alone: the same picture whatever the surface's level.
  assert.ok(differ(fine, coarse) < 0.005, `the slice and box do not move with the level (${(differ(fine, coarse) * 100).toFixed(2)}% differ)`);
  // The surface alone: the coarse one lies where the fine one does (most pixels agree).
  await set(page, 'sliceZ', false);
  await inForce(page, 'sliceZ', false);
  const none = await shot(page);
  await set(page, 'surface', true);
  await inForce(page, 'surface', true);
  const coarseBoth = await shot(page);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'budget', full: true }));
  await until(page, () => window.rd.budget.level === 1 && window.rd.meshesDrawn === window.rd.meshesReceived && !window.rd.pendingMesh);
  await new Promise((r) => setTimeout(r, 500));
  const fineBoth = await shot(page);
  const d = differ(fineBoth, coarseBoth), covered = differ(none, fineBoth);
  assert.ok(covered > 0.01 && d < 0.5 * covered, `the coarse surface covers the fine one's place (${(d * 100).toFixed(2)}% differ, the surface covers ${(covered * 100).toFixed(2)}%)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a clip plane cuts the surface open and the slice at it shows the inside's colour`, async () => {
  // A cube of V in the middle (seedMode cube) from above (the top view looks down y).
  const { page, errors } = await open('preset=spots&size=40&seedMode=cube&scalar=0&colormap=grey&sliceField=v');
  await page.evaluate(() => { window.rd.app._app_camera_view(3); window.rd.app._app_camera_zoom(6); });
  await set(page, 'sliceY', true);
  await inForce(page, 'sliceY', true);
  const whole = await shot(page);
  // mid grey: the slice's colour of V inside the cube (0.25 of 0..0.5); the flat surface is orange
  const midGrey = (r, g, b) => Math.abs(r - g) < 10 && Math.abs(g - b) < 10 && r > 70 && r < 200;
  const before = share(whole, midGrey);
  await set(page, 'clip', 'y');
  await inForce(page, 'clip', 'y');
  const cut = await shot(page);
  if (process.env.RD_SHOTS) for (const [n, png] of [['whole', whole], ['cut', cut]]) writeFileSync(`/tmp/rd-${BROWSER}-${n}.png`, PNG.sync.write(png));
  assert.ok(differ(whole, cut) > 0.01, `the clip changes the view (${(differ(whole, cut) * 100).toFixed(2)}% differ)`);
  const after = share(cut, midGrey);
  assert.ok(after > before + 0.005, `the inside's colour appears: mid-grey pixels ${before.toFixed(4)} -> ${after.toFixed(4)}`);
  await set(page, 'clip', 'none');
  await inForce(page, 'clip', 'none');
  assert.ok(differ(whole, await shot(page)) < 0.002, 'without the clip the view is whole again');
  assert.deepEqual(errors, []);
  await page.close();
});

// colormap_rgb8 (engine/colormap.c) in JavaScript, in float32 as the C code computes it.
function rgb8(stops, t) {
  const f = Math.fround;
  t = !(t > 0) ? 0 : t > 1 ? 1 : f(t);
  const last = stops.length - 1;
  const x = f(t * last);
  let k = Math.trunc(x);
  k = k > last - 1 ? last - 1 : k;
  const fr = f(x - k);
  return [0, 1, 2].map((c) => Math.trunc(f(f(stops[k][c] + f(fr * f(stops[k + 1][c] - stops[k][c]))) + 0.5)));
}

// The vertex colours of a binary PLY with x y z nx ny nz red green blue (meshio.c).
function plyColours(buf) {
  const bytes = new Uint8Array(buf);
  const text = new TextDecoder().decode(bytes.subarray(0, 600));
  const end = text.indexOf('end_header\n') + 'end_header\n'.length;
  const nv = Number(/element vertex (\d+)/.exec(text)[1]);
  assert.match(text, /property uchar red/);
  const out = [];
  for (let i = 0; i < nv; i++) {
    const o = end + i * 27 + 24;
    out.push([bytes[o], bytes[o + 1], bytes[o + 2]]);
  }
  return out;
}

test(`${BROWSER}: a colormap changes the view and the legend, and the exports carry its colours (rdsim --colormap)`, async () => {
  const { page, errors } = await open('preset=mitosis&size=32&seedMode=cube&seed=5&boundary=1&scalar=1');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 200 }));
  await until(page, () => window.rd.info.step === 200);
  await inForce(page, 'colormap', 'viridis');
  const viridis = await shot(page);
  const bar0 = await page.$eval('#legend-bar', (e) => e.style.background);
  const names = await page.$$eval('#colormap option', (o) => o.map((x) => x.value));
  for (const n of ['viridis', 'magma', 'cividis', 'turbo', 'coolwarm', 'grey']) assert.ok(names.includes(n), `${n} is offered`);
  await set(page, 'colormap', 'magma');
  await inForce(page, 'colormap', 'magma');
  const magma = await shot(page);
  assert.ok(differ(viridis, magma) > 0.01, `the view's colours change (${(differ(viridis, magma) * 100).toFixed(2)}% differ)`);
  const legend = await page.evaluate(() => ({ map: window.rd.legend.colormap, bar: document.getElementById('legend-bar').style.background }));
  assert.equal(legend.map, 'magma');
  assert.notEqual(legend.bar, bar0, 'the legend shows the new map');
  assert.match(legend.bar.replace(/\s/g, ''), /rgb\(0,0,4\)/, 'the legend starts at magma\'s first stop');
  assert.match(await page.evaluate(() => location.hash), /colormap=magma/, 'the link carries the map');
  // The PLY: every colour is magma's colormap_rgb8 of some value, and it is rdsim's file.
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'ply' }); });
  await until(page, () => window.rd.lastFile !== null);
  const buf = Buffer.from(await page.evaluate(async () => [...new Uint8Array(window.rd.lastFile.buffer)]));
  const schema = JSON.parse(execFileSync(`${ROOT}/build/native/rdsim`, ['--schema'], { encoding: 'utf8' }));
  const stops = schema.colormaps.find((c) => c.name === 'magma').stops;
  const palette = new Set();
  for (let i = 0; i <= 200000; i++) palette.add(rgb8(stops, i / 200000).join(','));
  const colours = plyColours(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  assert.ok(colours.length > 100, `${colours.length} vertices`);
  const off = colours.filter((c) => !palette.has(c.join(',')));
  assert.equal(off.length, 0, `colours not on magma: ${off.slice(0, 5).map((c) => c.join(',')).join('; ')}`);
  assert.ok(new Set(colours.map((c) => c.join(','))).size > 5, 'several colours');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-cmap-'));
  execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '32', '--preset', 'mitosis', '--seed-mode', 'cube', '--seed', '5',
    '--boundary', 'zeroflux', '--steps', '200', '--mesh-color', 'u', '--mesh-close', '--colormap', 'magma', '--mesh', `${dir}/m.ply`]);
  const cli = readFileSync(`${dir}/m.ply`);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(createHash('sha256').update(buf).digest('hex'), createHash('sha256').update(cli).digest('hex'),
    'the page\'s PLY is rdsim --colormap magma\'s, byte for byte');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Colour range "fit" spans the surface's own values: the legend, the view, the link and the exports (rdsim --color-range fit)`, async () => {
  const { page, errors } = await open('preset=mitosis&size=32&seedMode=cube&seed=5&boundary=1&scalar=1');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 200 }));
  await until(page, () => window.rd.info.step === 200);
  await inForce(page, 'colorRange', 'fixed');
  const legend = () => page.evaluate(() => ({ lo: document.getElementById('legend-lo').textContent,
    hi: document.getElementById('legend-hi').textContent, fitted: window.rd.legend.fitted, range: window.rd.meshScalarRange }));
  assert.deepEqual(await legend().then((l) => [l.lo, l.hi, l.fitted]), ['0', '1', false], 'fixed: U over 0..1');
  const fixed = await shot(page);
  const choices = await page.$$eval('#colorRange option', (o) => o.map((x) => [x.value, x.textContent]));
  assert.deepEqual(choices, [['fixed', 'fixed'], ['fit', 'fit to the surface'], ['custom', 'custom']]);
  assert.deepEqual(await page.$$eval(['colorMin', 'colorMax'].map((k) => `#${k}`).join(','), (els) => els.map((e) => e.closest('.row').hidden)),
    [true, true], 'the typed range\'s fields show only with custom');
  await set(page, 'colorRange', 'fit');
  await inForce(page, 'colorRange', 'fit');
  const fit = await legend();
  assert.equal(fit.fitted, true);
  assert.ok(fit.range[0] > 0 && fit.range[1] < 1 && fit.range[1] - fit.range[0] < 0.8, `U on the surface spans ${fit.range}`);
  assert.deepEqual([fit.lo, fit.hi], fit.range.map((x) => String(+x.toPrecision(3))), 'the legend shows the surface\'s range');
  const fitted = await shot(page);
  assert.ok(differ(fixed, fitted) > 0.01, `the view's colours spread (${(differ(fixed, fitted) * 100).toFixed(2)}% differ)`);
  assert.match(await page.evaluate(() => location.hash), /colorRange=fit/, 'the link carries it');
  // Each new surface brings its own range into the legend.
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 100 }));
  await until(page, () => window.rd.info.step === 300 && window.rd.meshStep === 300);
  await until(page, (was) => { const r = window.rd.meshScalarRange; return String(r) !== String(was) &&
    document.getElementById('legend-hi').textContent === String(+r[1].toPrecision(3)); }, fit.range);
  // The PLY spans the whole map (its two ends: viridis' first and last stops) and is rdsim's.
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'ply' }); });
  await until(page, () => window.rd.lastFile !== null);
  const buf = Buffer.from(await page.evaluate(async () => [...new Uint8Array(window.rd.lastFile.buffer)]));
  const colours = new Set(plyColours(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)).map((c) => c.join(',')));
  assert.ok(colours.has('68,1,84') && colours.has('253,231,37'), 'the export runs from the map\'s first colour to its last');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-crange-'));
  execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '32', '--preset', 'mitosis', '--seed-mode', 'cube', '--seed', '5',
    '--boundary', 'zeroflux', '--steps', '300', '--mesh-color', 'u', '--mesh-close', '--color-range', 'fit', '--mesh', `${dir}/m.ply`]);
  const cli = readFileSync(`${dir}/m.ply`);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(createHash('sha256').update(buf).digest('hex'), createHash('sha256').update(cli).digest('hex'),
    'the page\'s PLY is rdsim --color-range fit\'s, byte for byte');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Colour range "custom" colours over the typed from .. to: the fields, the legend, the view, the link and the exports (rdsim --color-range custom)`, async () => {
  const { page, errors } = await open('preset=mitosis&size=32&seedMode=cube&seed=5&boundary=1&scalar=1');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 200 }));
  await until(page, () => window.rd.info.step === 200);
  await inForce(page, 'colorRange', 'fixed');
  const fixed = await shot(page);
  const rows = () => page.$$eval('#colorMin, #colorMax', (els) => els.map((e) => e.closest('.row').hidden));
  await set(page, 'colorRange', 'custom');
  assert.deepEqual(await rows(), [false, false], 'custom shows the from and to fields');
  await set(page, 'colorMin', '0.3');
  await set(page, 'colorMax', '0.6');
  await inForce(page, 'colorMax', Math.fround(0.6));
  await inForce(page, 'colorMin', Math.fround(0.3));
  assert.deepEqual(await page.evaluate(() => [document.getElementById('legend-lo').textContent,
    document.getElementById('legend-hi').textContent]), ['0.3', '0.6'], 'the legend shows the typed range');
  const typed = await shot(page);
  assert.ok(differ(fixed, typed) > 0.01, `the view's colours change (${(differ(fixed, typed) * 100).toFixed(2)}% differ)`);
  const hash = await page.evaluate(() => location.hash); // the link carries it
  assert.match(hash, /colorRange=custom(&|$)/);
  assert.match(hash, /colorMin=0\.3(&|$)/);
  assert.match(hash, /colorMax=0\.6(&|$)/);
  // A "to" not above "from" is refused with the reason; the range in force stays.
  await set(page, 'colorMax', '0.2');
  await until(page, () => window.rd.refusals.some((b) => b.key === 'colorMax' && /must be above colours from/.test(b.why)));
  assert.match(await page.$eval('#message', (el) => el.textContent), /to '0\.2': must be above colours from \(0\.3/);
  assert.deepEqual(await page.evaluate(() => [window.rd.view.colorMin, window.rd.view.colorMax].map((x) => +x.toPrecision(7))), [0.3, 0.6]);
  // The engine refuses it too (a message sent around the page's check)
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'view', colorRange: 'custom', colorMin: 0.5, colorMax: 0.4 }));
  await until(page, () => window.rd.errors.some((e) => /colorMin = 0\.5 must be below colorMax = 0\.4/.test(e)));
  await set(page, 'colorMax', '0.6');
  await inForce(page, 'colorMax', Math.fround(0.6));
  // The PLY is rdsim's with the same range, byte for byte.
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'ply' }); });
  await until(page, () => window.rd.lastFile !== null);
  const buf = Buffer.from(await page.evaluate(async () => [...new Uint8Array(window.rd.lastFile.buffer)]));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-ctyped-'));
  execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '32', '--preset', 'mitosis', '--seed-mode', 'cube', '--seed', '5',
    '--boundary', 'zeroflux', '--steps', '200', '--mesh-color', 'u', '--mesh-close', '--color-range', 'custom',
    '--color-min', '0.3', '--color-max', '0.6', '--mesh', `${dir}/m.ply`]);
  const cli = readFileSync(`${dir}/m.ply`);
  execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '32', '--preset', 'mitosis', '--seed-mode', 'cube', '--seed', '5',
    '--boundary', 'zeroflux', '--steps', '200', '--mesh-color', 'u', '--mesh-close', '--mesh', `${dir}/f.ply`]);
  const fixedCli = readFileSync(`${dir}/f.ply`);
  rmSync(dir, { recursive: true, force: true });
  assert.ok(buf.equals(cli), 'the page\'s PLY is rdsim --color-range custom --color-min 0.3 --color-max 0.6\'s, byte for byte');
  assert.ok(!buf.equals(fixedCli), 'and not the fixed range\'s');
  // back to fixed: the fields hide, the legend is U's 0..1 again
  await set(page, 'colorRange', 'fixed');
  await inForce(page, 'colorRange', 'fixed');
  assert.deepEqual(await rows(), [true, true]);
  assert.deepEqual(await page.evaluate(() => [document.getElementById('legend-lo').textContent,
    document.getElementById('legend-hi').textContent]), ['0', '1']);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link's typed colour range: used as given, or with from not below to replaced and said`, async () => {
  const state = (page) => page.evaluate(() => ({ view: [window.rd.view.colorRange, +window.rd.view.colorMin.toPrecision(7),
    +window.rd.view.colorMax.toPrecision(7)], legend: [window.rd.legend.lo, window.rd.legend.hi], replaced: window.rd.linkReplaced,
  message: document.getElementById('message').textContent }));
  let { page, errors } = await open('size=32&scalar=1&colorRange=custom&colorMin=0.2&colorMax=0.7');
  await until(page, () => window.rd.ready && window.rd.view && window.rd.legend);
  let s = await state(page);
  assert.deepEqual([s.view, s.legend, s.replaced], [['custom', 0.2, 0.7], [0.2, 0.7], []]);
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await open('size=32&scalar=1&colorRange=custom&colorMin=0.6&colorMax=0.4'));
  await until(page, () => window.rd.ready && window.rd.view && window.rd.legend);
  s = await state(page);
  assert.deepEqual([s.view, s.legend], [['custom', 0, 1], [0, 1]], 'the defaults instead');
  assert.match(s.message, /replaced: colorMin=0\.6, colorMax=0\.4 \(colours from must be below to; 0, 1\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

// A ball of V painted at the middle of the top face of a zero-flux box: seen from the top,
// all that shows is its cap, a disc in the face. The cap's corners on the seam are the
// surface's vertices, with the surface's normal (lying in the face, there): interpolated
// over the cap they darkened its rim (9 % of its pixels below 0.8 of the median; 1 % now),
// at full resolution and in a coarse drawing mesh (its far face at sample 92 of 0..95).
for (const [size, triangles] of [[32, 0], [96, 1000]]) {
  test(`${BROWSER}: a closed solid's cap is lit as the flat face it is, with no dark rim along its seam (${size}³${triangles ? ', drawn coarse' : ''})`, async () => {
    const { page, errors } = await open(`preset=spots&size=${size}&boundary=1&close=true&scalar=0&seedMode=cube`);
    if (triangles) await page.evaluate((t) => window.rd.worker.postMessage({ type: 'budget', triangles: t }), triangles);
    const was = await page.evaluate(() => window.rd.meshesReceived);
    const c = size / 2, r = size * 10 / 32;
    await page.evaluate(([c, y, r]) => window.rd.worker.postMessage({ type: 'paint', x: c, y, z: c, radius: r, amount: 1, newStroke: true }),
      [c, size - 1, r]);
    await until(page, (b) => window.rd.meshesDrawn > b && !window.rd.pendingMesh, was);
    if (triangles) assert.equal(await page.evaluate(() => window.rd.budget.level), 4, 'drawn at ¼ resolution');
    await page.click('button[data-view="3"]');
    await until(page, () => window.rd.camera && Math.abs(Number(window.rd.camera.split(',')[1]) - 1.55) < 1e-3);
    await new Promise((r) => setTimeout(r, 500));
    const png = await shot(page);
    const lum = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    // The cap's pixels: orange (the flat base colour, lit), connected to the view's centre;
    // the box's lines are grey-blue and the background dark.
    const cap = floodFrom(png, png.width >> 1, png.height >> 1, (r, g, b) => r > b + 20 && lum([r, g, b]) > 60).map(lum);
    assert.ok(cap.length > 0.05 * png.width * png.height, `the cap fills the middle of the view (${cap.length} px)`);
    cap.sort((a, b) => a - b);
    const median = cap[cap.length >> 1], dark = cap.filter((v) => v < 0.8 * median).length / cap.length;
    assert.ok(dark < 0.03, `${(dark * 100).toFixed(2)} % of the cap's pixels are below 0.8 of its median brightness ${median.toFixed(0)}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

// A coarse drawing mesh reaches the far face of a zero-flux box: it keeps the last sample
// n - 1 (engine/lod.h). Before, at 48³ and ¼ resolution its last sample was 44, so a ball cut
// by the +x face ended three samples short of it, in a flat cut (a review found it).
test(`${BROWSER}: a coarse drawing mesh reaches the far face of a zero-flux box, as the full one does`, async () => {
  const { page, errors } = await open('preset=spots&size=48&boundary=1&close=true&scalar=0&seedMode=cube');
  const was = await page.evaluate(() => window.rd.meshesReceived);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'paint', x: 47, y: 24, z: 24, radius: 12, amount: 1, newStroke: true }));
  await until(page, (b) => window.rd.meshesDrawn > b && !window.rd.pendingMesh, was);
  await page.click('button[data-view="1"]'); // front: x runs left to right
  await new Promise((r) => setTimeout(r, 500));
  const lum = (r, g, b) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // The drawn surface's extent in x: its orange pixels (the box's lines are grey-blue).
  const extent = async () => {
    const png = await shot(page);
    let lo = png.width, hi = -1;
    for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) {
      const i = 4 * (y * png.width + x), [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (r > b + 20 && lum(r, g, b) > 60) lo = Math.min(lo, x), hi = Math.max(hi, x);
    }
    return [lo, hi];
  };
  const full = await extent();
  assert.equal(await page.evaluate(() => window.rd.budget.level), 1);
  const n = await page.evaluate(() => window.rd.meshesReceived);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'budget', triangles: 1000 }));
  await until(page, (b) => window.rd.meshesDrawn > b && !window.rd.pendingMesh && window.rd.budget.level === 4, n);
  await new Promise((r) => setTimeout(r, 500));
  const coarse = await extent();
  assert.ok(full[1] > full[0], `the ball is drawn: ${full}`);
  // (The right edge is the cap's nearest point, in perspective: the coarse cap's own outline
  // may lie a few px nearer the camera (measured +5); three samples short was 22 px.)
  assert.ok(coarse[1] >= full[1] - 3 && coarse[1] <= full[1] + 8,
    `its right edge, the +x face: at x ${full[1]} full, ${coarse[1]} at ¼ resolution`);
  assert.deepEqual(errors, []);
  await page.close();
});

// The legend (bottom right) never covers the view's foot (the hint, bottom left): with two
// rows and fitted numbers it is wider than the room the foot used to leave it (17rem; a
// review saw "surface U" over the hint at 960 and 1280 px), so the foot yields.
test(`${BROWSER}: the two-row legend never covers the hint, at 1280, 960 and 390 px`, async () => {
  const { page, errors } = await open('preset=spots&size=32&scalar=1&colorRange=fit&sliceZ=true&sliceField=v');
  await until(page, () => window.rd.legend && window.rd.legend.fitted && window.rd.legend.slices);
  for (const [width, height] of [[1280, 800], [960, 640], [390, 844]]) {
    await page.setViewport({ width, height });
    await new Promise((r) => setTimeout(r, 300));
    const r = await page.evaluate(() => [document.getElementById('legend'), document.getElementById('hint')].map((e) => {
      const b = e.getBoundingClientRect();
      return { l: b.left, r: b.right, t: b.top, b: b.bottom };
    }));
    const [legend, hint] = r;
    const apart = hint.r <= legend.l || hint.b <= legend.t || legend.r <= hint.l || legend.b <= hint.t;
    assert.ok(apart, `${width}x${height}: legend ${JSON.stringify(legend)}, hint ${JSON.stringify(hint)}`);
    assert.ok(hint.r - hint.l >= 150, `${width}x${height}: the hint keeps a readable width (${hint.r - hint.l} px)`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a closed STL of a periodic grid is rdsim --mesh-close's, byte for byte`, async () => {
  // (a preset whose F and k the page's sliders hold exactly: uskate's k = 0.06093 is not on their step)
  const { page, errors } = await open('preset=mitosis&size=40&seedMode=cube&seed=9&boundary=0&close=true');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 100 }));
  await until(page, () => window.rd.info.step === 100);
  await inForce(page, 'close', true);
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'stl' }); });
  await until(page, () => window.rd.lastFile !== null);
  const pageSha = await page.evaluate(async () => [...new Uint8Array(await crypto.subtle.digest('SHA-256',
    window.rd.lastFile.buffer))].map((x) => x.toString(16).padStart(2, '0')).join(''));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-close-'));
  execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '40', '--preset', 'mitosis', '--seed-mode', 'cube', '--seed', '9',
    '--steps', '100', '--mesh-close', '--mesh', `${dir}/m.stl`]);
  const cli = readFileSync(`${dir}/m.stl`);
  const report = execFileSync('admesh', [`${dir}/m.stl`], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(pageSha, createHash('sha256').update(cli).digest('hex'), 'the page\'s STL is rdsim\'s');
  assert.match(report, /Facets with 1 disconnected edge\s*:\s*0\s/, 'admesh: no boundary edge');
  assert.match(report, /Degenerate facets\s*:\s*0\s/, 'admesh: no degenerate facet');
  assert.deepEqual(errors, []);
  await page.close();
});

// ---- dragging the planes -------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const camera = (page) => page.evaluate(() => {
  const at = window.rd.app._app_camera_state() >>> 2;
  return Array.from(window.rd.app.HEAPF32.subarray(at, at + 6));
});
const positions = (page) => page.evaluate(() => {
  const v = window.rd.view;
  return { sliceXPos: v.sliceXPos, sliceYPos: v.sliceYPos, sliceZPos: v.sliceZPos, clipPos: v.clipPos };
});
// What a person sees of one position: the view in force, the slider, its label and the link.
const shown = (page, key) => page.evaluate((k) => ({
  view: window.rd.view[k],
  slider: document.getElementById(k).value,
  label: document.querySelector(`output[for="${k}"]`).textContent,
  link: new URLSearchParams(location.hash.slice(1)).get(k),
}), key);
// Waits until the last position sent for key (the release sends it at once) is in force and drawn.
async function dragInForce(page, key) {
  await sleep(100);
  const text = await page.evaluate((k) => window.rdSlices.sent[k], key);
  assert.ok(text !== undefined, `a position was sent for ${key}`);
  await inForce(page, key, Math.fround(Number(text)));
}
// The page point nearest the canvas centre inside a solid patch (13 x 13 px) of pixels that
// differ between two shots (where something was drawn).
async function patchPoint(page, a, b) {
  const box = await (await page.$('#canvas')).boundingBox();
  const diff = (x, y) => {
    const i = 4 * (y * a.width + x);
    return Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]) > 30;
  };
  const at = solidPoint(a, box, diff);
  assert.ok(at, 'something is drawn');
  return at;
}
const centre = async (page) => {
  const box = await (await page.$('#canvas')).boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};
// A mouse drag from `from` by (dx, dy) px in small moves, Ctrl held when `ctrl`.
async function drag(page, from, dx, dy, ctrl = true) {
  await page.mouse.move(from.x + 1, from.y);
  if (ctrl) await page.keyboard.down('Control');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 15; i++) {
    await page.mouse.move(from.x + (dx * i) / 15, from.y + (dy * i) / 15);
    await sleep(25);
  }
  await page.mouse.up();
  if (ctrl) await page.keyboard.up('Control');
}
// Near-white pixels: the outline of the plane under the pointer (the box lines are grey-blue,
// about 92, 102, 122). On SwiftShader the page draws half the pixels (web/budget.js) and the
// browser stretches them, which softens a one-pixel line: near-white is above 200.
const white = (r, g, b) => r > 200 && g > 200 && b > 200;
// In the default three-quarter view (yaw 0.7, pitch 0.45) +x points right on the screen and
// +z left: a drag to the right moves an x plane up its axis and a z plane down its axis.

test(`${BROWSER}: a Ctrl-drag moves a slice along its normal, as its slider does; off every plane it changes nothing`, async () => {
  const { page, errors } = await open('preset=mitosis&size=48&seedMode=cube&seed=3&surface=false');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 300 }));
  await until(page, () => window.rd.info.step === 300);
  const cam0 = await camera(page);
  assert.ok(Math.abs(cam0[0] - 0.7) < 1e-6 && Math.abs(cam0[1] - 0.45) < 1e-6, `the default view: ${cam0}`);
  await inForce(page, 'surface', false);
  const empty = await shot(page);
  await set(page, 'sliceZ', true);
  await inForce(page, 'sliceZ', true);
  const at50 = await shot(page);
  const on = await patchPoint(page, empty, at50);
  const meshes = await page.evaluate(() => window.rd.meshesReceived);

  // Ctrl held over the slice: it is outlined and the cursor says it can be moved.
  await page.mouse.move(on.x + 1, on.y);
  await page.keyboard.down('Control');
  await page.mouse.move(on.x, on.y);
  await until(page, () => window.rdSlices.hover === true);
  assert.equal(await page.$eval('#canvas', (c) => getComputedStyle(c).cursor), 'grab');
  await sleep(300);
  const outlined = await shot(page);
  assert.ok(share(outlined, white) > share(at50, white) + 0.0005,
    `the slice is outlined: white pixels ${share(at50, white).toFixed(4)} -> ${share(outlined, white).toFixed(4)}`);
  await page.keyboard.up('Control');
  await until(page, () => window.rdSlices.hover === false);

  // The drag: +z is to the left on the screen.
  await drag(page, on, -90, 0);
  await dragInForce(page, 'sliceZPos');
  const z1 = await shown(page, 'sliceZPos');
  assert.ok(z1.view > 0.55 && z1.view <= 1, `the slice moved up z: sliceZPos 0.5 -> ${z1.view}`);
  assert.equal(Math.fround(Number(z1.slider)), Math.fround(z1.view), 'the slider shows the position in force');
  assert.equal(z1.label, z1.slider, 'and its label');
  assert.equal(Math.fround(Number(z1.link)), Math.fround(z1.view), 'the link carries it');
  assert.ok(z1.slider.length <= 6, `a short position: ${z1.slider}`);
  const moved = await shot(page);
  assert.ok(differ(at50, moved) > 0.02, `the slice's pixels changed (${(differ(at50, moved) * 100).toFixed(2)}% differ)`);
  assert.deepEqual(await camera(page), cam0, 'a Ctrl-drag on a plane does not orbit');
  const s = await page.evaluate(() => ({ ...window.rdSlices, sent: undefined }));
  assert.equal(s.drags, 1);
  assert.ok(s.sends >= 1 && s.sends <= s.moves, `sends throttled: ${s.sends} sends for ${s.moves} moves`);
  assert.equal(await page.evaluate(() => window.rd.meshesReceived), meshes, 'moving a slice does not re-mesh the surface');
  // The slice at the new place is the one the worker cut there: back with the slider, the same pixels.
  await set(page, 'sliceZPos', 0.5);
  await inForce(page, 'sliceZPos', 0.5);
  const back = await shot(page);
  if (process.env.RD_SHOTS) for (const [n, png] of [['at50', at50], ['moved', moved], ['back', back], ['outlined', outlined]]) writeFileSync(`/tmp/rd-${BROWSER}-${n}.png`, PNG.sync.write(png));
  assert.ok(differ(at50, back) < 0.002, `the slider puts it back where it was (${differ(at50, back)})`);

  // Back the other way (right: down z) to the canvas' right edge, past the box: clamped at 0.
  const box = await (await page.$('#canvas')).boundingBox();
  const from = await patchPoint(page, empty, at50);
  await drag(page, from, box.x + box.width - 3 - from.x, 0);
  await dragInForce(page, 'sliceZPos');
  assert.equal((await shown(page, 'sliceZPos')).view, 0, 'dragged past the box: clamped to 0');

  // Off every plane (a corner of the view), a Ctrl-drag changes nothing; a plain drag there orbits.
  const corner = { x: box.x + 12, y: box.y + 12 };
  const before = { cam: await camera(page), pos: await positions(page), sends: await page.evaluate(() => window.rdSlices.sends) };
  await drag(page, corner, 120, 60);
  await sleep(400);
  assert.deepEqual(await camera(page), before.cam, 'a Ctrl-drag on nothing does not orbit');
  assert.deepEqual(await positions(page), before.pos, 'nor move a plane');
  assert.equal(await page.evaluate(() => window.rdSlices.sends), before.sends, 'nor send anything');
  await drag(page, corner, 120, 60, false);
  await until(page, (c) => { const at = window.rd.app._app_camera_state() >>> 2; return window.rd.app.HEAPF32[at] !== c; }, before.cam[0]);
  assert.deepEqual(await positions(page), before.pos, 'a plain drag orbits and moves no plane');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the clip plane drags the same way; a slice capping it moves with it`, async () => {
  const { page, errors } = await open('preset=mitosis&size=48&seedMode=cube&seed=3&clip=x');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 300 }));
  await until(page, () => window.rd.info.step === 300);
  await inForce(page, 'clip', 'x');
  const cam0 = await camera(page);
  const cut50 = await shot(page);
  const meshes0 = await page.evaluate(() => window.rd.meshesReceived);
  // The clip plane at 0.5 passes through the box's centre, which the camera looks at.
  await drag(page, await centre(page), -70, 0); // +x is to the right: down x, over the blob in the middle
  await dragInForce(page, 'clipPos');
  const c1 = await shown(page, 'clipPos');
  assert.ok(c1.view < 0.45 && c1.view >= 0, `the clip plane moved down x: clipPos 0.5 -> ${c1.view}`);
  assert.equal(Math.fround(Number(c1.slider)), Math.fround(c1.view), 'the slider shows it');
  assert.equal(Math.fround(Number(c1.link)), Math.fround(c1.view), 'the link carries it');
  const cut1 = await shot(page);
  if (process.env.RD_SHOTS) for (const [n, png] of [['cut50', cut50], ['cut1', cut1]]) writeFileSync(`/tmp/rd-${BROWSER}-${n}.png`, PNG.sync.write(png));
  assert.ok(differ(cut50, cut1) > 0.005, `the cut moved (${(differ(cut50, cut1) * 100).toFixed(2)}% differ)`);
  assert.deepEqual(await camera(page), cam0, 'no orbit');
  assert.equal(await page.evaluate(() => window.rd.meshesReceived), meshes0, 'the clip is drawn, not meshed: no new mesh');

  // A slice at the clip plane caps the cut: grabbing the cap moves both.
  await set(page, 'sliceXPos', c1.view);
  await inForce(page, 'sliceXPos', c1.view);
  await set(page, 'sliceX', true);
  await inForce(page, 'sliceX', true);
  await drag(page, await centre(page), 60, 0);
  await dragInForce(page, 'clipPos');
  await dragInForce(page, 'sliceXPos');
  const c2 = await shown(page, 'clipPos'), s2 = await shown(page, 'sliceXPos');
  assert.ok(c2.view > c1.view, `the clip plane moved up x: ${c1.view} -> ${c2.view}`);
  assert.equal(s2.view, c2.view, 'the capping slice moved with it');
  assert.equal(Math.fround(Number(s2.slider)), Math.fround(s2.view), 'its slider too');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a plane facing the camera follows the pointer's height: up pushes it away`, async () => {
  const { page, errors } = await open('preset=mitosis&size=48&seedMode=cube&seed=3&surface=false&sliceY=true');
  await page.evaluate(() => window.rd.app._app_camera_view(3)); // the top view looks down y
  await inForce(page, 'sliceY', true);
  await drag(page, await centre(page), 0, -60);
  await dragInForce(page, 'sliceYPos');
  const y1 = (await shown(page, 'sliceYPos')).view;
  assert.ok(y1 < 0.45 && y1 > 0.2, `up moved the slice away, down y: 0.5 -> ${y1}`);
  await drag(page, await centre(page), 0, 120);
  await dragInForce(page, 'sliceYPos');
  const y2 = (await shown(page, 'sliceYPos')).view;
  assert.ok(y2 > y1 + 0.1, `down brought it back up y: ${y1} -> ${y2}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Move planes (the toggle or M) drags a plane with a touch, no Ctrl`, async () => {
  const { page, errors } = await open('preset=mitosis&size=48&seedMode=cube&seed=3&surface=false&sliceX=true');
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 300 }));
  await until(page, () => window.rd.info.step === 300);
  await inForce(page, 'sliceX', true);
  const cam0 = await camera(page);
  // A touch drag from the middle of the view (the x slice at 0.5 passes through it).
  const touch = (dx) => page.evaluate((d) => {
    const c = document.getElementById('canvas');
    const r = c.getBoundingClientRect();
    const ev = (type, x, buttons) => c.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: r.top + r.height / 2,
      pointerId: 7, pointerType: 'touch', isPrimary: true, bubbles: true, cancelable: true, composed: true, button: 0, buttons }));
    const x0 = r.left + r.width / 2;
    ev('pointerdown', x0, 1);
    for (let i = 1; i <= 10; i++) ev('pointermove', x0 + (d * i) / 10, 1);
    ev('pointerup', x0 + d, 0);
  }, dx);
  await touch(80);
  await sleep(400);
  assert.equal((await positions(page)).sliceXPos, 0.5, 'without Move planes a touch does not move the plane');
  await page.click('#plane-mode');
  assert.equal(await page.evaluate(() => window.rdSlices.mode), true, 'the toggle turns it on');
  assert.equal(await page.$eval('#plane-mode', (b) => b.getAttribute('aria-pressed')), 'true');
  await touch(80); // +x is to the right
  await dragInForce(page, 'sliceXPos');
  const x1 = await shown(page, 'sliceXPos');
  assert.ok(x1.view > 0.55, `the touch moved the slice up x: 0.5 -> ${x1.view}`);
  assert.equal(Math.fround(Number(x1.slider)), Math.fround(x1.view), 'its slider follows');
  assert.deepEqual(await page.evaluate(() => window.rdSlices.pointerTypes), ['touch']);
  assert.deepEqual(await camera(page), cam0, 'no orbit');
  await page.focus('#canvas');
  await page.keyboard.press('m');
  assert.equal(await page.evaluate(() => window.rdSlices.mode), false, 'M turns it off');
  // One pointer tool at a time: Paint mode and Move planes turn each other off.
  await page.click('#paint-mode');
  assert.equal(await page.evaluate(() => window.rdPaint.mode), true, 'paint mode on');
  await page.click('#plane-mode');
  assert.deepEqual(await page.evaluate(() => [window.rdSlices.mode, window.rdPaint.mode]), [true, false], 'Move planes turns paint mode off');
  assert.equal(await page.$eval('#paint-mode', (b) => b.getAttribute('aria-pressed')), 'false');
  await page.click('#paint-mode');
  assert.deepEqual(await page.evaluate(() => [window.rdSlices.mode, window.rdPaint.mode]), [false, true], 'and paint mode Move planes');
  assert.equal(await page.evaluate(() => document.getElementById('view').classList.contains('moving-planes')), false);
  assert.deepEqual(errors, []);
  await page.close();
});
