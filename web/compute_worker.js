// compute_worker.js: the one Web Worker that hosts the engine: one WASM instance
// whose pthread pool starts with it. It runs the simulation in time-sliced batches
// (so messages are answered between them), meshes V at a steady cadence, and
// transfers each mesh to the page: copied out of the WASM heap once (a shared WASM
// memory cannot be detached) and that copy transferred. A paused simulation does
// no work at all: nothing is scheduled and the pool threads sleep.
//
// Settings cross by the keys of the engine's schema (engine/schema.h, eng_schema_json):
// a message carries any of them as fields; the worker checks each field's shape
// (a number, a boolean, one of the schema's choices) and stages it in the engine as
// text, and the engine parses and checks it (ranges, stability) as rdsim does.
// Page -> worker (every message is checked; a bad one gets {type:'error'} and
// changes nothing):
//   {type:'init', threads, ports}  (ports: one MessagePort per pool thread but this one, at least
//     one, each to a thread worker the page started: web/thread_worker.js)
//   {type:'new', nx, ny, nz, ...settings applied on reset and live}  (e.g. boundary,
//     seed, seedMode, F, k, Du, Dv, dt, stencil; one left out takes its default)
//   {type:'params', ...live settings}   {type:'view', ...view settings (iso, scalar, close, colormap, colorRange, slices, clip)}
//   {type:'run', on, stopAt}   (stopAt: pause exactly at that step; 0 or absent: never)
//   {type:'speed', stepsPerSecond}   (0: as fast as it goes)
//   {type:'step', n} (queued, run in slices)   {type:'threads', n}
//   {type:'paint', x, y, z, radius, amount}   {type:'paint_ray', origin, dir, radius, amount, plane}
//     (plane as a probe's: the slice under the pointer, painted where it is what the view shows)
//   {type:'hash'}   {type:'save'}   {type:'load', buffer}   {type:'export_mesh', format}
//   {type:'export_volume'}  (U and V as a VTK ImageData file, engine/vti.h)
//   {type:'mesh_taken', hold}  (the app uploaded the last mesh: the next one may come; hold:
//     true: it draws now, and until {type:'drawn'} (the page's main thread free again) or
//     HOLD_MAX_MS the stepping runs on half the active threads (none with one), the other
//     cores left to the drawing)
//   {type:'budget', triangles, full}  (the drawing budget: coarser meshes over `triangles`;
//     full: true draws full resolution; both optional)
//   {type:'lab_start', threads: [counts], steps}   {type:'lab_cancel'}   (the threads lab,
//     engine/lab.h: run in slices; meanwhile nothing that changes the simulation is taken)
//   {type:'trace', since}  (spans ended since `since` us)   {type:'save_trace', seconds}
//   paint and paint_ray also take the brush's schema keys (paintShape, paintTarget) and
//   newStroke: true on the first paint of a stroke (the state before it is kept for undo)
//   {type:'undo'}   {type:'redo'}   (the last strokes, a bounded stack)
//   {type:'probe', origin, dir, plane: null | {axis, at}, id}  (what the view shows along the
//     ray and the state there: engine/probe.h; plane: the slice the app found under the
//     pointer; id: any whole number, echoed)
// Worker -> page:
//   {type:'ready', poolSize, buildId, schema}   {type:'info', info, heapBytes}   {type:'view', view}
//   {type:'mesh', buffer, meshMs, triangles, level (1 full, 2 or 4: every level-th sample), full,
//     slices: [x, y, z] (engine/slice.h blobs, null: off)}   {type:'stats', ...}
//   {type:'slices', slices}  (as a mesh's, without one: a view change that only the slices
//     need, e.g. a slice dragged; a change the app alone draws (clip, colormap, colour range, surface) sends
//     no mesh either, only the view)
//   {type:'profile', axis, at, step, u, v}  (the line profile, after each mesh and slices;
//     {axis:'none'} once when it goes off: postProfile)
//   {type:'hash', hex, step}   {type:'file', kind, buffer, step}   {type:'error', message}
//   {type:'stopped', step}   (a run reached its stopAt)
//   {type:'lab', running, status ('running'|'done'|'failed'|'cancelled'), progress, rows, error}
//   {type:'trace', now, phases, events (Float64Array: worker, t0 us, t1 us, phase+256*depth+65536*stolen)}
//   {type:'series', run, row: {step, meanV, maxV, minV, meanU, inside, triangles, area, level}}  (engine/stats.h;
//     run: a new string for each 'new' and 'load';
//     after each mesh, at most SERIES_MS apart while running)
//   {type:'history', undo, redo}  (strokes that can be undone / redone)
//   {type:'probe', id, probe: {kind ('surface'|'slice'|'none'), step, axis, x, y, z, u, v} | null
//     (null: the threads lab is running)}
//   {type:'progress', stage, threadWorkers}   (start-up stages, for the page to show)
'use strict';

importScripts('engine.js');

// The engine's thread workers. The page starts them (web/thread_worker.js: Firefox can
// hang for good in `new Worker()` called from a worker) and hands this worker one
// MessagePort to each in the init message; emscripten's pthread code, which creates its
// pool with `new Worker(url)` and then uses only postMessage, onmessage, onerror and
// terminate, gets a stand-in per port (ThreadPort). Start-up diagnostics: how many were
// taken and how many have loaded the WASM module; the page shows the stage while it waits.
const threadWorkers = { created: 0, loaded: 0 };
let threadPorts = []; // from the init message, taken in order

