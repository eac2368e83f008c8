// compute_worker.js: the one Web Worker that hosts the engine (one WASM instance,
// its pthread pool started at start-up). It answers the page's messages and
// transfers finished meshes: each mesh is copied out of the WASM heap once (a
// shared WASM memory cannot be detached) and that copy is transferred.
//
// Page -> worker: {type:'init', threads}, {type:'demo_mesh', size?, iso?}
// Worker -> page: {type:'ready', poolSize, buildId}, {type:'mesh', buffer, ms},
//                 {type:'error', message}
'use strict';

importScripts('engine.js');

let engine = null;

function fail(message) {
  postMessage({ type: 'error', message });
}

async function init(threads) {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    fail(`init: threads must be a whole number from 1 to 64, got ${threads}`);
    return;
  }
  engine = await createEngine({
    // Pool threads beyond worker 0 are pre-started Web Workers (PTHREAD_POOL_SIZE).
    poolThreads: threads - 1,
    mainScriptUrlOrBlob: new URL('engine.js', self.location.href).href,
    print: (t) => console.log(t),
    printErr: (t) => console.warn(t),
  });
  const size = engine._eng_init(threads);
  if (size <= 0) {
    fail(engine.UTF8ToString(engine._eng_last_error()));
    return;
  }
  postMessage({ type: 'ready', poolSize: size, buildId: engine.UTF8ToString(engine._eng_build_id()) });
}

function demoMesh(size, iso) {
  const t0 = performance.now();
  if (!engine._eng_demo_mesh(size, iso)) {
    fail(engine.UTF8ToString(engine._eng_last_error()));
    return;
  }
  const ptr = engine._eng_mesh_ptr();
  const bytes = engine._eng_mesh_bytes();
  const copy = engine.HEAPU8.slice(ptr, ptr + bytes).buffer; // the one copy out of the heap
  postMessage({ type: 'mesh', buffer: copy, ms: performance.now() - t0 }, [copy]);
}

onmessage = (ev) => {
  const m = ev.data;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') {
    fail('message without a type');
    return;
  }
  if (m.type === 'init') {
    if (engine) { fail('init: the engine is already running'); return; }
    init(m.threads).catch((e) => fail(`engine failed to start: ${e && e.message ? e.message : e}`));
    return;
  }
  if (!engine) { fail(`${m.type}: the engine is not started yet`); return; }
  switch (m.type) {
    case 'demo_mesh': {
      const size = m.size === undefined ? 96 : m.size;
      const iso = m.iso === undefined ? 0.3 : m.iso;
      if (!Number.isInteger(size) || typeof iso !== 'number' || !Number.isFinite(iso)) {
        fail('demo_mesh: size must be an integer and iso a finite number');
        return;
      }
      demoMesh(size, iso);
      return;
    }
    default:
      fail(`unknown message type '${m.type}'`);
  }
};
