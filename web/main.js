// main.js: the page on the browser's main thread. It checks that the browser can
// run the app (cross-origin isolation, WASM threads and SIMD, WebGL2) and says
// plainly what is missing; starts the compute worker (engine + thread pool); loads
// the app (C + SDL2 + WebGL2) and hands it the meshes the worker transfers; and
// wires the controls. Settings live in the URL hash, so a link reproduces a run.
// Test hooks: window.rd holds the live state read by tests/e2e.
'use strict';

const MAX_THREADS = 16; // the URL's ?threads= cap

const rd = (window.rd = {
  ready: false,        // worker and app both up
  poolSize: 0,         // threads the engine's pool runs (worker 0 included)
  stage: '',           // the worker's start-up stage
  startAttempts: 0,    // compute workers started (more than 1 after a stalled start)
  viewNotes: [],       // texts shown in the middle of the view
  stalls: [],          // {stage, threadWorkers} of each start the watchdog abandoned
  threadWorkers: null, // {created, loaded, failed}: the engine's thread workers while it starts
  engineStarts: 0,     // engines started in this page (restarts give memory back)
  heapBytes: 0,        // the engine's WASM heap as last reported
  activeThreads: 0,
  buildId: '',
  glVersion: '',
  presets: [],
  info: null,          // the simulation as the engine describes it (dims, params, step)
  stats: null,         // latest speed figures from the worker
  meshesReceived: 0,
  meshesDrawn: 0,
  framesDrawn: 0,
  triangles: 0,
  hash: null,          // {hex, step} of the last hash request
  lastFile: null,      // {kind, buffer} of the last saved state or exported mesh
  errors: [],          // engine errors shown to the user
  problems: [],        // blocking problems shown in the big box
  pendingMesh: null,   // newest transferred mesh ArrayBuffer, taken by the app
  worker: null,
});

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// The note in the middle of the view (empty: hidden). Each text shown is kept in rd.viewNotes.
function viewNote(text) {
  const n = $('view-note');
  if (n.textContent === text && n.hidden === !text) return;
  n.textContent = text;
  n.hidden = !text;
  if (text) rd.viewNotes.push(text);
}

function showProblem(title, html) {
  rd.problems.push(title);
  const box = $('problem');
  box.insertAdjacentHTML('beforeend', `<h2>${esc(title)}</h2>${html}`);
  box.hidden = false;
}

// The message over the view: every outcome, success or refusal. It clears itself
// (errors stay longer), and a new action clears the previous one (say('')).
const SAY_MS = 5000, SAY_ERROR_MS = 12000;
let sayTimer = 0;
function say(text, isError = false) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('bad', isError);
  m.hidden = !text;
  clearTimeout(sayTimer);
  if (text) sayTimer = setTimeout(() => { m.hidden = true; m.textContent = ''; }, isError ? SAY_ERROR_MS : SAY_MS);
}

// ---- browser checks -------------------------------------------------------------

// Smallest module using a SIMD128 instruction: (func (result v128) i32.const 0 i8x16.splat).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

// Returns [{title, html}] for everything this browser or this way of serving lacks.
function checkBrowser() {
  const missing = [];
  if (!window.crossOriginIsolated) {
    missing.push({ title: 'This page is not cross-origin isolated',
      html: '<p>WASM threads need <code>SharedArrayBuffer</code>, which browsers only allow on ' +
        'cross-origin isolated pages. Serve the app with <code>make serve</code> (Caddy sends the ' +
        '<code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: ' +
        'require-corp</code> headers) and open <code>http://localhost:8080/</code>.</p>' });
  } else if (typeof SharedArrayBuffer === 'undefined') {
    missing.push({ title: 'SharedArrayBuffer is unavailable',
      html: '<p>This browser does not offer SharedArrayBuffer even though the page is isolated. ' +
        'Use a current Chromium (92+) or Firefox (79+).</p>' });
  }
  let wasmOk = typeof WebAssembly === 'object';
  if (wasmOk && typeof SharedArrayBuffer !== 'undefined') {
    try { new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }); } catch (e) { wasmOk = false; }
  }
  if (!wasmOk || !WebAssembly.validate(SIMD_PROBE)) {
    missing.push({ title: 'WebAssembly threads or SIMD are missing',
      html: '<p>The engine needs WebAssembly with threads (shared memory) and SIMD128. ' +
        'Use Chromium 91+ or Firefox 89+.</p>' });
  }
  if (!document.createElement('canvas').getContext('webgl2')) {
    missing.push({ title: 'WebGL2 is not available',
      html: '<p>The 3D view needs WebGL2. Turn on hardware acceleration in the browser settings ' +
        '(or check <code>chrome://gpu</code> / <code>about:support</code>), or try another browser.</p>' });
  }
  return missing;
}

