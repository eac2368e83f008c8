// budget.test.mjs: the drawing budget (web/budget.js, the worker's 'budget', engine/lod.c)
// as a person meets it (BROWSER=chromium or firefox): over the triangle budget the view
// says "drawing at ½ resolution" and draws fewer triangles; an export meanwhile is still
// the full-resolution mesh (the same bytes as rdsim --mesh); the "full" button brings every
// triangle back. A paused page that nothing changes draws nothing (app/main.c: no CPU
// spent redrawing the same view) and still shows the mesh; an orbit drag draws again.
// Slow frames (each animation frame made to cost 150 ms) lower the budget; "full" lifts it.
// The worker answers a pause and a hash within one stepping slice while it runs at 256^3
// and at 512^3, where one step takes longer than a slice (the engine stops inside it).
// On software GL (the test browsers) the page opens with a small budget and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { PNG } from 'pngjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { differ as differOf, drawnShare } from './pixels.mjs';

const S = useCaddyAndBrowser();

const note = (page) => page.evaluate(() => {
  const n = document.getElementById('budget-note');
  return n && !n.hidden ? n.textContent : '';
});

async function exportPly(page) {
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'export_mesh', format: 'ply' }); });
  await until(page, () => window.rd.lastFile !== null && window.rd.lastFile.kind === 'ply');
  return Buffer.from(await page.evaluate(() => Array.from(new Uint8Array(window.rd.lastFile.buffer))));
}

