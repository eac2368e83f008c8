// slices.test.mjs: seeing inside the volume (BROWSER=chromium or firefox), through the
// page's controls: a slice (built by the worker, engine/slice.h, drawn by the app) shows
// on the canvas and its pixels change when its slider moves; a clip plane cuts the
// surface open and the slice at the plane shows the inside's colour; choosing a
// colormap changes the view's colours and the legend, and an exported PLY carries that
// map's colours (colormap_rgb8 of the schema's stops), byte for byte rdsim's with
// --colormap; a closed export of a periodic grid is rdsim --mesh-close's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';

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
async function inForce(page, key, value) {
  await until(page, ([k, v]) => {
    const w = window.rd.view && window.rd.view[k];
    return typeof v === 'number' ? Math.abs(w - v) < 1e-6 : w === v;
  }, [key, value]);
  await until(page, () => window.rd.meshesDrawn === window.rd.meshesReceived && !window.rd.pendingMesh);
  await new Promise((r) => setTimeout(r, 500));
  await until(page, () => window.rd.meshesDrawn === window.rd.meshesReceived && !window.rd.pendingMesh);
}

const shot = async (page) => PNG.sync.read(await (await page.$('#canvas')).screenshot({ type: 'png' }));
// Fraction of pixels whose colours differ clearly between two shots.
const differ = (a, b) => {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]) > 30) n++;
  }
  return n / (a.width * a.height);
};
// Fraction of pixels that pass test(r, g, b).
const share = (png, test) => {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (test(png.data[i], png.data[i + 1], png.data[i + 2])) n++;
  return n / (png.width * png.height);
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