function requestedThreads() {
  const param = new URLSearchParams(location.search).get('threads');
  const fallback = Math.min(Math.max(1, navigator.hardwareConcurrency || 4), 8);
  if (param === null) return fallback;
  const n = Number(param);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    showProblem('Bad threads parameter', `<p><code>?threads=${esc(param)}</code> must be a whole ` +
      `number from 1 to ${MAX_THREADS}; using ${fallback}.</p>`);
    setTimeout(() => { $('problem').hidden = true; }, 6000);
    return fallback;
  }
  return n;
}

// ---- settings: the controls' values, mirrored in the URL hash ---------------------

const PARAM_KEYS = ['F', 'k', 'Du', 'Dv', 'dt', 'stencil'];
const GRID_KEYS = ['size', 'boundary', 'seedMode', 'seed'];
const VIEW_KEYS = ['iso', 'scalar', 'close'];

// Numbers a person types follow the CLI's grammar (engine/num.h): a decimal real, the
// whole string, at most 63 characters; anything else (empty, '0x10', '+1', 'Infinity')
// is NaN, which the worker refuses with a message instead of reading it as 0.
const REAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const real = (text) => (text.length <= 63 && REAL.test(text) ? Number(text) : NaN);

function readControls() {
  const s = {};
  for (const key of ['F', 'k', 'Du', 'Dv', 'dt', 'iso']) s[key] = real($(key).value);
  for (const key of ['stencil', 'size', 'boundary', 'scalar']) s[key] = Number($(key).value);
  s.seedMode = $('seedMode').value;
  s.seed = $('seed').value; // decimal digits only (the worker checks), as rdsim --seed
  s.close = $('close').checked;
  s.preset = $('preset').value;
  return s;
}

function writeControls(s) {
  for (const [key, v] of Object.entries(s)) {
    const el = $(key);
    if (!el || v === undefined) continue;
    if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === String(v))) {
      el.add(new Option(String(v), String(v))); // e.g. a size from a link that the list lacks
    }
    if (el.type === 'checkbox') el.checked = v === true || v === 'true' || v === '1';
    else if (typeof v === 'number' && !Number.isInteger(v)) el.value = String(Number(v.toPrecision(6)));
    else el.value = String(v);
  }
  for (const out of document.querySelectorAll('output[for]')) out.textContent = $(out.htmlFor).value;
}

function settingsToHash(s) {
  const p = new URLSearchParams();
  for (const key of ['preset', ...PARAM_KEYS, ...GRID_KEYS, ...VIEW_KEYS]) p.set(key, String(s[key]));
  return '#' + p.toString();
}

function settingsFromHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const s = {};
  for (const [key, v] of p) s[key] = v;
  return s;
}

// Mirrors the settings in the URL hash, so the address bar always holds a link to this run.
function keepInLink(s = readControls()) {
  history.replaceState(null, '', settingsToHash(s));
}

function applyPreset(name) {
  const p = rd.presets.find((x) => x.name === name);
  if (!p) return false;
  writeControls({ preset: p.name, F: p.F, k: p.k, Du: p.Du, Dv: p.Dv, dt: p.dt, stencil: p.stencil, seedMode: p.seed_mode });
  $('preset-source').textContent = p.source;
  return true;
}