test(`${BROWSER}: over the triangle budget the page draws at ½ resolution, says so, and "full" restores it; exports stay full`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=64&seedMode=spheres&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 64 && window.rd.meshesDrawn > 0);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 200 }));
  await until(page, () => window.rd.info.step === 200 && window.rd.budget.level === 1 && window.rd.meshesDrawn > 0 &&
    window.rd.meshesDrawn === window.rd.meshesReceived && window.rd.pendingMesh === null);
  await new Promise((r) => setTimeout(r, 300)); // the last mesh (of step 200) drawn
  const full = await page.evaluate(() => window.rd.triangles);
  assert.ok(full > 4000, `a mesh worth budgeting: ${full} triangles`);
  assert.equal(await note(page), '', 'no notice at full resolution');

  const file = `/tmp/rd-budget-${process.pid}.ply`;
  execFileSync('build/native/rdsim', ['--preset', 'spots', '--size', '64', '--seed-mode', 'spheres', '--steps', '200',
    '--threads', '2', '--mesh-close', '--mesh', file]); // the page closes the surface at the box (its default)
  const cli = readFileSync(file);
  rmSync(file, { force: true });

  // A budget of a third of the mesh: the next mesh is drawn from every 2nd sample.
  await page.evaluate((t) => window.rd.worker.postMessage({ type: 'budget', triangles: t }), Math.floor(full / 3));
  await until(page, () => window.rd.budget.level === 2 && window.rd.pendingMesh === null && window.rd.meshesDrawn === window.rd.meshesReceived);
  await new Promise((r) => setTimeout(r, 200));
  assert.match(await note(page), /drawing at ½ resolution — full/);
  const coarse = await page.evaluate(() => window.rd.triangles);
  assert.ok(coarse > 0 && coarse <= full / 3, `fewer triangles: ${coarse} of ${full}`);
  assert.ok(await page.$eval('#budget-note', (n) => { const r = n.getBoundingClientRect(); return r.width > 0 && r.top >= 0; }), 'the notice is on screen');

  // An export while the view is coarse is the full-resolution mesh, rdsim's bytes.
  const ply = await exportPly(page);
  assert.equal(ply.length, cli.length, 'export: the size of rdsim --mesh');
  assert.ok(ply.equals(cli), 'export: the bytes of rdsim --mesh');

  // "full": every triangle again, the notice gone.
  await page.click('#btn-budget-full');
  await until(page, () => window.rd.budget.level === 1 && window.rd.budget.full && window.rd.pendingMesh === null &&
    window.rd.meshesDrawn === window.rd.meshesReceived);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await page.evaluate(() => [window.rd.triangles, window.rd.budget.level]), [full, 1], 'every triangle again');
  assert.equal(await note(page), '');
  assert.ok((await exportPly(page)).equals(cli), 'export after "full": still rdsim\'s bytes');
  assert.deepEqual(errors, []);
  await page.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test(`${BROWSER}: a paused, idle page draws nothing yet shows the mesh; an orbit drag draws`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=48&seedMode=spheres&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 48 && window.rd.meshesDrawn > 0 && window.rd.appSetUp);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 100 }));
  await until(page, () => window.rd.info.step === 100 && window.rd.triangles > 1000 && window.rd.pendingMesh === null &&
    window.rd.meshesDrawn === window.rd.meshesReceived);
  await sleep(500); // the last mesh drawn, the page settled
  const counts = () => page.evaluate(() => ({ frames: window.rd.frames, drawn: window.rd.framesDrawn }));
  const canvas = await page.$('#canvas');
  const shot = async () => PNG.sync.read(await canvas.screenshot({ type: 'png' }));
  const meshShown = (png) => drawnShare(png, 24); // fraction of pixels clearly not the clear colour
  const differ = (a, b) => differOf(a, b, 24, 2);

  // Idle for a second: animation frames run, none draws; the view still shows the mesh.
  const c0 = await counts();
  await sleep(1200);
  const c1 = await counts();
  assert.ok(c1.frames - c0.frames >= 10, `the app's frames still run: ${c1.frames - c0.frames} in 1.2 s`);
  assert.equal(c1.drawn, c0.drawn, `no frame drawn while nothing changed (${c1.frames - c0.frames} frames ran)`);
  const idle = await shot();
  assert.ok(meshShown(idle) > 0.03, `after idle frames the canvas still shows the mesh: ${(meshShown(idle) * 100).toFixed(2)}% of pixels differ from the clear colour`);
  assert.equal((await counts()).drawn, c0.drawn, 'what the screenshot showed is the last frame drawn, kept');

  // The pointer moving over the view (no button) changes nothing shown: nothing drawn.
  const box = await canvas.boundingBox();
  const hovered = await counts();
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20, { steps: 20 });
  await sleep(300);
  assert.equal((await counts()).drawn, hovered.drawn, 'moving the pointer over a paused view draws nothing');

  // An orbit drag draws; the new view is kept once the drag ends.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 40, { steps: 10 });
  await page.mouse.up();
  await sleep(300);
  const c2 = await counts();
  assert.ok(c2.drawn > c1.drawn, `the drag drew frames: ${c2.drawn - c1.drawn}`);
  await sleep(1000);
  const c3 = await counts();
  assert.equal(c3.drawn, c2.drawn, 'idle again after the drag: no frame drawn');
  const orbited = await shot();
  assert.ok(meshShown(orbited) > 0.03, 'the orbited view shows the mesh');
  assert.ok(differ(idle, orbited) > 0.02, `the kept frame is the orbited view: ${(differ(idle, orbited) * 100).toFixed(2)}% of pixels changed`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: slow frames lower the drawing budget (the frame-time rule), the note says so, and "full" lifts it`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=64&seedMode=spheres`);
  await until(page, () => window.rd.stats && window.rd.stats.running && window.rd.meshesDrawn > 3, undefined, 60000);
  // Start from full resolution: software GL's frames at 64^3 take 50-100 ms in Chromium, so
  // the rule may have lowered the budget already; a budget of 10^9 triangles lifts that.
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'budget', triangles: 1e9 }));
  await until(page, () => window.rd.budget.level === 1 && window.rd.triangles > 4000, undefined, 60000);
  const before = await page.evaluate(() => window.rd.budget.lowered);
  // Every animation frame now costs 150 ms (a slow GPU, as far as the page can tell).
  await page.evaluate(() => {
    const raf = window.requestAnimationFrame.bind(window);
    window.rdSlowFrames = true;
    window.requestAnimationFrame = (cb) => raf((t) => {
      const until = performance.now() + (window.rdSlowFrames ? 150 : 0);
      while (performance.now() < until) { /* busy */ }
      cb(t);
    });
  });
  await until(page, (b) => window.rd.budget.lowered > b && window.rd.budget.level > 1, before, 60000);
  const slow = await page.evaluate(() => ({ frameMs: window.rd.budget.frameMs, level: window.rd.budget.level }));
  assert.ok(slow.frameMs > 100, `the page measured slow frames: ${slow.frameMs.toFixed(0)} ms`);
  assert.match(await note(page), /drawing at (½|¼) resolution — full/);
  await page.click('#btn-budget-full');
  await until(page, () => window.rd.budget.full && window.rd.budget.level === 1, undefined, 60000);
  assert.equal(await note(page), '', 'full resolution: no notice');
  // "full" holds even while frames stay slow
  const lowered = await page.evaluate(() => window.rd.budget.lowered);
  await new Promise((r) => setTimeout(r, 4000));
  assert.deepEqual(await page.evaluate(() => [window.rd.budget.level, window.rd.budget.lowered]), [1, lowered]);
  await page.evaluate(() => { window.rdSlowFrames = false; });
  assert.deepEqual(errors, []);
  await page.close();
});

