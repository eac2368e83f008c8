// browser.mjs: the product measured end to end (issue 14). The real page from Caddy
// (tests/e2e/server.mjs) in headless Chromium and in Firefox under Xvfb
// (tests/e2e/browser.mjs), at 64^3, 96^3 (the page's default), 128^3 and 256^3 with 2 threads, the "spots" preset:
//   paused stepping ({type:'step', n} only; meshes kept empty by an isovalue V never
//   reaches) vs the native CLI and the WASM CLI under Node at the same size, steps and
//   threads (rdsim --scaling 2 --json: steps/s and the mesh of the same state), the three
//   timed in turn from the same states, medians of ROUNDS rounds;
//   the worker's full-resolution mesh ms vs native; the main thread's ms per received
//   mesh (the app's upload, app/app_lib.js) and per drawn frame (median frame interval
//   while it draws every frame);
//   mesh bytes per frame, event-loop lag, the main thread's time held after each drawn
//   frame (web/budget.js: what the pixel budget reads), the share of time the worker held half
//   its threads for the drawing (SwiftShader) and the share of time spent meshing (the most
//   an overlap of meshing with stepping could gain) while running live with meshing (the
//   drawing budget on); time from navigation to the first drawn mesh; time from a
//   control change (the isovalue slider) to the first frame drawn from it; pause
//   latency (a 'run' off to its answer) while live; CPU used while paused and idle
//   (the browser's process tree, /proc); and the WebGL renderer it ran on.
// Prints the ours / peer / ratio table of the other benches and writes
// build/bench/browser.json. Run by `make bench` as two processes (one per browser,
// Firefox under xvfb-run), each appending its rows: --browser chromium|firefox --json FILE.
// BENCH_BROWSER_SIZES (e.g. "64,128"), BENCH_BROWSER_THREADS and BENCH_BROWSER_LIVE_S override
// the defaults (96^3 is the page's default size, where issue 14 sets its lag target).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, until } from '../tests/e2e/browser.mjs';
import { ROOT, startCaddy } from '../tests/e2e/server.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const BROWSER = process.env.BROWSER || 'chromium';
const JSON_OUT = opt('--json', path.join(ROOT, 'build/bench/browser.json'));
const APPEND = args.includes('--append');
const THREADS = Number(process.env.BENCH_BROWSER_THREADS || 2);
const SIZES = (process.env.BENCH_BROWSER_SIZES || '64,96,128,256').split(',').map(Number);
const STEPS = { 64: 600, 96: 200, 128: 100, 256: 12 }; // about a second each in the page on two shared cores
const LIVE_S = Number(process.env.BENCH_BROWSER_LIVE_S || 4);
const ROUNDS = 3; // paused stepping: page, native, Node in turn, medians (scenario())
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// rdsim (native or WASM under Node) --scaling 2,2: steps/s and the mesh ms of the same state,
// from the second run (warmed, as the page's timed run is: see scenario()).
// from: a .rds state to start from (its grid and parameters) instead of the seeded start.
function cli(cmd, n, steps, extra = [], from = '') {
  const start = from ? ['--load', from] : ['--preset', 'spots', '--seed-mode', 'spheres', '--size', String(n)];
  const argv = [...cmd, ...start, '--steps', String(steps),
    '--threads', String(THREADS), '--scaling', `${THREADS},${THREADS}`, ...extra, '--json'];
  const out = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
  const row = JSON.parse(out.trim().split('\n').pop());
  return { stepsPerS: row.steps_per_s, meshMs: row.mesh_ms, triangles: row.triangles, hash: row.state_hash };
}

// CPU seconds (user + system) of a process and all its descendants, from /proc.
function treeCpuSeconds(root) {
  const kids = new Map();
  const stat = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      const ppid = Number(f[1]);
      stat.set(Number(d), Number(f[11]) + Number(f[12])); // utime + stime (fields 14, 15)
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  let ticks = 0;
  const todo = [root];
  while (todo.length) {
    const p = todo.pop();
    ticks += stat.get(p) || 0;
    for (const k of kids.get(p) || []) todo.push(k);
  }
  return ticks / 100; // USER_HZ
}