// ---- worker -------------------------------------------------------------------------

function send(msg, transfer) { rd.worker.postMessage(msg, transfer || []); }

// A WASM heap only grows. When a much smaller grid follows a big one, a fresh engine
// (worker) is started for it, so that the memory goes back to the system.
const GIVE_BACK_MIN_HEAP = 1 << 30; // heaps below 1 GiB are kept
const ENGINE_BYTES_PER_CELL = 24;   // U, V and their next buffers (16 B) and meshing
function wantsFreshEngine(cells) {
  const need = cells * ENGINE_BYTES_PER_CELL + (64 << 20);
  return rd.heapBytes > GIVE_BACK_MIN_HEAP && rd.heapBytes > 4 * need;
}

// Replaces the engine with a fresh one of the same pool size; then() runs when it is
// ready, in place of the start-up's defaults (the controls keep what they show).
function restartEngine(then) {
  const threads = rd.poolSize, active = rd.activeThreads;
  rd.worker.terminate();
  rd.poolSize = 0;
  rd.heapBytes = 0;
  rd.afterStart = () => {
    if (active < threads) send({ type: 'threads', n: active });
    then();
    send({ type: 'run', on: rd.running });
  };
  startWorker(threads);
}

function newSimulation() {
  const s = readControls();
  say('');
  if (wantsFreshEngine(s.size ** 3)) { restartEngine(newSimulation); return; }
  send({ type: 'new', nx: s.size, ny: s.size, nz: s.size, boundary: s.boundary, stencil: s.stencil,
    F: s.F, k: s.k, Du: s.Du, Dv: s.Dv, dt: s.dt, seed: s.seed || '1', seedMode: s.seedMode });
  sendView();
  keepInLink(s);
}

function sendParams() {
  const s = readControls();
  say('');
  send({ type: 'params', F: s.F, k: s.k, Du: s.Du, Dv: s.Dv, dt: s.dt, stencil: s.stencil });
  keepInLink(s);
}

function sendView() {
  const s = readControls();
  say('');
  send({ type: 'view', iso: s.iso, scalar: s.scalar, close: s.close });
  keepInLink(s);
}

function setRunning(on) {
  rd.running = on;
  $('btn-run').textContent = on ? 'Pause' : 'Play';
  send({ type: 'run', on });
}