for (const n of [256, 512]) {
  test(`${BROWSER}: at ${n}^3 the running worker answers pause and hash within one stepping slice`, async (t) => {
    const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=${n}`);
    await until(page, () => window.rd.info && window.rd.stats && window.rd.stats.running && window.rd.stats.step > 2,
      undefined, 240000);
    assert.equal(await page.evaluate(() => window.rd.info.nx), n);
    // Round trips measured in the page, with the worker busy stepping (and meshing); the
    // worker's stats of 4 s of running before them: its longest slice, a step's time.
    const { times, st } = await page.evaluate(async () => {
      const w = window.rd.worker;
      const seen = { stepMs: 0, sliceMaxMs: 0, meshMs: 0 };
      const onStats = (e) => {
        const d = e.data;
        if (!d || d.type !== 'stats' || !d.running) return;
        seen.stepMs = Math.max(seen.stepMs, d.stepMs);
        seen.sliceMaxMs = Math.max(seen.sliceMaxMs, d.sliceMaxMs);
        seen.meshMs = Math.max(seen.meshMs, d.meshMs);
      };
      w.addEventListener('message', onStats);
      await new Promise((r) => setTimeout(r, 4000));
      w.removeEventListener('message', onStats);
      const answer = (type, send) => new Promise((resolve) => {
        const t0 = performance.now();
        const on = (e) => {
          if (e.data && e.data.type === type) {
            w.removeEventListener('message', on);
            resolve({ ms: performance.now() - t0, own: e.data.ms || 0 }); // own: the worker's time on it
          }
        };
        w.addEventListener('message', on);
        send();
      });
      const hash = await answer('hash', () => w.postMessage({ type: 'hash' }));
      const pause = await answer('stats', () => w.postMessage({ type: 'run', on: false }));
      return { times: { hash, pause }, st: seen };
    });
    // A message waits for the slice in progress (24 ms of stepping, the engine stopping
    // inside a step when the time is up) and at most one mesh (coarse: the budget). The
    // step's own time is not in the bound: at 512^3 one step takes longer than a slice.
    // The hash's bound adds the hashing itself (the worker's measure: a second at 512^3).
    const bound = 24 + 2 * st.meshMs + 1000; // + a second for the main thread's own work
    const why = `step ${st.stepMs.toFixed(0)} ms, longest slice ${st.sliceMaxMs.toFixed(0)} ms, mesh ${st.meshMs.toFixed(0)} ms`;
    t.diagnostic(`pause ${times.pause.ms.toFixed(0)} ms, hash ${times.hash.ms.toFixed(0)} ms (hashing ${times.hash.own.toFixed(0)}): ${why}`);
    assert.ok(times.pause.ms < bound, `pause answered in ${times.pause.ms.toFixed(0)} ms (bound ${bound.toFixed(0)}: ${why})`);
    assert.ok(times.hash.ms < bound + times.hash.own,
      `hash answered in ${times.hash.ms.toFixed(0)} ms (bound ${bound.toFixed(0)} + hashing ${times.hash.own.toFixed(0)}: ${why})`);
    if (n === 512) {
      // one step is several slices: stepping stops inside steps and goes on with them
      // (without that, a slice holds at least one whole step: longest slice >= a step)
      assert.ok(st.stepMs > st.sliceMaxMs, `slices shorter than a step (${why})`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test(`${BROWSER}: on software GL the page opens with a small drawing budget and says why; "full" still draws everything`, async (t) => {
  // The page's defaults (96^3 spots: about half a million triangles at full resolution).
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.meshesDrawn === window.rd.meshesReceived &&
    window.rd.pendingMesh === null, undefined, 90000);
  const b = await page.evaluate(() => ({ renderer: window.rd.budget.renderer, software: window.rd.budget.software }));
  // The test browsers here draw in software (Chromium: SwiftShader, Firefox under Xvfb:
  // llvmpipe); a browser with GPU acceleration skips this test, saying what it found.
  if (!/swiftshader|llvmpipe/i.test(b.renderer)) {
    assert.equal(b.software, false, `${b.renderer} is not software GL`);
    t.skip(`hardware GL (${b.renderer}): no software budget to see`);
    await page.close();
    return;
  }
  assert.equal(b.software, true);
  // The budget goes to each engine once the app's context is known (the first mesh may
  // come before the app, then the next one is coarse).
  await until(page, () => window.rd.budget.level > 1 && window.rd.meshesDrawn === window.rd.meshesReceived &&
    window.rd.pendingMesh === null);
  await new Promise((r) => setTimeout(r, 300));
  const [tris, level] = await page.evaluate(() => [window.rd.triangles, window.rd.budget.level]);
  assert.ok(level > 1 && tris > 0 && tris <= 50000, `drawn coarse: level ${level}, ${tris} triangles`);
  assert.match(await note(page), /drawing at (½|¼) resolution — full/);
  assert.match(await page.$eval('#budget-note', (n) => n.title), /software GL/);
  await page.click('#btn-budget-full');
  await until(page, () => window.rd.budget.level === 1 && window.rd.budget.full && window.rd.pendingMesh === null &&
    window.rd.meshesDrawn === window.rd.meshesReceived, undefined, 90000);
  const all = await page.evaluate(() => window.rd.triangles);
  assert.ok(all > 4 * tris, `full resolution on request: ${all} triangles`);
  assert.deepEqual(errors, []);
  await page.close();
});