class ThreadPort {
  constructor(port) {
    this.port = port;
    this.onerror = null; // the page sees a thread worker's errors (its onerror)
    port.onmessage = (e) => {
      if (this.onmessage) this.onmessage(e);
      if (!this.seen && e.data && e.data.cmd === 'loaded') {
        this.seen = true;
        threadWorkers.loaded++;
        postMessage({ type: 'progress', stage: `loading the engine: ${threadWorkers.loaded} of ${threadWorkers.created} thread workers ready`, threadWorkers });
      }
    };
    this.onmessage = null;
    this.seen = false;
  }
  postMessage(message, transfer) { this.port.postMessage(message, transfer || []); }
  terminate() { this.port.close(); } // the page terminates the worker itself with the engine
}
self.Worker = function ThreadWorker() {
  if (!threadPorts.length) throw new Error('the engine asked for more thread workers than the page started');
  threadWorkers.created++;
  return new ThreadPort(threadPorts.shift());
};

const MESH_INTERVAL_MS = 66; // at most ~15 meshes a second while stepping (running or asked steps)
const SLICE_MS = 24;         // stepping time per slice before messages are served
const MAX_STEP_REQUEST = 1e9; // steps one 'step' message (or several queued) may ask for

let E = null;            // the engine module
let schema = null;       // the engine's schema (eng_schema_json), parsed
let hasSim = false;      // a simulation exists (after a successful new or load)
let running = false;
let loopScheduled = false;
// The next stepping slice without delay: a message to ourselves. (A chain of setTimeout(0)
// is clamped to 4 ms from its 5th link, in workers too: 4 ms idle per 24 ms slice.)
const nextSlice = new MessageChannel();
nextSlice.port1.onmessage = () => loop();
let meshInFlight = false; // a mesh was sent and the app has not taken it yet
// Stepping held while the page draws the mesh it took (mesh_taken hold) until 'drawn' or
// holdUntil: on half the active threads, or not at all with one (holdThreads 0).
// Measured on SwiftShader, 2 threads, 96^3 live: stopping both threads cost a fifth of the
// steps/s, stepping on one meanwhile none measurable, for the same event-loop lag.
const HOLD_MAX_MS = 100;
let holdUntil = 0, holdFrom = 0;
// A hold ends: its time counts in the stats (heldMs, holds; timedOut: no 'drawn' came).
let holdThreads = 0;    // threads stepping during a hold (0: none; else the active count is lowered to it)
let activeThreads = 0;  // the pool's active threads outside holds (the page's 'threads')
function endHold(now, timedOut) {
  if (holdThreads) E._eng_set_threads(activeThreads);
  holdThreads = 0;
  rate.heldMs += now - holdFrom;
  rate.holds++;
  if (timedOut) rate.holdsTimedOut++;
  holdUntil = holdFrom = 0;
}
let loopTimer = 0; // a loop() waiting on setTimeout (schedule), 0: none
let meshDirty = true;     // state or view changed since the last mesh
let slicesDirty = false;  // only the slices' settings changed since the last mesh or slices
let lastSlicesAt = 0;
let lastMeshAt = 0;
let pendingSteps = 0;     // steps asked for by 'step' messages and not yet run
let stopAt = 0;           // while running: pause when the step count reaches it (0: never)
let maxRate = 0;          // steps per second while running (0: no limit)
let rateBudget = 0;       // steps the rate limit allows now
let rateSince = 0;        // when rateBudget was last topped up
let labRunning = false;   // a threads lab holds the simulation (engine/lab.h)
// sliceMaxMs: the longest stepping slice; heldMs, holds, holdsTimedOut: stepping held for the page's drawing
const rate = { since: performance.now(), steps: 0, stepMs: 0, sliceMaxMs: 0, heldMs: 0, holds: 0, holdsTimedOut: 0 };

const str = (ptr) => (ptr ? E.UTF8ToString(ptr) : '');
const fail = (message) => postMessage({ type: 'error', message });
const engineError = (what) => fail(`${what}: ${str(E._eng_last_error())}`);

