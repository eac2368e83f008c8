// budget.js: the page's half of the drawing budget (web/compute_worker.js 'budget',
// engine/lod.h; app_set_pixel_scale in app/main.c). When a mesh is over the worker's
// triangle budget the worker meshes every 2nd or 4th sample. When drawing is slow (over a
// window of a second and a half, the median interval from a drawn frame to the next above
// SLOW_FRAME_MS, or the median time a drawn frame holds the main thread after the draw
// above SLOW_BLOCK_MS) the app draws half the pixels, down to PIXELS_MIN, and after that
// the triangle budget drops to half the triangles drawn. The view says so: "drawing at
// ½ resolution, ½ of the pixels — [full]"; the button draws every sample and every pixel
// from then on. Exports and the hash are always full resolution (the worker's business),
// and Picture is drawn at every pixel (pictureFrame), as PNG frames are (holdFullPixels:
// while they are taken the budget neither lowers the pixels nor reads their slow frames).
// Software GL (SwiftShader, llvmpipe: a machine without GPU acceleration) draws a few
// hundred thousand triangles a second on two cores, and a big upload blocks the main
// thread while it draws: there the budget starts at SOFTWARE_TRIANGLES (rd.budget.renderer
// and .software say what was found), and the frame-time rule lowers it further if needed;
// SwiftShader also starts at half the pixels (.readback: below).
// Also the page's timing figures for tests/e2e and bench/browser.mjs, in rd.budget:
// firstMeshMs (performance.now() at the first drawn mesh: from navigation),
// frameMs (median interval from a drawn frame to the next, over the last window with a
// draw: the app draws only when the view changed, app/main.c), uploads ([ms, bytes] of
// recent mesh uploads: app/app_lib.js app_js_take_mesh), level and full of the last mesh;
// pixels (the share drawn), fullPixels (the button asked for every pixel), blockMs (the
// main thread held after a drawn frame, median of the last window) and pixelsLowered.
'use strict';