function download(buffer, name, mime) {
  const url = URL.createObjectURL(new Blob([buffer], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function fileName(ext) {
  const i = rd.info;
  return i ? `grayscott-${i.nx}x${i.ny}x${i.nz}-step${i.step}.${ext}` : `grayscott.${ext}`;
}

function onWorkerMessage(ev) {
  const m = ev.data;
  if (!m || typeof m.type !== 'string') return;
  switch (m.type) {
    case 'progress':
      rd.stage = m.stage;
      if (!rd.meshesDrawn) viewNote(`Starting the engine: ${m.stage}…`);
      if (m.threadWorkers) rd.threadWorkers = m.threadWorkers;
      rd.creatingSince = m.creating ? performance.now() : 0;
      say(`Engine: ${m.stage}…`);
      break;
    case 'ready': {
      rd.stage = 'ready';
      say('');
      rd.engineStarts++;
      rd.poolSize = m.poolSize;
      rd.activeThreads = m.poolSize;
      if (rd.afterStart) { // a restart: the page is set up already
        const then = rd.afterStart;
        rd.afterStart = null;
        then();
        break;
      }
      rd.buildId = m.buildId;
      rd.presets = m.presets;
      $('stat-pool').textContent = String(m.poolSize);
      $('stat-build').textContent = m.buildId;
      document.querySelector('header').title = `build ${m.buildId}`;
      $('threads').max = String(m.poolSize);
      $('preset').innerHTML = m.presets.map((p) => `<option>${esc(p.name)}</option>`).join('');
      // Defaults, then the preset named in the link, then the link's own values.
      const fromLink = settingsFromHash();
      writeControls({ size: 96, boundary: 0, seed: '1', iso: 0.25, scalar: 1, close: true, threads: m.poolSize });
      if (!applyPreset(fromLink.preset)) applyPreset(m.presets[0].name);
      writeControls(fromLink);
      for (const b of document.querySelectorAll('button')) b.disabled = false;
      $('load').disabled = false;
      newSimulation();
      setRunning(fromLink.paused !== '1');
      break;
    }
    case 'info':
      rd.info = m.info;
      rd.heapBytes = m.heapBytes;
      $('stat-step').textContent = String(m.info.step);
      // Show the parameters in force (a refused change snaps the controls back).
      writeControls({ F: m.info.F, k: m.info.k, Du: m.info.Du, Dv: m.info.Dv, dt: m.info.dt, stencil: m.info.stencil });
      if (rd.loading) { // the panel and the link now describe the loaded grid
        const i = m.info, cube = i.nx === i.ny && i.ny === i.nz;
        writeControls({ ...(cube ? { size: i.nx } : {}), boundary: i.boundary, seed: i.seed });
        keepInLink();
        say(`Loaded ${rd.loading}: ${i.nx}×${i.ny}×${i.nz} at step ${i.step}.` +
          (cube ? '' : ' Reset makes a cube of the size in the panel.'));
        rd.loading = null;
      }
      break;
    case 'mesh':
      rd.meshesReceived++;
      rd.pendingMesh = m.buffer; // the app takes it on its next frame
      $('stat-mesh').textContent = `${m.meshMs.toFixed(1)} ms`;
      break;
    case 'stats':
      showWorkers(rd.stats && rd.stats.pool, m.pool);
      rd.stats = m;
      if (rd.info) rd.info.step = m.step;
      $('stat-step').textContent = String(m.step);
      $('stat-sps').textContent = m.running ? m.stepsPerSec.toFixed(0) : '–';
      $('stat-cells').textContent = m.running ? (m.cellsPerSec / 1e6).toFixed(0) : '–';
      $('stat-stepms').textContent = m.stepMs ? `${m.stepMs.toFixed(2)} ms` : '–';
      break;
    case 'threads':
      rd.activeThreads = m.active;
      $('stat-pool').textContent = `${m.active}/${rd.poolSize}`;
      break;
    case 'hash':
      rd.hash = { hex: m.hex, step: m.step };
      $('hash').textContent = `state_hash ${m.hex} at step ${m.step}`;
      break;
    case 'file': {
      rd.lastFile = { kind: m.kind, buffer: m.buffer };
      const mime = m.kind === 'obj' ? 'text/plain' : 'application/octet-stream';
      download(m.buffer, fileName(m.kind), mime);
      say(`Saved ${fileName(m.kind)} (${(m.buffer.byteLength / 1048576).toFixed(1)} MB).`);
      break;
    }
    case 'error':
      rd.errors.push(m.message);
      if (/^load/.test(m.message)) rd.loading = null;
      say(m.message, true);
      if (/simulation stopped/.test(m.message)) setRunning(false);
      break;
  }
}

const START_ATTEMPTS = 5;
const START_TIMEOUT_MS = 15000;   // a normal start takes about a second
const CREATE_STALL_MS = 3000;     // creating one thread worker takes milliseconds

// One bar per pool thread: its busy share since the previous stats message, and
// how many tasks it stole from others in that time.
function showWorkers(before, now) {
  if (!before || !now || before.length !== now.length) return;
  $('workers').innerHTML = now.map((w, i) => {
    const busy = w.busy_ms - before[i].busy_ms, idle = w.idle_ms - before[i].idle_ms;
    const share = busy + idle > 0 ? busy / (busy + idle) : 0;
    const stolen = w.stolen - before[i].stolen;
    return `<span>${i}</span><div class="bar" title="thread ${i}: ${(share * 100).toFixed(0)}% busy, ` +
      `${stolen} steals"><span style="width:${(share * 100).toFixed(1)}%"></span></div><span>${stolen} st</span>`;
  }).join('');
}

// The compute worker's start is watched. Firefox (153) can hang for good inside the
// constructor of one of the engine's thread workers while the engine workers of a page
// that just closed (a reload, a closed tab) are still being torn down: seen in 3-7 of
// 15 starts in a row at ?threads=9, and in none of 15 when each start waited 3 s after
// the previous page closed (tests/e2e/starts.mjs --gap-ms 3000). So a start that stays
// in that constructor for CREATE_STALL_MS, or has not reported ready after
// START_TIMEOUT_MS, is abandoned and tried again with a fresh worker.
function startWorker(threads, attempt = 1) {
  const worker = new Worker('compute_worker.js');
  rd.worker = worker;
  rd.startAttempts = attempt;
  rd.creatingSince = 0;
  worker.onmessage = onWorkerMessage;
  worker.onerror = (e) => showProblem('The compute worker failed',
    `<p>${esc(e.message || 'engine.js could not be loaded')}. Rebuild and serve with <code>make serve</code>.</p>`);
  // Stop the engine and its thread workers as soon as the page goes away.
  window.addEventListener('pagehide', () => worker.terminate());
  worker.postMessage({ type: 'init', threads });
  const errorsBefore = rd.errors.length;
  const started = performance.now();
  const watch = setInterval(() => {
    if (rd.poolSize || rd.worker !== worker || rd.errors.length > errorsBefore) { clearInterval(watch); return; }
    const now = performance.now();
    const stuck = (rd.creatingSince && now - rd.creatingSince > CREATE_STALL_MS) || now - started > START_TIMEOUT_MS;
    if (!stuck) return;
    clearInterval(watch);
    worker.terminate();
    rd.stalls.push({ stage: rd.stage, threadWorkers: rd.threadWorkers, ms: Math.round(now - started) });
    if (attempt < START_ATTEMPTS) {
      say(`The engine stalled at “${rd.stage || 'loading'}”; starting it again (${attempt + 1}/${START_ATTEMPTS})…`);
      startWorker(threads, attempt + 1);
    } else {
      showProblem('The engine did not start', `<p>The compute worker stalled at “${esc(rd.stage || 'loading')}” ` +
        `${START_ATTEMPTS} times. Close other tabs of this app and reload; if it persists, try fewer threads ` +
        `with <code>?threads=2</code>.</p>`);
    }
  }, 250);
}

// ---- app (C + SDL2 + WebGL2) -----------------------------------------------------------

let pictureWanted = false;

function startApp() {
  let fpsFrames = 0, fpsSince = performance.now();
  rd.onReady = (glVersion) => { rd.glVersion = glVersion; };
  rd.onFail = (message) => showProblem('The 3D view failed', `<p>${esc(message)}</p>`);
  rd.onPaint = (origin, dir) => {
    if (rd.worker) {
      send({ type: 'paint_ray', origin, dir, radius: Number($('paintRadius').value), amount: Number($('paintAmount').value) });
    }
  };
  rd.onFrame = (triangles, hadNewMesh) => {
    rd.framesDrawn++;
    if (hadNewMesh) {
      rd.meshesDrawn++;
      send({ type: 'mesh_taken' });
    }
    rd.triangles = triangles;
    if (hadNewMesh) { // say why the view is empty, rather than showing nothing
      viewNote(triangles > 0 ? '' : `Nothing in V reaches the isovalue ${$('iso').value} yet: ` +
        'press Play to let the pattern grow, or lower the isovalue.');
    }
    rd.ready = rd.poolSize > 0 && rd.glVersion !== '';
    if (pictureWanted) { // right after the draw, while the drawing buffer holds the frame
      pictureWanted = false;
      $('canvas').toBlob((blob) => download(blob, fileName('png'), 'image/png'), 'image/png');
    }
    fpsFrames++;
    const now = performance.now();
    if (now - fpsSince >= 1000) {
      $('stat-fps').textContent = (fpsFrames * 1000 / (now - fpsSince)).toFixed(0);
      $('stat-tris').textContent = triangles.toLocaleString('en');
      fpsFrames = 0;
      fpsSince = now;
    }
  };
  const script = document.createElement('script');
  script.src = 'app.js';
  script.onload = () => {
    createApp({ canvas: $('canvas'), rd, print: (t) => console.log(t), printErr: (t) => console.warn(t) })
      .then((app) => { rd.app = app; })
      .catch((e) => rd.onFail(e && e.message ? e.message : String(e)));
  };
  script.onerror = () => showProblem('app.js failed to load', '<p>Rebuild and serve with <code>make serve</code>.</p>');
  document.body.appendChild(script);
}

// ---- controls -------------------------------------------------------------------------

function wireControls() {
  $('btn-run').onclick = () => setRunning(!rd.running);
  $('btn-step').onclick = () => { setRunning(false); send({ type: 'step', n: 1 }); };
  $('btn-reset').onclick = () => newSimulation();
  $('preset').onchange = () => { applyPreset($('preset').value); newSimulation(); };
  for (const key of PARAM_KEYS) $(key).addEventListener('change', sendParams);
  for (const key of ['F', 'k']) $(key).addEventListener('input', () => { writeControls({}); sendParams(); });
  for (const key of GRID_KEYS) $(key).addEventListener('change', () => keepInLink());
  $('iso').addEventListener('input', () => { writeControls({}); sendView(); });
  for (const key of ['scalar', 'close']) $(key).addEventListener('change', sendView);
  for (const key of ['paintRadius', 'paintAmount']) $(key).addEventListener('input', () => writeControls({}));
  $('threads').addEventListener('input', () => { writeControls({}); send({ type: 'threads', n: Number($('threads').value) }); });
  $('btn-hash').onclick = () => send({ type: 'hash' });
  $('btn-save').onclick = () => send({ type: 'save' });
  $('btn-mesh').onclick = () => send({ type: 'export_mesh', format: $('mesh-format').value });
  $('btn-png').onclick = () => { pictureWanted = true; };
  $('btn-link').onclick = async () => {
    const url = location.href.split('#')[0] + settingsToHash(readControls());
    history.replaceState(null, '', url);
    try { await navigator.clipboard.writeText(url); say('Link copied.'); } catch { say(`Link: ${url}`); }
  };
  // The Load label is a button for the keyboard too (its file input is hidden).
  $('load-label').addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && !$('load').disabled) { e.preventDefault(); $('load').click(); }
  });
  $('load').onchange = async () => {
    const f = $('load').files[0];
    if (!f) return;
    const buffer = await f.arrayBuffer();
    $('load').value = '';
    const load = () => { say(''); rd.loading = f.name; send({ type: 'load', buffer }, [buffer]); };
    // A state file holds 8 bytes per cell: a much smaller grid gets a fresh engine.
    if (wantsFreshEngine(buffer.byteLength / 8)) restartEngine(load); else load();
  };
  // The view takes the keyboard when it is used with the mouse (R resets the camera:
  // SDL reads keys on the canvas only).
  $('canvas').addEventListener('pointerdown', () => $('canvas').focus());
  // Alt-click paints: caught before SDL sees it (so it does not also orbit).
  $('view').addEventListener('mousedown', (e) => {
    if (!e.altKey || !rd.app) return;
    e.stopPropagation();
    e.preventDefault();
    const r = $('canvas').getBoundingClientRect();
    rd.app._app_paint_at((e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }, true);
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || !rd.worker) return;
    if (e.key === ' ') { e.preventDefault(); setRunning(!rd.running); }
    else if (e.key === '.') $('btn-step').click(); // pauses, then one step, as the button does
    else if (e.key === 'Backspace') newSimulation();
  });
}

const missing = checkBrowser();
if (missing.length) {
  for (const m of missing) showProblem(m.title, m.html);
} else {
  wireControls();
  viewNote('Starting the engine…');
  startWorker(requestedThreads());
  startApp();
}