// Message field checks: each returns the value or throws a readable Error.
function num(m, key, lo, hi) {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new Error(`${m.type}: ${key} must be a number in ${lo}..${hi}, got ${JSON.stringify(v)}`);
  }
  return v;
}
function finite(m, key) { return num(m, key, -Number.MAX_VALUE, Number.MAX_VALUE); }
function int(m, key, lo, hi) {
  const v = num(m, key, lo, hi);
  if (!Number.isInteger(v)) throw new Error(`${m.type}: ${key} must be a whole number, got ${v}`);
  return v;
}
// An array of 3 finite numbers (a point or a direction); what: the message it is in.
function vec3(m, key, what) {
  const v = m[key];
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${what}: ${key} must be an array of 3 finite numbers`);
  }
  return v;
}

// The slice under the pointer that a probe or paint_ray names: m.plane null (or left out)
// or {axis 0..2, at: [x, y, z]} -> {axis (-1: none), at}.
function planeOf(m, what) {
  if (m.plane === null || m.plane === undefined) return { axis: -1, at: [0, 0, 0] };
  if (typeof m.plane !== 'object') throw new Error(`${what}: plane must be null or {axis, at}`);
  return { axis: int({ type: what, ...m.plane }, 'axis', 0, 2), at: vec3(m.plane, 'at', what) };
}

function postInfo() {
  // heapBytes: the WASM heap, which only grows (the page restarts the engine to shrink it).
  postMessage({ type: 'info', info: JSON.parse(str(E._eng_sim_info_json())), heapBytes: E.HEAPU8.length });
}

// The view in force, for the page's link.
function postView() { postMessage({ type: 'view', view: JSON.parse(str(E._eng_view_json())) }); }

// The drawing budget (engine/lod.h): a mesh over `triangles` (the page lowers it when
// its frames are slow) is drawn from every 2nd or 4th sample; `full` (the page's
// button) draws full resolution whatever it costs. Exports are always full.
const budget = { triangles: 300000, full: false, level: 1, drawn: 1 }; // drawn: the last mesh's level
let meshStep = 0; // the step of the last mesh

function mesh() {
  meshDirty = false; // also on failure: the same request would fail again
  let level = budget.full ? 1 : budget.level, got, triangles, ms = 0;
  for (;;) { // over the budget: the coarser level at once, rather than send what cannot be drawn
    got = E._eng_sim_mesh_at(level);
    if (!got) { engineError('mesh'); return; }
    ms += E._eng_draw_mesh_ms();
    triangles = new Uint32Array(E.HEAPU8.buffer, (E._eng_draw_mesh_ptr() >>> 0) + 8, 1)[0] / 3;
    if (budget.full || triangles <= budget.triangles || got !== level || level >= 4) break;
    level *= 2;
  }
  // The next mesh's level: the finest whose estimated triangles (about 1/L^2 of full)
  // fit well inside the budget.
  if (!budget.full) {
    const fullTris = triangles * got * got;
    let want = 1;
    while (want < 4 && fullTris / (want * want) > (want >= got ? 1 : 0.7) * budget.triangles) want *= 2;
    budget.level = want;
    if (want < got) meshDirty = true; // a finer mesh fits: it follows (also while paused)
  }
  budget.drawn = got;
  const ptr = E._eng_draw_mesh_ptr() >>> 0; // pointers and sizes arrive as signed i32
  const bytes = E._eng_draw_mesh_bytes() >>> 0;
  const copy = E.HEAPU8.slice(ptr, ptr + bytes).buffer; // the one copy out of the heap
  const slices = takeSlices();
  slicesDirty = false; // they come with the mesh
  meshInFlight = true;
  lastMeshAt = performance.now();
  // A coarse mesh (level 2 or 4) is in the coarse grid's units; the app draws it in the
  // simulation grid's, as the slices, the clip plane and paint rays are (grid: its dims).
  const info = JSON.parse(str(E._eng_sim_info_json()));
  const grid = [info.nx, info.ny, info.nz];
  meshStep = info.step; // the step it shows, for the names of exports and pictures
  postMessage({ type: 'mesh', buffer: copy, meshMs: ms, triangles, level: got, grid, full: budget.full, slices, step: info.step },
    [copy, ...slices.filter((b) => b)]);
  postProfile();
  if (!stepping() || lastMeshAt - lastSeriesAt >= SERIES_MS) postSeries();
}

// Steps are being made: running, or steps asked for ('step') still to run. Meshes and time
// series rows then come at most every MESH_INTERVAL_MS and SERIES_MS, as the state moves on;
// at rest, at once. (Meshing after each 24 ms slice instead: 300 asked steps at 128^3 on two
// threads, Chromium, made 26-41 meshes at 139-193 steps/s; at this rate 13-21 at 164-280.)
function stepping() { return running || pendingSteps > 0; }

// ---- time series (engine/stats.h) and the paint history ----------------------------------

const SERIES_MS = 250;   // a few rows a second while running
let lastSeriesAt = -Infinity;
// The run the rows belong to: new on every 'new' and 'load' (unique across engine
// restarts too), so the page's series never joins two runs.
let seriesRun = '';
const newSeriesRun = () => { seriesRun = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`; };
function postSeries() {
  lastSeriesAt = performance.now();
  const doc = str(E._eng_stats_json());
  if (doc) postMessage({ type: 'series', run: seriesRun, row: JSON.parse(doc) });
}