(function () {
  const rd = window.rd;
  const SLOW_FRAME_MS = 100;
  const MIN_TRIANGLES = 1000; // the worker's floor for the budget
  // SwiftShader took ~320 ms to upload and draw a 261k-triangle frame on two cores
  // (bench/browser.mjs): 50k keeps a frame well inside SLOW_FRAME_MS.
  const SOFTWARE_TRIANGLES = 50000;
  // The pixels: with no GPU, Chromium draws WebGL with SwiftShader and composites in
  // software, reading each drawn frame's buffer back while the page's main thread waits:
  // at 96^3 on two cores a 739 x 611 buffer held the main thread 74 ms a drawn frame
  // (median; its long tasks 70-105 ms) and put the event-loop lag's p95 at 107-117 ms;
  // ½ of the pixels held it 45-54 ms, lag p95 46-70 ms; ¼ 37 ms, 49-54 ms (bench/browser.mjs,
  // 5 s live; the lag follows the slowest tenth of the frames, which reach twice the median).
  // The triangles count too: at 64^3 (a mesh twice as big as 96^3's) ½ of the pixels held
  // it 71-78 ms. Firefox with llvmpipe holds its main thread 1-5 ms whatever the pixels.
  // So SwiftShader starts at READBACK_PIXELS, and anywhere the drawn frames hold the main
  // thread past SLOW_BLOCK_MS (the median over a window of at least SLOW_BLOCK_FRAMES drawn
  // frames, from the end of the draw to the next task the page runs) the pixels halve,
  // down to PIXELS_MIN, then the triangles (as for slow frames: onFrame below).
  const READBACK_PIXELS = 0.5;
  const READBACK_GL = /swiftshader/i;
  const PIXELS_MIN = 0.25;
  const SLOW_BLOCK_MS = 60, SLOW_BLOCK_FRAMES = 4;
  const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;
  const state = (rd.budget = { level: 1, full: false, frameMs: 0, firstMeshMs: 0, uploads: [], lowered: 0,
    renderer: '', software: false, readback: false, pixels: 1, fullPixels: false, blockMs: 0, pixelsLowered: 0 });

  // The renderer of the app's WebGL2 context (getContext returns the one SDL made), once.
  function detect() {
    if (state.renderer) return true;
    const gl = document.getElementById('canvas').getContext('webgl2');
    if (!gl) return false;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    state.renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) || '?');
    state.software = SOFTWARE_GL.test(state.renderer);
    state.readback = READBACK_GL.test(state.renderer);
    return true;
  }
  // Each engine (a restart makes a new one) starts with the software budget when it applies.
  let budgetedWorker = null;
  let pixelsStarted = false;
  function startBudget() {
    if (!pixelsStarted && rd.app && detect()) { // the pixels need no engine: from the app's first frame on
      pixelsStarted = true;
      if (state.readback && !state.fullPixels && state.pixels > READBACK_PIXELS) setPixels(READBACK_PIXELS);
    }
    if (!rd.worker || rd.stage !== 'ready' || budgetedWorker === rd.worker || !rd.app || !detect()) return;
    budgetedWorker = rd.worker;
    if (state.full) rd.worker.postMessage({ type: 'budget', full: true }); // a restart keeps "full"
    else if (state.software) rd.worker.postMessage({ type: 'budget', triangles: SOFTWARE_TRIANGLES });
  }
  // The share of the canvas' device pixels drawn (app_set_pixel_scale: the scale each way
  // is its square root; the browser stretches the smaller drawing buffer over the canvas).
  function setPixels(share) {
    state.pixels = share;
    applyPixels();
    show();
  }
  let held = false; // PNG frames (web/record.js): every pixel, whatever the budget says
  function applyPixels() {
    if (rd.app) rd.app._app_set_pixel_scale(held ? 1 : Math.sqrt(state.pixels));
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
  document.getElementById('view-foot').prepend(note); // above the hint
  button.onclick = () => {
    state.fullPixels = true; // the pixels at once (the page's own); the mesh with the worker's next one (onMesh)
    setPixels(1);
    if (rd.worker) rd.worker.postMessage({ type: 'budget', full: true });
  };

  const FRACTION = { 1: '1', 2: '½', 4: '¼' };
  function show() {
    const parts = [];
    if (state.level > 1) parts.push(`at ${FRACTION[state.level]} resolution`);
    if (state.pixels < 1) parts.push(`${FRACTION[Math.round(1 / state.pixels)]} of the pixels`);
    note.hidden = parts.length === 0;
    text.textContent = `drawing ${parts.join(', ')}`;
    note.title = (state.software ? `software GL (${state.renderer}): the drawing budget starts at ${SOFTWARE_TRIANGLES} ` +
      `triangles${state.readback ? ` and ${FRACTION[1 / READBACK_PIXELS]} of the pixels (each frame is read back while the page waits)` : ''}. ` : '') +
      'Frames that hold the page halve the pixels. ' +
      'Resolution: the mesh is drawn from every 2nd or 4th sample; pixels: the picture is drawn smaller and stretched. ' +
      'Exports, Picture, PNG frames and the hash are always at every pixel and full resolution; a recorded clip is drawn as the view is.';
  }

  // Frame intervals that follow a drawn frame (what a draw costs; frames that draw nothing
  // cost next to nothing and say nothing about drawing) over windows of at least WINDOW_MS;
  // a slow median lowers the budget, but not while the page is starting (SETTLE_MS after
  // the first mesh) nor again before the smaller drawing has had a window of its own.
  const WINDOW_MS = 1500, SETTLE_MS = 2000;
  let drawnAt = 0, since = 0, intervals = [], quietUntil = 0;
  // What a drawn frame holds the main thread after the draw (the browser's commit; with
  // software GL, the read-back): from the end of the app's frame to the next task.
  let blockFrom = 0, blocks = [];
  const blockPort = new MessageChannel();
  let holding = false; // the worker steps on half its threads while this frame is drawn (holdsDrawing)
  blockPort.port1.onmessage = () => {
    if (blockFrom && document.visibilityState === 'visible') blocks.push(performance.now() - blockFrom);
    blockFrom = 0;
    if (holding && rd.worker) rd.worker.postMessage({ type: 'drawn' });
    holding = false;
  };
  window.rdBudget = {
    startBudget, // main.js: when an engine is ready and when the app is
    onMesh(m) {
      state.level = m.level || 1;
      state.full = m.full === true;
      show();
    },
    // main.js, as it tells the worker a drawn frame took its mesh: whether the worker should
    // step on half its threads until the frame is done ('drawn', sent above). SwiftShader
    // draws in the browser's GPU process while the page waits, on the cores the pool steps on.
    holdsDrawing() {
      holding = state.readback && blockFrom > 0;
      return holding;
    },
    // Picture (web/main.js): the next drawn frame at every pixel, then back.
    pictureFrame(on) {
      if (rd.app && state.pixels < 1 && !held) rd.app._app_set_pixel_scale(on ? 1 : Math.sqrt(state.pixels));
    },
    // PNG frames are pictures too: while on, every frame is drawn at every pixel.
    holdFullPixels(on) {
      held = on;
      applyPixels();
    },
    onFrame(triangles, hadNewMesh, drew) {
      const now = performance.now();
      if (drew && !blockFrom) { blockFrom = now; blockPort.port2.postMessage(0); }
      if (hadNewMesh && !state.firstMeshMs) { state.firstMeshMs = now; quietUntil = now + SETTLE_MS; }
      if (drawnAt && document.visibilityState === 'visible') intervals.push(now - drawnAt);
      drawnAt = drew ? now : 0;
      // PNG frames draw every pixel on purpose: their slow frames lower nothing.
      if (held) { intervals = []; blocks = []; since = now; return; }
      if (!since) since = now;
      if (now - since < WINDOW_MS) return;
      const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
      const slowBlocks = blocks.length >= SLOW_BLOCK_FRAMES && (state.blockMs = median(blocks)) > SLOW_BLOCK_MS;
      const slowFrames = intervals.length >= 1 && (state.frameMs = median(intervals)) > SLOW_FRAME_MS;
      blocks = [];
      // Either says the drawing is too slow: fewer pixels first (down to PIXELS_MIN), then
      // half the triangles drawn.
      if ((slowBlocks || slowFrames) && state.firstMeshMs && now >= quietUntil) {
        if (!state.fullPixels && state.pixels > PIXELS_MIN && rd.app) {
          state.pixelsLowered++;
          quietUntil = now + WINDOW_MS;
          setPixels(state.pixels / 2);
        } else if (!state.full && triangles > 2 * MIN_TRIANGLES && rd.worker) {
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
