// probe.test.mjs: the probe readout (web/probe.js, engine/probe.h) through the pointer
// (BROWSER=chromium or firefox). Hovering the surface shows a sample inside it (V >= the
// isovalue) with the state's U and V, the very floats `rdsim --probe X,Y,Z` prints at that
// step; with the surface hidden, hovering a slice shows that slice's sample, rdsim's too;
// Alt-click on that slice paints its sample; the clip plane cuts the surface it would show
// away; leaving the view hides the readout;
// a probe message of the wrong shape is refused with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const S = useCaddyAndBrowser();
const RUN = ['--preset', 'spots', '--size', '40', '--seed', '7', '--threads', '1'];
const STEPS = 200;

// The page at step STEPS of RUN, paused, its first mesh drawn.
async function atStep(hash) {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=40&seed=7&iso=0.15&paused=1${hash}`);
  await until(page, () => window.rd.info && window.rd.info.nx === 40 && window.rd.meshesDrawn > 0);
  const drawn = await page.evaluate(() => window.rd.meshesDrawn);
  await page.evaluate((n) => window.rd.worker.postMessage({ type: 'step', n }), STEPS);
  await until(page, (n) => window.rd.info.step === n, STEPS);
  await until(page, (d) => window.rd.meshesDrawn > d, drawn); // the view of that step
  return { page, errors };
}

// Moves the mouse over a grid of points of the canvas; for each, the worker's answer and
// the readout then (text, hidden).
async function scan(page, cols = 9, rows = 7) {
  const box = await (await page.$('#canvas')).boundingBox();
  const out = [];
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const n = await page.evaluate(() => window.rdProbe.answered);
      const at = { x: box.x + box.width * (0.15 + (0.7 * i) / (cols - 1)), y: box.y + box.height * (0.15 + (0.7 * j) / (rows - 1)) };
      await page.mouse.move(at.x, at.y);
      await until(page, (k) => window.rdProbe.answered > k, n, 15000);
      out.push({ at, ...await page.evaluate(() => {
        const el = document.getElementById('probe');
        const lines = [...el.children].map((c) => c.scrollWidth <= el.clientWidth);
        return { p: window.rdProbe.last, text: el.textContent, hidden: el.hidden, fits: el.scrollWidth <= el.clientWidth && lines.every(Boolean) };
      }) });
    }
  }
  return out;
}

// rdsim's U and V of sample (x, y, z) at step STEPS of RUN, as it prints them (%.9g).
function rdsimProbe(x, y, z, extra = []) {
  const out = execFileSync(`${ROOT}/build/native/rdsim`, [...RUN, ...extra, '--steps', String(STEPS),
    '--probe', `${x},${y},${z}`], { encoding: 'utf8' });
  const m = /^probe (\d+) (\d+) (\d+) (\S+) (\S+)$/m.exec(out);
  assert.ok(m, `rdsim printed a probe line: ${out}`);
  return { u: Number(m[4]), v: Number(m[5]) };
}

test(`${BROWSER}: hovering the surface reads the state there, rdsim --probe's floats; the clip cuts it away`, async () => {
  const { page, errors } = await atStep('');
  const seen = await scan(page);
  const hits = seen.filter((s) => s.p && s.p.kind === 'surface');
  assert.ok(hits.length >= 3, `the pointer met the surface (${hits.length} of ${seen.length} points)`);
  const iso = await page.evaluate(() => window.rd.view.iso);
  for (const s of hits) {
    assert.equal(s.p.step, STEPS);
    assert.ok(s.p.v >= iso, `a surface sample is inside (V ${s.p.v} >= ${iso})`);
    assert.equal(s.hidden, false, 'the readout shows');
    assert.ok(s.fits, `the readout's lines fit its box: ${s.text}`);
    assert.match(s.text, new RegExp(`x ${s.p.x}\\s+y ${s.p.y}\\s+z ${s.p.z} · surface`));
    assert.match(s.text, /U \d\.\d{4}\s+V \d\.\d{4} · step 200/);
  }
  for (const s of hits.slice(0, 3)) {
    const cli = rdsimProbe(s.p.x, s.p.y, s.p.z);
    assert.equal(s.p.u, cli.u, `U at (${s.p.x}, ${s.p.y}, ${s.p.z}) is rdsim's`);
    assert.equal(s.p.v, cli.v, `V at (${s.p.x}, ${s.p.y}, ${s.p.z}) is rdsim's`);
  }
  const none = seen.filter((s) => s.p && s.p.kind === 'none');
  assert.ok(none.length >= 1 && none.every((s) => s.hidden), 'beside the surface: no readout');
  // Off the view: the readout goes.
  const box = await (await page.$('#panel')).boundingBox();
  await page.mouse.move(box.x + 20, box.y + 20);
  await until(page, () => document.getElementById('probe').hidden);

  // The clip plane at x = 0.5 (sample 20) cuts away what lies beyond: hits on the far
  // side of it before must now be behind it or gone.
  const beyond = hits.filter((s) => s.p.x > 20).length;
  assert.ok(beyond >= 1, `some surface hits lie beyond x = 20 (${beyond})`);
  await page.evaluate(() => {
    const el = document.getElementById('clip');
    el.value = 'x';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await until(page, () => window.rd.view && window.rd.view.clip === 'x');
  const clipped = (await scan(page)).filter((s) => s.p && s.p.kind === 'surface');
  assert.ok(clipped.length >= 1, 'the cut surface is still met');
  assert.ok(clipped.every((s) => s.p.x <= 20), `no hit beyond the clip: ${clipped.map((s) => s.p.x).join(' ')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: hovering a slice (the surface hidden) reads that slice's samples, Alt-click paints there; bad probes are refused`, async () => {
  const { page, errors } = await atStep('&surface=0&sliceZ=1&sliceZPos=0.5&paintAmount=0.5&paintRadius=1.5');
  const seen = await scan(page, 7, 5);
  const onSlice = seen.filter((s) => s.p && s.p.kind === 'slice');
  assert.ok(onSlice.length >= 3, `the pointer met the slice (${onSlice.length} of ${seen.length})`);
  for (const s of onSlice) {
    assert.equal(s.p.axis, 'z');
    assert.equal(s.p.z, 20, 'the slice at 0.5 of 40 samples is z = 20');
    assert.match(s.text, /· slice z/);
  }
  assert.ok(seen.every((s) => s.p && s.p.kind !== 'surface'), 'the hidden surface is never what is read');
  const s = onSlice[Math.floor(onSlice.length / 2)];
  const cli = rdsimProbe(s.p.x, s.p.y, s.p.z);
  assert.deepEqual({ u: s.p.u, v: s.p.v }, cli, "the slice's sample is rdsim's");

  // Alt-click there paints on the slice (what the view shows), not on the hidden surface:
  // the readout at the same point then shows V raised by the amount (a sample at the
  // brush's centre takes all of it, clamped to 1).
  await page.keyboard.down('Alt');
  await page.mouse.click(s.at.x, s.at.y);
  await page.keyboard.up('Alt');
  await until(page, () => window.rdPaint.undo >= 1);
  await page.mouse.move(s.at.x + 1, s.at.y);
  await page.mouse.move(s.at.x, s.at.y);
  await until(page, (p) => { const l = window.rdProbe.last; return l && l.x === p.x && l.y === p.y && l.z === p.z && l.v !== p.v; }, s.p, 15000);
  const painted = await page.evaluate(() => window.rdProbe.last);
  assert.equal(painted.kind, 'slice');
  // (the readout's %.9g reads back as the same float32)
  assert.equal(Math.fround(painted.v), Math.min(1, Math.fround(s.p.v + 0.5)), `V at the slice's sample (${s.p.v}) took the paint`);
  assert.equal(painted.u, s.p.u, 'U untouched (a V brush)');

  const before = await page.evaluate(() => window.rd.errors.length);
  const post = (m) => page.evaluate((x) => window.rd.worker.postMessage(x), m);
  await post({ type: 'probe', origin: [0, 0], dir: [1, 0, 0] });
  await post({ type: 'probe', origin: [0, 0, 0], dir: [1, 0, 0], plane: { axis: 5, at: [0, 0, 0] } });
  await post({ type: 'probe', origin: [0, 0, 0], dir: [0, 0, 0] });
  await until(page, (n) => window.rd.errors.length >= n + 3, before);
  const errs = (await page.evaluate(() => window.rd.errors)).slice(before);
  assert.match(errs[0], /probe: origin must be an array of 3 finite numbers/);
  assert.match(errs[1], /probe: axis must be a number in 0\.\.2/);
  assert.match(errs[2], /probe refused: .*not finite/);
  assert.deepEqual(errors, []);
  await page.close();
});