// Undo: the state (.rds bytes) before each of the last strokes; redo: the states undone.
const UNDO_MAX = 16, UNDO_MAX_BYTES = 512 << 20;
const history = { undo: [], redo: [], pending: null }; // pending: the state before the open stroke
function snapshot() {
  if (!E._eng_sim_save()) { engineError('undo snapshot'); return null; }
  const ptr = E._eng_file_ptr() >>> 0, bytes = E._eng_file_bytes() >>> 0;
  const copy = E.HEAPU8.slice(ptr, ptr + bytes).buffer;
  E._eng_file_release();
  return copy;
}
function restore(buffer) {
  const bytes = new Uint8Array(buffer);
  const p = E._malloc(Math.max(1, bytes.length)) >>> 0;
  if (!p) { fail('undo: out of memory'); return false; }
  try { E.HEAPU8.set(bytes, p); return E._eng_sim_load(p, bytes.length) === 1; } finally { E._free(p); }
}
function pushBounded(stack, buffer) {
  stack.push(buffer);
  let total = stack.reduce((n, b) => n + b.byteLength, 0);
  while (stack.length > UNDO_MAX || (stack.length > 1 && total > UNDO_MAX_BYTES)) total -= stack.shift().byteLength;
}
// did: 'undo' or 'redo' when one was just done (the page says so).
function postHistory(did) {
  postMessage({ type: 'history', undo: history.undo.length, redo: history.redo.length, ...(did ? { did } : {}) });
}
function clearHistory() { history.undo = []; history.redo = []; history.pending = null; postHistory(); }
// Before a paint: the brush settings in m, and the state kept when m opens a stroke.
function beforePaint(m) {
  stage(m, ['paint']);
  E._eng_paint_set();
  if (m.newStroke !== true) return;
  const info = JSON.parse(str(E._eng_sim_info_json()));
  const bytes = 8 * info.nx * info.ny * info.nz;
  // A state bigger than half the stack's budget (past about 320^3) is not kept: no undo there.
  history.pending = bytes <= UNDO_MAX_BYTES / 2 ? snapshot() : null;
}
// After a paint: the first one of a stroke that changed something makes it undoable.
function afterPaint(ok) {
  if (!ok) { fail(`paint refused: ${str(E._eng_last_error()).replace(/^paint:? /, '')}`); return; }
  meshDirty = true;
  if (history.pending) {
    pushBounded(history.undo, history.pending);
    history.pending = null;
    history.redo = [];
    postHistory();
  }
}
function travel(from, to, what) {
  if (!from.length) { fail(`${what}: there is nothing to ${what}`); return; }
  const now = snapshot();
  if (!now) return;
  if (!restore(from[from.length - 1])) { engineError(`${what} refused`); return; }
  to.push(now);
  from.pop();
  history.pending = null;
  pendingSteps = 0;
  meshDirty = true;
  postInfo();
  postHistory(what);
}

// The slices alone (a view change only they need): at most one message every SLICES_MS.
const SLICES_MS = 16;
function postSlices() {
  slicesDirty = false;
  lastSlicesAt = performance.now();
  const slices = takeSlices();
  postMessage({ type: 'slices', slices }, slices.filter((b) => b));
  postProfile();
}

// The line profile (engine/probe.h probe_line; web/profile.js), with each mesh and with the
// slices alone: {type:'profile', axis, at: [x, y, z] (-1 along the line), step, u, v}
// (Float32Arrays, transferred), or once {type:'profile', axis: 'none'} when it goes off.
let profileOn = false;
function postProfile() {
  const n = E._eng_profile_build();
  if (n < 0) { engineError('line profile'); return; }
  if (n === 0) {
    if (profileOn) postMessage({ type: 'profile', axis: 'none' });
    profileOn = false;
    return;
  }
  profileOn = true;
  const ptr = E._eng_profile_ptr() >>> 0;
  const u = new Float32Array(E.HEAPU8.slice(ptr, ptr + 4 * n).buffer);
  const v = new Float32Array(E.HEAPU8.slice(ptr + 4 * n, ptr + 8 * n).buffer);
  const at = [0, 1, 2].map((a) => E._eng_profile_at(a));
  postMessage({ type: 'profile', axis: 'xyz'[at.indexOf(-1)], at, step: E._eng_sim_step_count(), u, v }, [u.buffer, v.buffer]);
}
// View settings by what a change of them needs: the slices only, or nothing the worker
// builds (the app draws them from the view: app/render.c); any other needs a new mesh.
const SLICE_SETTINGS = new Set(['sliceX', 'sliceY', 'sliceZ', 'sliceXPos', 'sliceYPos', 'sliceZPos', 'sliceField', 'profile']);
const DRAWN_SETTINGS = new Set(['clip', 'clipPos', 'colormap', 'colorRange', 'colorMin', 'colorMax', 'surface']);

// The slices the view shows, built with each mesh and alone when only they changed
// (engine/slice.h): [x, y, z], each a
// copy of its blob out of the heap, or null when that slice is off.
function takeSlices() {
  const out = [];
  for (let a = 0; a < 3; a++) {
    const st = E._eng_slice_build(a);
    if (st < 0) engineError('slice');
    if (st !== 1) { out.push(null); continue; }
    const ptr = E._eng_slice_ptr(a) >>> 0, bytes = E._eng_slice_bytes(a) >>> 0;
    out.push(E.HEAPU8.slice(ptr, ptr + bytes).buffer);
  }
  return out;
}

