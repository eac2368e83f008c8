// budget.test.mjs: the drawing budget (web/budget.js, the worker's 'budget', engine/lod.c)
// as a person meets it (BROWSER=chromium or firefox): over the triangle budget the view
// says "drawing at ½ resolution" and draws fewer triangles; an export meanwhile is still
// the full-resolution mesh (the same bytes as rdsim --mesh); the "full" button brings every
// triangle back. A paused page that nothing changes runs no animation frames at all (the
// app's loop sleeps: app/main.c app_wake) and still shows the mesh; the pointer wakes it
// without a draw, an orbit drag draws, a new canvas size (the panel hidden) gets a new buffer.
// Slow frames (each animation frame made to cost 150 ms) lower the pixels, then the
// triangles; "full" lifts both.
// The worker answers a pause and a hash within one stepping slice while it runs at 256^3
// and at 512^3, where one step takes longer than a slice (the engine stops inside it).
// Steps asked for while paused mesh at the running rate, and the last one is shown.
// On software GL (the test browsers) the page opens with a small budget (SwiftShader: and half
// the pixels) and says why. Frames that hold the main thread after the draw (the pixel rule)
// halve the pixels; Picture still saves every pixel; "full" lifts it.
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
  assert.doesNotMatch(await note(page), /resolution/, 'no notice of resolution while the mesh is full'); // (software GL: fewer pixels)

  const file = `/tmp/rd-budget-${process.pid}.ply`;
  execFileSync('build/native/rdsim', ['--preset', 'spots', '--size', '64', '--seed-mode', 'spheres', '--steps', '200',
    '--threads', '2', '--mesh-close', '--mesh', file]); // the page closes the surface at the box (its default)
  const cli = readFileSync(file);
  rmSync(file, { force: true });

  // A budget of a third of the mesh: the next mesh is drawn from every 2nd sample.
  await page.evaluate((t) => window.rd.worker.postMessage({ type: 'budget', triangles: t }), Math.floor(full / 3));
  await until(page, () => window.rd.budget.level === 2 && window.rd.pendingMesh === null && window.rd.meshesDrawn === window.rd.meshesReceived);
  await new Promise((r) => setTimeout(r, 200));
  assert.match(await note(page), /^drawing at ½ resolution(, [½¼] of the pixels)? — full$/);
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

