// budget.js: the page's half of the drawing budget (web/compute_worker.js 'budget',
// engine/lod.h). When a mesh is over the worker's triangle budget, or the page's drawn
// frames are slow (median interval from a drawn frame to the next over a second above
// SLOW_FRAME_MS: the budget drops to half the triangles drawn), the worker meshes every
// 2nd or 4th sample and the view says so: "drawing at ½ resolution — [full]"; the button
// draws full resolution from then on. Exports and the hash are always full resolution
// (the worker's business).
// Software GL (SwiftShader, llvmpipe: a machine without GPU acceleration) draws a few
// hundred thousand triangles a second on two cores, and a big upload blocks the main
// thread while it draws: there the budget starts at SOFTWARE_TRIANGLES (rd.budget.renderer
// and .software say what was found), and the frame-time rule lowers it further if needed.
// Also the page's timing figures for tests/e2e and bench/browser.mjs, in rd.budget:
// firstMeshMs (performance.now() at the first drawn mesh: from navigation),
// frameMs (median interval from a drawn frame to the next, over the last window with a
// draw: the app draws only when the view changed, app/main.c), uploads ([ms, bytes] of
// recent mesh uploads: app/app_lib.js app_js_take_mesh), level and full of the last mesh.
'use strict';

(function () {
  const rd = window.rd;
  const SLOW_FRAME_MS = 100;
  const MIN_TRIANGLES = 1000; // the worker's floor for the budget
  // SwiftShader took ~320 ms to upload and draw a 261k-triangle frame on two cores
  // (bench/browser.mjs): 50k keeps a frame well inside SLOW_FRAME_MS.
  const SOFTWARE_TRIANGLES = 50000;
  const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;
  const state = (rd.budget = { level: 1, full: false, frameMs: 0, firstMeshMs: 0, uploads: [], lowered: 0,
    renderer: '', software: false });

  // The renderer of the app's WebGL2 context (getContext returns the one SDL made), once.
  function detect() {
    if (state.renderer) return true;
    const gl = document.getElementById('canvas').getContext('webgl2');
    if (!gl) return false;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    state.renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) || '?');
    state.software = SOFTWARE_GL.test(state.renderer);
    return true;
  }
  // Each engine (a restart makes a new one) starts with the software budget when it applies.
  let budgetedWorker = null;
  function startBudget() {
    if (!rd.worker || rd.stage !== 'ready' || budgetedWorker === rd.worker || !rd.app || !detect()) return;
    budgetedWorker = rd.worker;
    if (state.full) rd.worker.postMessage({ type: 'budget', full: true }); // a restart keeps "full"
    else if (state.software) rd.worker.postMessage({ type: 'budget', triangles: SOFTWARE_TRIANGLES });
  }

  const note = document.createElement('p');
  note.id = 'budget-note';
  note.hidden = true;
  const text = document.createElement('span');
  const button = document.createElement('button');
  button.id = 'btn-budget-full';
  button.textContent = 'full';
  button.title = 'draw every sample, however slow the drawing gets';
  note.append(text, ' — ', button);
  document.getElementById('view').appendChild(note);
  button.onclick = () => rd.worker && rd.worker.postMessage({ type: 'budget', full: true });

  function show() {
    note.hidden = state.level <= 1;
    text.textContent = `drawing at ${state.level === 2 ? '½' : '¼'} resolution`;
    note.title = state.software ? `software GL (${state.renderer}): the drawing budget starts at ${SOFTWARE_TRIANGLES} triangles` : '';
  }

  // Frame intervals that follow a drawn frame (what a draw costs; frames that draw nothing
  // cost next to nothing and say nothing about drawing) over windows of at least WINDOW_MS;
  // a slow median lowers the budget, but not while the page is starting (SETTLE_MS after
  // the first mesh) nor again before the coarser mesh has had a window of its own.
  const WINDOW_MS = 1500, SETTLE_MS = 2000;
  let drawnAt = 0, since = 0, intervals = [], quietUntil = 0;
  window.rdBudget = {
    startBudget, // main.js: when an engine is ready and when the app is
    onMesh(m) {
      state.level = m.level || 1;
      state.full = m.full === true;
      show();
    },
    onFrame(triangles, hadNewMesh, drew) {
      const now = performance.now();
      if (hadNewMesh && !state.firstMeshMs) { state.firstMeshMs = now; quietUntil = now + SETTLE_MS; }
      if (drawnAt && document.visibilityState === 'visible') intervals.push(now - drawnAt);
      drawnAt = drew ? now : 0;
      if (!since) since = now;
      if (now - since < WINDOW_MS) return;
      if (intervals.length >= 1) {
        intervals.sort((a, b) => a - b);
        state.frameMs = intervals[intervals.length >> 1];
        if (state.frameMs > SLOW_FRAME_MS && state.firstMeshMs && now >= quietUntil && !state.full &&
            triangles > 2 * MIN_TRIANGLES && rd.worker) {
          state.lowered++;
          quietUntil = now + WINDOW_MS;
          rd.worker.postMessage({ type: 'budget', triangles: Math.floor(triangles / 2) });
        }
      }
      intervals = [];
      since = now;
    },
    onUpload(ms, bytes) {
      state.uploads.push([ms, bytes]);
      if (state.uploads.length > 256) state.uploads.shift();
    },
  };
})();
window.rd.onUpload = (ms, bytes) => window.rdBudget.onUpload(ms, bytes); // called by app/app_lib.js