function postStats(now) {
  const secs = (now - rate.since) / 1000;
  const info = JSON.parse(str(E._eng_sim_info_json()));
  const cells = info.nx * info.ny * info.nz;
  postMessage({
    type: 'stats',
    step: info.step,
    running,
    stepsPerSec: secs > 0 ? rate.steps / secs : 0,
    cellsPerSec: secs > 0 ? (rate.steps * cells) / secs : 0,
    stepMs: rate.steps > 0 ? rate.stepMs / rate.steps : 0,
    sliceMaxMs: rate.sliceMaxMs, // the longest stepping slice since the last stats (messages wait that long)
    meshMs: E._eng_draw_mesh_ms(), // the drawn mesh's (coarse under the budget)
    heldShare: secs > 0 ? rate.heldMs / 1000 / secs : 0, // of the time, stepping held for the drawing
    holds: rate.holds, holdsTimedOut: rate.holdsTimedOut,
    pool: JSON.parse(str(E._eng_pool_stats_json())),
  });
  rate.since = now;
  rate.steps = 0;
  rate.stepMs = 0;
  rate.sliceMaxMs = 0;
  rate.heldMs = rate.holds = rate.holdsTimedOut = 0;
}

// Runs up to `n` steps for about `ms` milliseconds: the engine stops between batches of
// a step's planes (or blocks) when the time is up, even inside a step, and goes on with
// it at the next call (gs_step_for), so one slice stays short even at 512^3, where one
// step takes longer than a slice. The state shown, hashed and saved meanwhile is the
// last whole step's. Returns the steps made, or -1 when the simulation stopped on a
// non-finite value.
function step(n, ms) {
  const r = E._eng_sim_step_for(n, ms);
  const done = r < 0 ? -1 - r : r;
  rate.steps += done;
  rate.stepMs += E._eng_sim_step_ms();
  if (done > 0) meshDirty = true;
  if (r < 0) {
    running = false;
    engineError('simulation stopped');
    postInfo();
    return -1;
  }
  return done;
}

const STEPS_PER_CALL_MAX = 1 << 20; // while running: the slice's time, not a count, ends a call

// One stepping slice: runs (while running, or while steps are pending) for at most
// SLICE_MS, then meshes when due and returns to the event loop, where waiting messages
// are served.
function loop() {
  loopScheduled = false;
  if (labRunning) { labSlice(); schedule(); return; }
  const start = performance.now();
  if (holdUntil > start && !holdThreads) { schedule(); return; } // the page is drawing: the cores are its
  if (holdUntil && holdUntil <= start) endHold(start, true);
  for (let left = SLICE_MS; (running || pendingSteps > 0) && left > 0; left = SLICE_MS - (performance.now() - start)) {
    let n = running ? STEPS_PER_CALL_MAX : Math.min(STEPS_PER_CALL_MAX, pendingSteps);
    if (running && stopAt > 0) n = Math.min(n, stopAt - E._eng_sim_step_count());
    if (running && maxRate > 0) {
      const now = performance.now();
      rateBudget = Math.min(rateBudget + ((now - rateSince) * maxRate) / 1000, Math.max(1, maxRate / 10));
      rateSince = now;
      n = Math.min(n, Math.floor(rateBudget));
      if (n < 1) break; // wait for the budget (schedule() comes back soon)
    }
    if (running && n < 1) { reachedStop(); break; }
    const limited = running && maxRate > 0;
    const done = step(n, left);
    if (limited) rateBudget -= Math.max(done, 0);
    if (!running) pendingSteps = done >= 0 ? pendingSteps - done : 0;
    if (done < 0) break;
    if (!running && pendingSteps === 0 && done > 0) postInfo(); // a 'step' request is done
    if (running && stopAt > 0 && E._eng_sim_step_count() >= stopAt) { reachedStop(); break; }
  }
  const now = performance.now();
  rate.sliceMaxMs = Math.max(rate.sliceMaxMs, now - start);
  if (!hasSim) return;
  if (meshDirty && !meshInFlight && now - lastMeshAt >= (stepping() ? MESH_INTERVAL_MS : 0)) mesh();
  else if (slicesDirty && !meshDirty && now - lastSlicesAt >= SLICES_MS) postSlices();
  if (now - rate.since >= 500) postStats(now);
  schedule();
}

// A run reached its stopAt: paused exactly there.
function reachedStop() {
  running = false;
  stopAt = 0;
  postMessage({ type: 'stopped', step: E._eng_sim_step_count() });
  postStats(performance.now());
  postInfo();
}

// Keeps the loop alive while there is work; a paused, meshed state schedules nothing.
function schedule() {
  if (loopScheduled || !hasSim) return;
  if (labRunning || running || pendingSteps > 0 || meshDirty || slicesDirty) {
    loopScheduled = true;
    const waitForRate = running && maxRate > 0 && rateBudget < 1;
    const held = holdThreads ? 0 : holdUntil - performance.now();
    const delay = held > 0 ? held : waitForRate ? Math.min(100, 1000 / maxRate) : running || pendingSteps > 0 ? 0 : 5;
    if (delay === 0) nextSlice.port2.postMessage(0); // at once, after the messages waiting
    else loopTimer = setTimeout(() => { loopTimer = 0; loop(); }, delay);
  }
}