test(`${BROWSER}: a paused, idle page runs no frames yet shows the mesh; input wakes it, an orbit drag draws, a resize redraws`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=48&seedMode=spheres&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 48 && window.rd.meshesDrawn > 0 && window.rd.appSetUp);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 100 }));
  await until(page, () => window.rd.info.step === 100 && window.rd.triangles > 1000 && window.rd.pendingMesh === null &&
    window.rd.meshesDrawn === window.rd.meshesReceived);
  await sleep(500); // the last mesh drawn, the page settled
  const counts = () => page.evaluate(() => ({ frames: window.rd.frames, drawn: window.rd.framesDrawn,
    asleep: window.rd.appAsleep, sleeps: window.rd.appSleeps, fps: document.getElementById('stat-fps').textContent }));
  const canvas = await page.$('#canvas');
  const shot = async () => PNG.sync.read(await canvas.screenshot({ type: 'png', captureBeyondViewport: false }));
  const meshShown = (png) => drawnShare(png, 24); // fraction of pixels clearly not the clear colour
  const differ = (a, b) => differOf(a, b, 24, 2);

  // Idle for a second: the app's loop sleeps, no animation frame runs (none would draw);
  // the view still shows the mesh, and the page says 0 frames drawn per second.
  const c0 = await counts();
  await sleep(1200);
  const c1 = await counts();
  assert.ok(c0.asleep && c1.asleep, 'the app sleeps while nothing changes');
  assert.equal(c1.frames, c0.frames, `no animation frames while asleep: ${c1.frames - c0.frames} ran in 1.2 s`);
  assert.equal(c1.drawn, c0.drawn, 'no frame drawn while nothing changed');
  assert.equal(c1.fps, '0', 'the page shows 0 frames drawn per second');
  const idle = await shot();
  assert.ok(meshShown(idle) > 0.03, `after idle frames the canvas still shows the mesh: ${(meshShown(idle) * 100).toFixed(2)}% of pixels differ from the clear colour`);
  assert.equal((await counts()).drawn, c0.drawn, 'what the screenshot showed is the last frame drawn, kept');

  // The pointer moving over the view (no button) changes nothing shown: nothing drawn.
  const box = await canvas.boundingBox();
  const hovered = await counts();
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20, { steps: 20 });
  await sleep(300);
  const moved = await counts();
  assert.ok(moved.frames > hovered.frames, 'the pointer woke the app: its frames read the input');
  assert.equal(moved.drawn, hovered.drawn, 'moving the pointer over a paused view draws nothing');
  assert.ok(moved.asleep && moved.sleeps > hovered.sleeps, 'and it sleeps again once the pointer rests');

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
  assert.ok(c3.asleep, 'and asleep');
  const orbited = await shot();
  assert.ok(meshShown(orbited) > 0.03, 'the orbited view shows the mesh');
  assert.ok(differ(idle, orbited) > 0.02, `the kept frame is the orbited view: ${(differ(idle, orbited) * 100).toFixed(2)}% of pixels changed`);

  // The panel hidden from the keyboard while the app sleeps (no pointer event to wake it):
  // the canvas grows, and the app wakes (the page's ResizeObserver), takes a buffer of the
  // new size and draws it.
  const size = () => page.evaluate(() => {
    const c = document.getElementById('canvas');
    return { w: c.width, h: c.height, cssW: c.clientWidth, drawn: window.rd.framesDrawn };
  });
  const s0 = await size();
  assert.ok((await counts()).asleep, 'asleep before the panel is hidden');
  await page.focus('#btn-panel');
  await page.keyboard.press('Enter');
  await until(page, (w) => document.getElementById('canvas').clientWidth > w, s0.cssW);
  await until(page, (w) => document.getElementById('canvas').width > w && window.rd.appAsleep, s0.w);
  const s1 = await size();
  assert.ok(s1.drawn > s0.drawn, `the new buffer was drawn: ${s0.w}x${s0.h} -> ${s1.w}x${s1.h}`);
  assert.ok(meshShown(await shot()) > 0.03, 'the wider view shows the mesh');
  await page.keyboard.press('Enter'); // the panel back
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
  const slow = await page.evaluate(() => ({ frameMs: window.rd.budget.frameMs, level: window.rd.budget.level, pixels: window.rd.budget.pixels }));
  assert.ok(slow.frameMs > 100, `the page measured slow frames: ${slow.frameMs.toFixed(0)} ms`);
  assert.equal(slow.pixels, 0.25, 'fewer pixels first (down to a quarter), then fewer triangles');
  assert.match(await note(page), /^drawing at (½|¼) resolution, ¼ of the pixels — full$/);
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

