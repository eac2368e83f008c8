// main.js: the page on the browser's main thread. It checks that the browser can
// run the app (cross-origin isolation, WASM threads and SIMD, WebGL2) and says
// plainly what is missing; starts the compute worker (engine, thread pool); loads
// the app (C + SDL2 + WebGL2) and hands it the meshes the worker transfers.
// Test hooks: window.rd holds the live state read by tests/e2e.
'use strict';

const MAX_THREADS = 16; // keep in step with the engine's PTHREAD_POOL_SIZE cap in the Makefile

const rd = (window.rd = {
  ready: false,        // worker and app both up
  poolSize: 0,         // threads the engine's pool runs (worker 0 included)
  buildId: '',
  glVersion: '',
  meshesReceived: 0,
  meshesDrawn: 0,
  framesDrawn: 0,
  triangles: 0,
  problems: [],        // messages shown to the user
  pendingMesh: null,   // newest transferred mesh ArrayBuffer, taken by the app
});

const $ = (id) => document.getElementById(id);

function showProblem(title, html) {
  rd.problems.push(title);
  const box = $('problem');
  box.innerHTML = `<h2>${title}</h2>${html}`;
  box.hidden = false;
}

// Smallest module using a SIMD128 instruction: (func (result v128) i32.const 0 i8x16.splat).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

// Returns a list of {title, html} for everything this browser lacks.
function checkBrowser() {
  const missing = [];
  const serveHint = 'Serve the app with <code>make serve</code> (Caddy sends the ' +
    '<code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: ' +
    'require-corp</code> headers) and open <code>http://localhost:8080/</code>.';
  if (!window.crossOriginIsolated) {
    missing.push({ title: 'This page is not cross-origin isolated',
      html: `<p>WASM threads need <code>SharedArrayBuffer</code>, which browsers only allow on ` +
        `cross-origin isolated pages. ${serveHint}</p>` });
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
  const hw = Math.max(1, navigator.hardwareConcurrency || 4);
  if (param === null) return Math.min(hw, 8);
  const n = Number(param);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    showProblem('Bad threads parameter', `<p><code>?threads=${String(param).replace(/[<&>]/g, '')}</code> ` +
      `must be a whole number from 1 to ${MAX_THREADS}; using ${Math.min(hw, 8)}.</p>`);
    return Math.min(hw, 8);
  }
  return n;
}

function startWorker(threads) {
  const worker = new Worker('compute_worker.js');
  worker.onmessage = (ev) => {
    const m = ev.data;
    if (!m || typeof m.type !== 'string') return;
    switch (m.type) {
      case 'ready':
        rd.poolSize = m.poolSize;
        rd.buildId = m.buildId;
        $('stat-pool').textContent = String(m.poolSize);
        $('stat-build').textContent = m.buildId;
        worker.postMessage({ type: 'demo_mesh' });
        break;
      case 'mesh':
        rd.meshesReceived++;
        rd.pendingMesh = m.buffer; // the app takes it on its next frame
        $('stat-mesh').textContent = `${m.ms.toFixed(1)} ms, ${(m.buffer.byteLength / 1048576).toFixed(2)} MB`;
        break;
      case 'error':
        showProblem('The engine reported an error', `<p>${String(m.message).replace(/[<&>]/g, '')}</p>`);
        break;
    }
  };
  worker.onerror = (e) => showProblem('The compute worker failed', `<p>${String(e.message).replace(/[<&>]/g, '')}</p>`);
  worker.postMessage({ type: 'init', threads });
  return worker;
}

function startApp() {
  let fpsFrames = 0, fpsSince = performance.now();
  rd.onReady = (glVersion) => { rd.glVersion = glVersion; };
  rd.onFail = (message) => showProblem('The 3D view failed', `<p>${String(message).replace(/[<&>]/g, '')}</p>`);
  rd.onFrame = (triangles, hadNewMesh) => {
    rd.framesDrawn++;
    if (hadNewMesh) rd.meshesDrawn++;
    rd.triangles = triangles;
    rd.ready = rd.poolSize > 0 && rd.glVersion !== '';
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
    createApp({
      canvas: $('canvas'),
      rd,
      print: (t) => console.log(t),
      printErr: (t) => console.warn(t),
    }).catch((e) => rd.onFail(e && e.message ? e.message : String(e)));
  };
  script.onerror = () => showProblem('app.js failed to load', '<p>Rebuild with <code>make serve</code>.</p>');
  document.body.appendChild(script);
}

const missing = checkBrowser();
if (missing.length) {
  for (const m of missing) showProblem(m.title, m.html);
  // Show every problem, not just the last one.
  $('problem').innerHTML = missing.map((m) => `<h2>${m.title}</h2>${m.html}`).join('');
} else {
  startWorker(requestedThreads());
  startApp();
}