async function init(m) {
  const threads = int(m, 'threads', 1, 64);
  const want = Math.max(1, threads - 1); // emscripten's pool holds at least one
  if (!Array.isArray(m.ports) || m.ports.length !== want || !m.ports.every((p) => p instanceof MessagePort)) {
    throw new Error(`init: ports must hold ${want} MessagePorts (one per thread worker)`);
  }
  threadPorts = m.ports.slice();
  postMessage({ type: 'progress', stage: 'loading the engine', threadWorkers });
  const options = {
    poolThreads: threadPorts.length, // the thread workers the page started (PTHREAD_POOL_SIZE)
    mainScriptUrlOrBlob: new URL('engine.js', self.location.href).href,
    print: (t) => console.log(t),
    printErr: (t) => console.warn(t),
  };
  const starting = createEngine(options); // creates the thread workers synchronously
  postMessage({ type: 'progress', stage: `loading the engine: ${threadWorkers.created} thread workers`, threadWorkers });
  E = await starting;
  postMessage({ type: 'progress', stage: `starting ${threads} threads` });
  const size = E._eng_init(threads);
  if (size <= 0) { engineError('engine start'); E = null; return; }
  activeThreads = size;
  const doc = str(E._eng_schema_json());
  if (!doc) { engineError('engine start'); E = null; return; }
  schema = JSON.parse(doc);
  postMessage({ type: 'ready', poolSize: size, buildId: str(E._eng_build_id()), schema: doc });
}

const own = (obj, key) => typeof key === 'string' && Object.prototype.hasOwnProperty.call(obj, key);
const NO_SIM_NEEDED = new Set(['new', 'load', 'view', 'threads', 'mesh_taken', 'drawn', 'budget', 'run', 'speed', 'trace', 'save_trace', 'lab_cancel']);
const param = (key) => schema.params.find((p) => p.key === key);