// Installed in the page once it has loaded: waits on worker messages and frames.
function helpers() {
  const rd = window.rd;
  const frameWaiters = [];
  const inner = rd.onFrame;
  rd.onFrame = (t, h, drew) => { inner(t, h, drew); for (const f of frameWaiters.splice(0)) f(t, h); };
  window.bb = {
    msg(type, pred = () => true) {
      return new Promise((resolve) => {
        const on = (e) => {
          if (e.data && e.data.type === type && pred(e.data)) { rd.worker.removeEventListener('message', on); resolve(e.data); }
        };
        rd.worker.addEventListener('message', on);
      });
    },
    frame() { return new Promise((resolve) => frameWaiters.push((t, h) => resolve({ t, h }))); },
    gl() {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'no WebGL2';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return `${gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)} (${gl.getParameter(gl.VERSION)})`;
    },
  };
}

async function scenario(browser, url, n) {
  const r = { n };
  const { page, errors } = await openPage(browser, `${url}/?threads=${THREADS}#preset=spots&seedMode=spheres&size=${n}&paused=1`);
  await until(page, () => window.rd.budget && window.rd.budget.firstMeshMs > 0 && window.rd.app, undefined, 180000);
  await page.evaluate(helpers);
  r.firstMeshMs = await page.evaluate(() => window.rd.budget.firstMeshMs);
  r.gl = await page.evaluate(() => window.bb.gl());

  // Paused stepping only: meshes empty (V never reaches 2), then timed step requests.
  const steps = STEPS[n] || 4;
  r.steps = steps;
  await page.evaluate(() => { window.rd.worker.postMessage({ type: 'view', iso: 2 }); });
  await until(page, () => window.rd.view && window.rd.view.iso === 2);
  await sleep(300);
  // The same steps once untimed first: the browser compiles WASM with a quick baseline
  // tier and swaps in optimised code after a while (V8's Liftoff, then TurboFan): the
  // first hundred steps at 128^3 ran at 206 steps/s, the next at 322 and 396. Then
  // ROUNDS rounds of the page, native rdsim and rdsim.js under Node one after the other,
  // each figure the median of its rounds: the shared machine's speed drifts by a third
  // within a minute, so peers timed at other moments made ratios of 0.6-1.2 for the same code.
  // Each round's peers step the very states the page steps in it (a native run saves the
  // page's starting state; the states are the same bits everywhere): a step's time depends
  // on the state (subnormal V at the fronts of a young pattern, before the step set tiny V
  // to 0, gs.h GS_V_FLUSH: 256^3 from step 36 ran at 51-65 steps/s natively against 96-106
  // from the seed), so peers timed from the seed
  // while the page stepped later states made 0.73-0.89 at 256^3 and 1.0-1.4 at 128^3.
  const pageRun = () => page.evaluate(async (k) => {
    const s0 = window.rd.info.step;
    const done = window.bb.msg('info', (m) => m.info.step >= s0 + k);
    const t0 = performance.now();
    window.rd.worker.postMessage({ type: 'step', n: k });
    await done;
    return k / ((performance.now() - t0) / 1000);
  }, steps);
  await pageRun();
  const rounds = { page: [], native: [], wasm: [], hash: [] };
  const state = path.join(os.tmpdir(), `rd-bench-${process.pid}-${n}.rds`);
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const from = await page.evaluate(() => window.rd.info.step);
      execFileSync(path.join(ROOT, 'build/native/rdsim'), ['--preset', 'spots', '--seed-mode', 'spheres', '--size', String(n),
        '--steps', String(from), '--threads', String(THREADS), '--save', state]);
      rounds.page.push(await pageRun());
      rounds.hash.push(await page.evaluate(async () => { // the page's state after the round
        const got = window.bb.msg('hash');
        window.rd.worker.postMessage({ type: 'hash' });
        return (await got).hex;
      }));
      rounds.native.push(cli([path.join(ROOT, 'build/native/rdsim')], n, steps, [], state));
      rounds.wasm.push(cli(['node', '--no-experimental-fetch', path.join(ROOT, 'build/wasm/rdsim.js')], n, steps, [], state));
    }
  } finally {
    rmSync(state, { force: true });
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  r.stepsPerS = median(rounds.page);
  r.native = { ...rounds.native[0], stepsPerS: median(rounds.native.map((x) => x.stepsPerS)) };
  r.wasm = { ...rounds.wasm[0], stepsPerS: median(rounds.wasm.map((x) => x.stepsPerS)) };
  r.rounds = { page: rounds.page, native: rounds.native.map((x) => x.stepsPerS), wasm: rounds.wasm.map((x) => x.stepsPerS) };
  // every round's peers ended on the page's state (native and WASM alike)
  r.sameStates = rounds.hash.every((h, i) => h === rounds.native[i].hash && h === rounds.wasm[i].hash);
  // Native rdsim and rdsim.js under Node mesh the same state (saved natively one step
  // before it, then that step), closed at the box faces as the page's surface is by default
  // (schema 'close').
  r.pageStep = await page.evaluate(() => window.rd.info.step);
  const meshState = path.join(os.tmpdir(), `rd-bench-mesh-${process.pid}-${n}.rds`);
  try {
    execFileSync(path.join(ROOT, 'build/native/rdsim'), ['--preset', 'spots', '--seed-mode', 'spheres', '--size', String(n),
      '--steps', String(r.pageStep - 1), '--threads', String(THREADS), '--save', meshState]);
    r.nativeMesh = cli([path.join(ROOT, 'build/native/rdsim')], n, 1, ['--mesh-close'], meshState);
    r.wasmMesh = cli(['node', '--no-experimental-fetch', path.join(ROOT, 'build/wasm/rdsim.js')], n, 1, ['--mesh-close'], meshState);
  } finally {
    rmSync(meshState, { force: true });
  }

  // The full-resolution mesh of that state, in the worker; its upload on the main thread.
  const mesh = await page.evaluate(async () => {
    const got = window.bb.msg('mesh', (m) => m.level === 1 && m.triangles > 0);
    window.rd.worker.postMessage({ type: 'budget', full: true });
    window.rd.worker.postMessage({ type: 'view', iso: 0.25 });
    await got; // the first mesh of a state sizes the mesher's scratch (mc.h): time the next
    // three, each once the one before is drawn and the app asleep (SwiftShader's drawing
    // shares the cores with the pool, and would be timed as meshing); the median
    const ms = [];
    let m;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      while (performance.now() - t0 < 10000 && !(window.rd.appAsleep && window.rd.framesDrawn > 0)) await new Promise((res) => setTimeout(res, 20));
      const again = window.bb.msg('mesh', (x) => x.level === 1);
      window.rd.worker.postMessage({ type: 'budget', full: true }); // re-meshes (a view that changes nothing does not)
      m = await again;
      ms.push(m.meshMs);
    }
    ms.sort((a, b) => a - b);
    const before = window.rd.budget.uploads.length;
    for (let i = 0; i < 200 && window.rd.budget.uploads.length === before; i++) await window.bb.frame();
    const u = window.rd.budget.uploads[window.rd.budget.uploads.length - 1];
    return { meshMs: ms[1], meshRounds: ms, triangles: m.triangles, bytes: m.buffer.byteLength, uploadMs: u ? u[0] : 0 };
  });
  Object.assign(r, { meshMs: mesh.meshMs, meshRounds: mesh.meshRounds, triangles: mesh.triangles, meshBytes: mesh.bytes, uploadMs: mesh.uploadMs });

  // Frames while paused with the full mesh drawn again and again (as while the camera
  // moves; the app draws every frame only when asked: app_set_continuous), then CPU while
  // paused and idle (the app draws nothing: nothing in the view changes).
  await page.evaluate(() => window.rd.app._app_set_continuous(1));
  await sleep(1700);
  r.frameMsPaused = await page.evaluate(() => window.rd.budget.frameMs);
  await page.evaluate(() => window.rd.app._app_set_continuous(0));
  await sleep(300);
  const pid = browser.process() ? browser.process().pid : 0;
  if (pid) {
    const c0 = treeCpuSeconds(pid), t0 = Date.now();
    await sleep(3000);
    r.idleCpuPct = (100 * (treeCpuSeconds(pid) - c0)) / ((Date.now() - t0) / 1000);
  }

  // A control change (the isovalue slider, as a person moves it) to the first frame drawn from it.
  r.controlToFrameMs = await page.evaluate(async () => {
    const rd = window.rd;
    let viewAt = 0, newMesh = false;
    const on = (e) => {
      if (e.data.type === 'view') viewAt = performance.now();
      if (e.data.type === 'mesh' && viewAt) newMesh = true;
    };
    rd.worker.addEventListener('message', on);
    const el = document.getElementById('iso');
    const t0 = performance.now();
    el.value = '0.3';
    el.dispatchEvent(new Event('input', { bubbles: true }));
    for (;;) {
      const f = await window.bb.frame();
      if (f.h && newMesh) break;
    }
    rd.worker.removeEventListener('message', on);
    return performance.now() - t0;
  });

  // Live with meshing, the budget on (as a person gets it): steps/s, mesh bytes per frame,
  // main-thread figures, event-loop lag; then the pause latency.
  const live = await page.evaluate(async (seconds) => {
    const rd = window.rd, w = rd.worker;
    w.postMessage({ type: 'budget', full: false });
    const stats = [], meshes = [], lags = [], held = [];
    const on = (e) => {
      if (e.data.type === 'stats' && e.data.running) { stats.push(e.data.stepsPerSec); held.push(e.data.heldShare); }
      if (e.data.type === 'mesh') meshes.push([e.data.buffer.byteLength, e.data.level, e.data.meshMs]);
    };
    w.addEventListener('message', on);
    let expect = performance.now() + 50, timer = 0;
    const tick = () => { const now = performance.now(); lags.push(Math.max(0, now - expect)); expect = now + 50; timer = setTimeout(tick, 50); };
    timer = setTimeout(tick, 50);
    const frames0 = rd.framesDrawn, up0 = rd.budget.uploads.length;
    w.postMessage({ type: 'run', on: true });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const t0 = performance.now();
    const paused = window.bb.msg('stats', (m) => !m.running);
    w.postMessage({ type: 'run', on: false });
    await paused;
    const pauseMs = performance.now() - t0;
    clearTimeout(timer);
    w.removeEventListener('message', on);
    const frames = rd.framesDrawn - frames0;
    const ups = rd.budget.uploads.slice(up0);
    lags.sort((a, b) => a - b);
    const sum = (a) => a.reduce((x, y) => x + y, 0);
    return {
      stepsPerS: stats.length ? sum(stats) / stats.length : 0,
      meshes: meshes.length,
      levels: [...new Set(meshes.map((m) => m[1]))],
      meshMs: meshes.length ? sum(meshes.map((m) => m[2])) / meshes.length : 0,
      bytesPerFrame: frames ? sum(meshes.map((m) => m[0])) / frames : 0,
      fps: frames / seconds,
      // The worker's share of the live window spent meshing (the phase an overlap with
      // stepping would hide): bounds what any overlap can gain, 1 / (1 - share), when both
      // phases already keep every core busy.
      meshShare: sum(meshes.map((m) => m[2])) / (seconds * 1000),
      uploadMs: ups.length ? sum(ups.map((u) => u[0])) / ups.length : 0,
      frameMs: rd.budget.frameMs,
      lagP95: lags.length ? lags[Math.floor(0.95 * (lags.length - 1))] : 0,
      heldShare: held.length ? sum(held) / held.length : 0, // stepping on half its threads while the page draws (SwiftShader)
      blockMs: rd.budget.blockMs, // the main thread held per drawn frame after the draw (median)
      pixels: rd.budget.pixels, // share of the canvas' pixels drawn (the budget's)
      pauseMs,
    };
  }, LIVE_S);
  r.live = live;
  r.errors = errors;
  await page.close();
  return r;
}