test(`${BROWSER}: steps asked for while paused mesh at the running rate, not after every slice, and the last step is shown`, async () => {
  // 48^3 with an isovalue V never reaches: each mesh is empty and quick to draw, so the
  // drawing does not pace the meshes (on slow software GL it did, at larger grids).
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=48&seedMode=spheres&paused=1&iso=0.99`);
  await until(page, () => window.rd.info && window.rd.info.nx === 48 && window.rd.meshesDrawn > 0 && window.rd.pendingMesh === null);
  const N = 3000;
  const got = await page.evaluate(async (N) => {
    const rd = window.rd, w = rd.worker;
    const meshes = [];
    let doneAt = 0;
    const on = (e) => {
      if (e.data.type === 'mesh') meshes.push(performance.now());
      if (e.data.type === 'info' && e.data.info.step >= N && !doneAt) doneAt = performance.now();
    };
    w.addEventListener('message', on);
    const t0 = performance.now();
    w.postMessage({ type: 'step', n: N });
    while (!doneAt || !meshes.some((t) => t >= doneAt)) await new Promise((r) => setTimeout(r, 20));
    w.removeEventListener('message', on);
    return { ms: doneAt - t0, during: meshes.filter((t) => t < doneAt).length, after: meshes.filter((t) => t >= doneAt).length };
  }, N);
  // compute_worker.js MESH_INTERVAL_MS (66): at most one mesh per interval while the steps
  // run (one after each 24 ms slice before), then one of the state they end in.
  const bound = Math.floor(got.ms / 66) + 1;
  assert.ok(got.during <= bound, `${got.during} meshes in ${got.ms.toFixed(0)} ms of asked steps (at most ${bound})`);
  assert.ok(got.after >= 1, 'a mesh of the last step follows');
  await until(page, () => window.rd.meshesDrawn === window.rd.meshesReceived && window.rd.pendingMesh === null);
  assert.equal(await page.evaluate(() => window.rd.info.step), N);
  assert.deepEqual(errors, []);
  await page.close();
});

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
  assert.match(await page.$eval('#budget-note', (n) => n.title), /software GL/);
  const small = await buffer(page);
  if (/swiftshader/i.test(b.renderer)) {
    // Chromium reads each SwiftShader frame back while the page waits: half the pixels,
    // the drawing buffer stretched over the canvas.
    assert.match(await note(page), /^drawing at (½|¼) resolution, (½|¼) of the pixels — full$/);
    assert.ok(small.pixels <= 0.5 && small.drawn <= 0.55 * small.device && small.drawn >= 0.2 * small.device,
      `drawn at ${small.pixels} of the pixels: ${small.drawn} of ${small.device}`);
  } else { // llvmpipe in Firefox: the main thread does not wait on it, every pixel is drawn
    assert.match(await note(page), /^drawing at (½|¼) resolution — full$/);
    assert.deepEqual([small.pixels, small.drawn], [1, small.device]);
  }
  await page.click('#btn-budget-full');
  await until(page, () => window.rd.budget.level === 1 && window.rd.budget.full && window.rd.pendingMesh === null &&
    window.rd.meshesDrawn === window.rd.meshesReceived, undefined, 90000);
  const all = await page.evaluate(() => window.rd.triangles);
  assert.ok(all > 4 * tris, `full resolution on request: ${all} triangles`);
  const whole = await buffer(page);
  assert.deepEqual([whole.pixels, whole.drawn], [1, whole.device], 'every pixel on request');
  assert.equal(await note(page), '');
  assert.deepEqual(errors, []);
  await page.close();
});

// The canvas' drawing buffer and its device pixels (CSS size times the pixel ratio).
const buffer = (page) => page.evaluate(() => {
  const c = document.getElementById('canvas'), r = c.getBoundingClientRect(), d = window.devicePixelRatio;
  return { drawn: c.width * c.height, device: Math.round(r.width * d) * Math.round(r.height * d), pixels: window.rd.budget.pixels };
});

// The Picture button's PNG (the page hands it to an <a download>): decoded.
async function picture(page) {
  const bytes = await page.evaluate(async () => {
    const made = new Promise((resolve) => {
      const create = URL.createObjectURL;
      URL.createObjectURL = (blob) => {
        URL.createObjectURL = create;
        resolve(blob.arrayBuffer());
        return create.call(URL, blob);
      };
    });
    document.getElementById('btn-png').click();
    return Array.from(new Uint8Array(await made));
  });
  return PNG.sync.read(Buffer.from(bytes));
}

test(`${BROWSER}: frames that hold the main thread after the draw halve the pixels drawn, the note says so, and "full" lifts it`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=48&seedMode=spheres`);
  await until(page, () => window.rd.stats && window.rd.stats.running && window.rd.meshesDrawn > 3 && window.rd.appSetUp, undefined, 60000);
  const before = await page.evaluate(() => ({ pixels: window.rd.budget.pixels, lowered: window.rd.budget.pixelsLowered,
    width: document.getElementById('canvas').width }));
  // Each drawn frame now holds the main thread 120 ms after the draw (as the software
  // compositor's read-back of a big canvas does), which the page measures.
  await page.evaluate(() => {
    const inner = window.rd.onFrame;
    window.rdSlowCommit = true;
    window.rd.onFrame = (t, h, drew) => {
      inner(t, h, drew);
      const until = performance.now() + (window.rdSlowCommit && drew ? 120 : 0);
      while (performance.now() < until) { /* busy */ }
    };
  });
  await until(page, (b) => window.rd.budget.pixelsLowered > b.lowered && window.rd.budget.pixels < b.pixels, before, 60000);
  const slow = await page.evaluate(() => ({ blockMs: window.rd.budget.blockMs, pixels: window.rd.budget.pixels }));
  assert.ok(slow.blockMs > 60, `the page measured the frames holding it: ${slow.blockMs.toFixed(0)} ms`);
  assert.ok(slow.pixels <= before.pixels / 2, `pixels halved: ${before.pixels} to ${slow.pixels}`);
  await until(page, (w) => document.getElementById('canvas').width < 0.75 * w, before.width);
  assert.match(await note(page), /(½|¼) of the pixels — full$/);
  // Picture is still every pixel and shows the view; then the budget's buffer again.
  await page.evaluate(() => { window.rdSlowCommit = false; }); // (no lowering while it is taken)
  const small = await buffer(page);
  const pic = await picture(page);
  assert.equal(pic.width * pic.height, small.device, `Picture at every device pixel: ${pic.width}x${pic.height} (drawn ${small.drawn})`);
  assert.ok(drawnShare(pic, 24) > 0.03, 'the picture shows the mesh');
  await until(page, () => { // the budget's buffer again (the rule may have halved it once more meanwhile)
    const c = document.getElementById('canvas'), k = window.devicePixelRatio * Math.sqrt(window.rd.budget.pixels);
    return window.rd.budget.pixels < 1 && Math.abs(c.width - c.getBoundingClientRect().width * k) <= 1;
  });
  await page.evaluate(() => { window.rdSlowCommit = true; });
  await page.click('#btn-budget-full');
  await until(page, () => window.rd.budget.full && window.rd.budget.pixels === 1 && window.rd.budget.level === 1, undefined, 60000);
  await until(page, () => {
    const c = document.getElementById('canvas');
    return c.width === Math.round(c.getBoundingClientRect().width * window.devicePixelRatio);
  });
  assert.equal(await note(page), '', 'every pixel: no notice');
  // "full" holds while the frames stay slow
  const lowered = await page.evaluate(() => window.rd.budget.pixelsLowered);
  await new Promise((r) => setTimeout(r, 4000));
  assert.deepEqual(await page.evaluate(() => [window.rd.budget.pixels, window.rd.budget.pixelsLowered]), [1, lowered]);
  await page.evaluate(() => { window.rdSlowCommit = false; });
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the worker holds half its threads while the page draws (SwiftShader), all of them with one, and goes on when the frame is done`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=48&seedMode=spheres`);
  await until(page, () => window.rd.stats && window.rd.stats.running && window.rd.meshesDrawn > 3 && window.rd.appSetUp, undefined, 60000);
  // The page's own holds over 3 s of running: SwiftShader's frames are drawn (in the GPU
  // process, on the pool's cores) while the page waits, so the worker steps on half its
  // threads until each frame is done; llvmpipe in Firefox keeps the page free: no hold.
  const stats = (ms) => page.evaluate(async (t) => {
    const got = { holds: 0, timedOut: 0, held: 0, n: 0, tasks: [] };
    const on = (e) => {
      if (e.data.type !== 'stats' || !e.data.running) return;
      got.holds += e.data.holds; got.timedOut += e.data.holdsTimedOut; got.held += e.data.heldShare; got.n++;
      got.tasks = e.data.pool.map((w) => w.tasks);
    };
    window.rd.worker.addEventListener('message', on);
    await new Promise((r) => setTimeout(r, t));
    window.rd.worker.removeEventListener('message', on);
    return { ...got, readback: window.rd.budget.readback, renderer: window.rd.budget.renderer };
  }, ms);
  const seen = await stats(3000);
  if (seen.readback) {
    assert.ok(seen.holds >= 5 && seen.timedOut <= seen.holds / 4, `holds while drawing: ${JSON.stringify(seen)}`);
    assert.ok(seen.held / seen.n > 0 && seen.held / seen.n < 0.95, `a share of the time held: ${JSON.stringify(seen)}`);
  } else {
    assert.equal(seen.holds, 0, `${seen.renderer}: no hold`);
  }
  // A threads lab started meanwhile (it sets the active threads itself: a hold in flight
  // ends first, and none starts while it runs) completes, and the live stepping has both
  // threads after it.
  const lab = await page.evaluate(() => new Promise((resolve) => {
    const w = window.rd.worker;
    const on = (e) => { if (e.data.type === 'lab' && !e.data.running) { w.removeEventListener('message', on); resolve(e.data.status); } };
    w.addEventListener('message', on);
    w.postMessage({ type: 'lab_start', threads: [2, 1], steps: 20 });
  }));
  assert.equal(lab, 'done');
  // Holds off: both threads take the stepping's tasks again.
  await page.evaluate(() => { window.rdBudget.holdsDrawing = () => false; });
  await new Promise((r) => setTimeout(r, 600));
  const after = await stats(1200);
  assert.ok(after.tasks.length === 2 && after.tasks.every((n) => n > 0), `both threads step after the holds: ${JSON.stringify(after)}`);
  await page.close();

  // The protocol on one thread, where a hold stops the stepping: until 'drawn' (or
  // HOLD_MAX_MS, 100 ms, when none comes); each hash reports the step it saw.
  const one = await openPage(S.browser, `${S.server.url}/?threads=1#preset=spots&size=48&seedMode=spheres`);
  await until(one.page, () => window.rd.stats && window.rd.stats.running && window.rd.meshesDrawn > 3 && window.rd.appSetUp, undefined, 60000);
  const r = await one.page.evaluate(async () => {
    window.rdBudget.holdsDrawing = () => false; // the page's own holds off
    const w = window.rd.worker;
    const hash = () => new Promise((resolve) => {
      const on = (e) => { if (e.data.type === 'hash') { w.removeEventListener('message', on); resolve(e.data.step); } };
      w.addEventListener('message', on);
      w.postMessage({ type: 'hash' });
    });
    const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
    await sleep(200); // a hold of the page's own in flight ends
    w.postMessage({ type: 'mesh_taken', hold: true });
    const t0 = performance.now(), s1 = await hash();
    await sleep(30);
    const s2 = await hash(), within = performance.now() - t0;
    w.postMessage({ type: 'drawn' });
    await sleep(150);
    const s3 = await hash();
    w.postMessage({ type: 'mesh_taken', hold: true }); // no 'drawn': it ends by itself
    const s4 = await hash();
    await sleep(400);
    const s5 = await hash();
    return { s1, s2, s3, s4, s5, within };
  });
  if (r.within < 90) assert.equal(r.s2, r.s1, `no step while held (${JSON.stringify(r)})`);
  assert.ok(r.s3 > r.s2, `stepping goes on after 'drawn' (${JSON.stringify(r)})`);
  assert.ok(r.s5 > r.s4, `a hold with no 'drawn' ends by itself (${JSON.stringify(r)})`);
  assert.deepEqual([...errors, ...one.errors], []);
  await one.page.close();
});