// The text the engine stages for setting p from message m: checks the field's shape
// only (ranges and stability are the engine's to check, with their messages).
function settingText(m, p) {
  const v = m[p.key];
  switch (p.kind) {
    case 'real': case 'int':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${m.type}: ${p.key} must be a number, got ${JSON.stringify(v)}`);
      return String(v);
    case 'bool':
      if (typeof v !== 'boolean' && v !== 0 && v !== 1) throw new Error(`${m.type}: ${p.key} must be true or false`);
      return v ? 'true' : 'false';
    case 'seed':
      if (!(typeof v === 'string' && v.length <= schema.grammar.maxLength && new RegExp(schema.grammar.uint).test(v)) &&
          !(Number.isSafeInteger(v) && v >= 0)) {
        throw new Error(`${m.type}: ${p.key} must be a whole number 0..2^64-1 (a string for big ones), got ${JSON.stringify(v)}`);
      }
      return String(v);
    default: { // a choice, by its value
      const values = p.choices.map((c) => c.value);
      if (!((typeof v === 'string' || typeof v === 'number') && values.includes(String(v)))) {
        throw new Error(`${m.type}: ${p.key} must be one of ${values.join(', ')}`);
      }
      return String(v);
    }
  }
}

// Stages every field of m that is a setting applied by `applies` (all checked
// first, so a bad field stages nothing).
function stage(m, applies) {
  const texts = schema.params.filter((p) => applies.includes(p.apply) && own(m, p.key)).map((p) => [p.key, settingText(m, p)]);
  for (const [key, text] of texts) {
    if (!withCString(key, (k) => withCString(text, (t) => E._eng_stage(k, t)))) {
      throw new Error(`${m.type} refused: ${str(E._eng_last_error())}`);
    }
  }
}

function withCString(s, fn) {
  const len = E.lengthBytesUTF8(s) + 1;
  const p = E._malloc(len);
  try { E.stringToUTF8(s, p, len); return fn(p); } finally { E._free(p); }
}

// step: the state's step the file holds, for its name (the page's step readout lags a running
// simulation by up to a poll).
function takeFile(kind, step) {
  const ptr = E._eng_file_ptr() >>> 0;
  const bytes = E._eng_file_bytes() >>> 0;
  const copy = E.HEAPU8.slice(ptr, ptr + bytes).buffer;
  E._eng_file_release(); // the engine's copy is not needed any more (1 GiB at 512^3)
  postMessage({ type: 'file', kind, buffer: copy, step }, [copy]);
}

// ---- threads lab and timeline ----------------------------------------------------------

const LAB_BUSY = new Set(['new', 'params', 'step', 'threads', 'paint', 'paint_ray', 'load', 'hash', 'save', 'export_volume', 'lab_start', 'undo', 'redo']);

function postLab(status, error) {
  const lab = JSON.parse(str(E._eng_lab_json()));
  postMessage({ type: 'lab', running: status === 'running', status, progress: lab.progress, rows: lab.rows, error: error || '' });
}

// One slice of the lab (the live simulation waits; it is restored when the lab ends).
function labSlice() {
  const st = E._eng_lab_advance(SLICE_MS);
  if (st === 0) { postLab('running'); return; }
  const error = st === 2 ? str(E._eng_last_error()) : '';
  postLab(st === 1 ? 'done' : 'failed', error);
  E._eng_lab_end();
  labRunning = false;
  rate.since = performance.now();
  rate.steps = 0;
  rate.stepMs = 0;
}

let tracePhases = null;

const handlers = {
  new(m) {
    const side = param('size');
    const dims = ['nx', 'ny', 'nz'].map((key) => int(m, key, side.min, side.max));
    stage(m, ['reset', 'live']);
    const ok = E._eng_sim_new(...dims);
    if (!ok) { engineError('new simulation refused'); if (hasSim) postInfo(); return; }
    hasSim = true;
    pendingSteps = 0;
    meshDirty = true;
    // A big new grid's first mesh is the coarsest (quick to show); the next ones refine to the budget.
    budget.level = dims[0] * dims[1] * dims[2] > 128 ** 3 ? 4 : 1;
    clearHistory();
    newSeriesRun();
    postInfo();
  },
  params(m) {
    stage(m, ['live']);
    const ok = E._eng_sim_set_params();
    if (!ok) engineError('parameters refused');
    postInfo(); // the page shows what is in force, refused or not
  },
  view(m) {
    const was = JSON.parse(str(E._eng_view_json()));
    stage(m, ['view']);
    if (!E._eng_view_set()) { engineError('view refused'); return; }
    const now = JSON.parse(str(E._eng_view_json()));
    const changed = Object.keys(now).filter((k) => now[k] !== was[k]);
    if (changed.some((k) => !SLICE_SETTINGS.has(k) && !DRAWN_SETTINGS.has(k))) meshDirty = true;
    else if (changed.some((k) => SLICE_SETTINGS.has(k))) slicesDirty = true;
    postView();
  },
  run(m) {
    if (typeof m.on !== 'boolean') throw new Error('run: on must be true or false');
    const until = m.stopAt === undefined ? 0 : int(m, 'stopAt', 0, Number.MAX_SAFE_INTEGER);
    if (m.on && until > 0 && hasSim && until <= E._eng_sim_step_count()) {
      throw new Error(`run: stopAt ${until} is not after the current step ${E._eng_sim_step_count()}`);
    }
    stopAt = m.on ? until : 0;
    running = m.on;
    rateBudget = 0;
    rateSince = performance.now();
    if (!running) pendingSteps = 0; // a pause also ends a multi-step request
    rate.since = performance.now();
    rate.steps = 0;
    rate.stepMs = 0;
    if (!running) postStats(performance.now());
  },
  speed(m) {
    maxRate = num(m, 'stepsPerSecond', 0, 1e9);
    rateBudget = 0;
    rateSince = performance.now();
  },
  step(m) {
    // Queued and run in slices by loop(), so messages are answered in between.
    pendingSteps = Math.min(pendingSteps + int(m, 'n', 1, MAX_STEP_REQUEST), MAX_STEP_REQUEST);
  },
  threads(m) {
    const n = E._eng_set_threads(int(m, 'n', schema.threads.min, schema.threads.max));
    activeThreads = n;
    postMessage({ type: 'threads', active: n });
  },
  paint(m) {
    const at = [finite(m, 'x'), finite(m, 'y'), finite(m, 'z'), finite(m, 'radius'), finite(m, 'amount')];
    beforePaint(m);
    afterPaint(E._eng_sim_paint_brush(...at));
  },
  paint_ray(m) {
    const o = vec3(m, 'origin', 'paint_ray'), d = vec3(m, 'dir', 'paint_ray');
    const radius = finite(m, 'radius'), amount = finite(m, 'amount');
    const { axis, at } = planeOf(m, 'paint_ray');
    beforePaint(m);
    afterPaint(E._eng_sim_paint_ray_brush(o[0], o[1], o[2], d[0], d[1], d[2], radius, amount, axis, at[0], at[1], at[2]));
  },
  probe(m) {
    const o = vec3(m, 'origin', 'probe'), d = vec3(m, 'dir', 'probe');
    const { axis, at } = planeOf(m, 'probe');
    const id = m.id === undefined ? 0 : int(m, 'id', 0, Number.MAX_SAFE_INTEGER);
    // The lab holds its own states meanwhile: nothing of the live one to show.
    if (labRunning) { postMessage({ type: 'probe', id, probe: null }); return; }
    const json = E._eng_sim_probe_ray(o[0], o[1], o[2], d[0], d[1], d[2], axis, at[0], at[1], at[2]);
    if (!json) { engineError('probe refused'); return; }
    postMessage({ type: 'probe', id, probe: JSON.parse(str(json)) });
  },
  undo() { travel(history.undo, history.redo, 'undo'); },
  redo() { travel(history.redo, history.undo, 'redo'); },
  hash() {
    const t0 = performance.now();
    const hex = str(E._eng_sim_hash_hex());
    if (!hex) { engineError('hash'); return; }
    // ms: the hashing itself (about a second for the 1 GiB of a 512^3 state)
    postMessage({ type: 'hash', hex, step: JSON.parse(str(E._eng_sim_info_json())).step, ms: performance.now() - t0 });
  },
  save() {
    if (!E._eng_sim_save()) { engineError('save'); return; }
    takeFile('rds', E._eng_sim_step_count());
  },
  export_volume() {
    if (!E._eng_volume_export()) { engineError('volume export'); return; }
    takeFile('vti', E._eng_sim_step_count());
  },
  load(m) {
    if (!(m.buffer instanceof ArrayBuffer)) throw new Error('load: buffer must be an ArrayBuffer');
    const bytes = new Uint8Array(m.buffer);
    const maxBytes = E._eng_file_max_bytes() >>> 0; // the engine's largest state file (512^3)
    if (bytes.length > maxBytes) {
      throw new Error(`load refused: ${bytes.length} bytes is more than the largest state file (${maxBytes} bytes, 512^3)`);
    }
    const p = E._malloc(Math.max(1, bytes.length)) >>> 0;
    if (!p) { fail(`load refused: out of memory for ${bytes.length} bytes`); return; }
    let ok;
    try {
      E.HEAPU8.set(bytes, p);
      ok = E._eng_sim_load(p, bytes.length);
    } finally {
      E._free(p);
    }
    if (!ok) { engineError('load refused'); return; }
    pendingSteps = 0;
    hasSim = true;
    meshDirty = true;
    { const i = JSON.parse(str(E._eng_sim_info_json())); budget.level = i.nx * i.ny * i.nz > 128 ** 3 ? 4 : 1; } // as for 'new'
    clearHistory();
    newSeriesRun();
    postInfo();
  },
  export_mesh(m) {
    const exts = schema.formats.map((f) => f.ext);
    if (!exts.includes(m.format)) throw new Error(`export_mesh: format must be one of ${exts.join(', ')}`);
    // The drawn mesh may be coarse (the budget): an export is meshed at full resolution.
    const remesh = budget.drawn > 1;
    if (remesh && !E._eng_sim_mesh()) { engineError('mesh export'); return; }
    if (!withCString(m.format, (p) => E._eng_mesh_export(p))) { engineError('mesh export'); return; }
    takeFile(m.format, remesh ? E._eng_sim_step_count() : meshStep);
  },
  mesh_taken(m) {
    if (m.hold !== undefined && typeof m.hold !== 'boolean') throw new Error('mesh_taken: hold must be true or false');
    meshInFlight = false;
    if (m.hold && !holdUntil && !labRunning) {
      holdFrom = performance.now(), holdUntil = holdFrom + HOLD_MAX_MS;
      holdThreads = activeThreads >> 1;
      if (holdThreads) E._eng_set_threads(holdThreads);
    }
  },
  drawn() {
    if (!holdUntil) return;
    endHold(performance.now(), false);
    if (loopTimer) { clearTimeout(loopTimer); loopTimer = 0; loopScheduled = false; } // the held wait ends now
    schedule();
  },
  budget(m) {
    // {type:'budget', triangles?, full?}: the drawing budget (see mesh()); a change re-meshes.
    if (m.triangles !== undefined) budget.triangles = int(m, 'triangles', 1000, 1e9);
    if (m.full !== undefined) {
      if (typeof m.full !== 'boolean') throw new Error('budget: full must be true or false');
      budget.full = m.full;
    }
    budget.level = budget.full ? 1 : budget.level;
    meshDirty = true;
  },
  lab_start(m) {
    const max = E._eng_pool_size();
    const t = m.threads;
    const L = schema.lab; // engine/lab.h's limits
    if (!Array.isArray(t) || t.length < 1 || t.length > L.maxRows || !t.every((n) => Number.isInteger(n) && n >= 1 && n <= max)) {
      throw new Error(`lab_start: threads must be a list of 1..${L.maxRows} whole numbers 1..${max}`);
    }
    const steps = int(m, 'steps', 1, L.maxSteps);
    if (holdUntil) endHold(performance.now(), false); // the lab keeps (and gives back) the active threads it finds
    if (!withCString(t.join(','), (p) => E._eng_lab_start(p, steps))) { engineError('threads lab refused'); return; }
    labRunning = true;
    postLab('running');
  },
  lab_cancel() {
    if (!labRunning) return;
    postLab('cancelled');
    E._eng_lab_end(); // the live state is back as it was
    labRunning = false;
  },
  trace(m) {
    const since = num(m, 'since', 0, Number.MAX_VALUE);
    if (!tracePhases) tracePhases = JSON.parse(str(E._eng_trace_phases_json()));
    const n = E._eng_trace_snapshot(since);
    if (n < 0) { engineError('trace'); return; }
    const ptr = E._eng_trace_ptr() >>> 0;
    const events = new Float64Array(E.HEAPU8.slice(ptr, ptr + n * 32).buffer); // a copy out of the shared heap
    postMessage({ type: 'trace', now: E._eng_trace_now_us(), phases: tracePhases, workers: E._eng_pool_size(), events }, [events.buffer]);
  },
  save_trace(m) {
    const seconds = num(m, 'seconds', 0.001, 3600);
    if (!E._eng_trace_json(Math.max(0, E._eng_trace_now_us() - seconds * 1e6))) { engineError('save trace'); return; }
    takeFile('json');
  },
};

onmessage = (ev) => {
  const m = ev.data;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') { fail('message without a type'); return; }
  if (m.type === 'init') {
    if (E) { fail('init: the engine is already running'); return; }
    init(m).catch((e) => fail(`engine failed to start: ${e && e.message ? e.message : e}`));
    return;
  }
  if (!E) { fail(`${m.type}: the engine is not started yet`); return; }
  const h = own(handlers, m.type) ? handlers[m.type] : null;
  if (!h) { fail(`unknown message type '${m.type}'`); return; }
  if (!hasSim && !NO_SIM_NEEDED.has(m.type)) { fail(`${m.type}: there is no simulation yet (send 'new' or 'load')`); return; }
  if (labRunning && LAB_BUSY.has(m.type)) { fail(`${m.type}: the threads lab is running (cancel it or wait for it)`); return; }
  try {
    h(m);
  } catch (e) {
    fail(e.message);
  }
  schedule();
};