const rows = [];
function row(name, ours, peer, peerName, unit) {
  const ratio = peer > 0 ? ours / peer : 0;
  rows.push({ case: name, ours, peer, peer_name: peerName, unit, ratio });
  console.log(`${name.padEnd(40)} ${ours.toPrecision(4).padStart(12)} ${(peer > 0 ? peer.toPrecision(4) : '-').padStart(12)} ${peerName.padEnd(30)} ${(peer > 0 ? ratio.toFixed(3) : '-').padStart(8)}`);
}

const server = await startCaddy();
const browser = await launch();
const results = [];
try {
  for (const n of SIZES) {
    const r = await scenario(browser, server.url, n);
    results.push({ r, native: r.native, wasm: r.wasm });
  }
} finally {
  await browser.close();
  await server.stop();
}

const gl = results.length ? results[0].r.gl : '?';
console.log(`browser bench: ${BROWSER}, ${THREADS} threads, WebGL renderer: ${gl}`);
console.log(`${'case'.padEnd(40)} ${'ours'.padStart(12)} ${'peer'.padStart(12)} ${'peer_name'.padEnd(30)} ${'ratio'.padStart(8)}`);
for (const { r, native, wasm } of results) {
  const b = `browser_${BROWSER}_${r.n}`;
  const same = r.sameStates ? 'same states' : 'OTHER states';
  row(`${b}_steps_vs_native`, r.stepsPerS, native.stepsPerS, `rdsim native --threads 2 (${same})`, 'steps/s');
  row(`${b}_steps_vs_wasm_node`, r.stepsPerS, wasm.stepsPerS, `rdsim.js under Node (${same})`, 'steps/s');
  console.log(`  ${ROUNDS} rounds (page / native / Node steps/s): ${r.rounds.page.map((x, i) =>
    `${x.toFixed(0)}/${r.rounds.native[i].toFixed(0)}/${r.rounds.wasm[i].toFixed(0)}`).join(', ')}`);
  const nm = r.nativeMesh;
  row(`${b}_mesh_ms_vs_native`, r.meshMs, nm.meshMs, `rdsim native (${nm.triangles === r.triangles ? 'same' : 'OTHER'} mesh)`, 'ms');
  const wm = r.wasmMesh;
  row(`${b}_mesh_ms_vs_wasm_node`, r.meshMs, wm.meshMs, `rdsim.js under Node (${wm.triangles === r.triangles ? 'same' : 'OTHER'} mesh)`, 'ms');
  console.log(`  worker mesh ms, three rounds: ${r.meshRounds.map((x) => x.toFixed(1)).join(', ')}`);
  row(`${b}_upload_ms_per_mesh`, r.uploadMs, 0, `${(r.meshBytes / 1e6).toFixed(2)} MB, ${r.triangles} tris`, 'ms');
  row(`${b}_frame_ms_paused`, r.frameMsPaused, 0, 'median frame interval, redrawn', 'ms');
  row(`${b}_first_mesh_ms`, r.firstMeshMs, 0, 'navigation to first mesh', 'ms');
  row(`${b}_control_to_frame_ms`, r.controlToFrameMs, 0, 'iso slider to its frame', 'ms');
  row(`${b}_idle_cpu_pct`, r.idleCpuPct || 0, 0, 'browser tree, paused', '% of a core');
  row(`${b}_live_steps_per_s`, r.live.stepsPerS, native.stepsPerS, 'rdsim native (no meshing)', 'steps/s');
  row(`${b}_live_mesh_bytes_per_frame`, r.live.bytesPerFrame, 0, `levels ${r.live.levels.join('/')}, ${r.live.fps.toFixed(1)} fps`, 'bytes');
  row(`${b}_live_frame_ms`, r.live.frameMs, 0, 'median drawn frame interval', 'ms');
  row(`${b}_live_upload_ms_per_mesh`, r.live.uploadMs, 0, `${r.live.meshes} meshes`, 'ms');
  row(`${b}_live_mesh_ms`, r.live.meshMs, 0, 'drawn (budgeted) mesh', 'ms');
  row(`${b}_live_mesh_share`, r.live.meshShare, 0, 'of the live window spent meshing', 'fraction');
  row(`${b}_overlap_ceiling`, 1 / Math.max(1e-9, 1 - Math.min(r.live.meshShare, 0.999)), 1.3,
    'issue 14 target 1.3x (serial loop)', 'x');
  row(`${b}_live_block_ms`, r.live.blockMs, 0, `held after a draw, ${r.live.pixels} of pixels`, 'ms');
  row(`${b}_live_stepping_held`, r.live.heldShare, 0, 'of the time: half the threads, for drawing', 'fraction');
  row(`${b}_live_lag_p95_ms`, r.live.lagP95, 0, 'event-loop lag p95', 'ms');
  row(`${b}_pause_latency_ms`, r.live.pauseMs, 0, "'run' off to its answer", 'ms');
  if (r.errors.length) console.log(`  page errors: ${r.errors.join(' | ')}`);
}
for (const x of rows) x.gl = gl;
const prior = APPEND && existsSync(JSON_OUT) ? JSON.parse(readFileSync(JSON_OUT, 'utf8')) : [];
writeFileSync(JSON_OUT, `${JSON.stringify([...prior, ...rows], null, 1)}\n`);
console.log(`written ${JSON_OUT}`);
