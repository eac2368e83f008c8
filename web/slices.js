// slices.js: hands the app (app/render.c) the view settings it draws itself, from the
// view in force as the engine reports it (rd.view): the colormap (by its index in
// engine/colormap.c's table, the order of the schema's choices), the isosurface on/off
// and the clip plane. The slices themselves come as data with each mesh, or alone when
// only they changed (the worker builds them: engine/slice.h), and the app uploads them
// (app_lib.js app_js_take_slice). main.js calls rdSlices.onView whenever the view in
// force or the app changes.
//
// Dragging the planes: Ctrl (or Cmd) + press on a slice or on the clip plane grabs the
// nearest one under the pointer and moves it along its normal as the pointer moves (the
// app picks and follows: app/main.c app_plane_*, render.c render_plane_*); Ctrl + press
// on nothing does nothing (no orbit). "Move planes" (the toggle, or M) does the same
// without Ctrl, for touch and pen; there a press off every plane orbits as usual. The
// pointer events are caught before SDL, paint.js and the pinch code see them. Each
// position the app reports (rd.onPlaneMoved) is written into the plane's slider, whose
// input event sends the view as a slider move does (main.js sendView); the link follows
// from the engine's answer. Sends are throttled: one view in flight (until the engine's
// 'view' answer, or ECHO_MS), at most one every SEND_MS; the position at the release is
// always sent. Test hooks: window.rdSlices (mode, drags, pointerTypes, moves, sends, sent, hover).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const SEND_MS = 50, ECHO_MS = 500;
  const SLICE_KEYS = ['sliceXPos', 'sliceYPos', 'sliceZPos'];
  const KIND_CLIP = 1; // render_plane_kind_t (app/render.h): 0 a slice, 1 the clip plane

  const slices = (window.rdSlices = {
    mode: false,      // move planes without Ctrl
    drags: 0,         // planes grabbed
    pointerTypes: [], // pointerType of each drag
    moves: 0,         // positions the app reported
    sends: 0,         // views sent for them
    sent: {},         // slider id -> the position text last sent
    hover: false,     // a plane is under the pointer (outlined; the cursor says it moves)
    onView,
    setMode,
  });

  const view = $('view'), canvas = $('canvas');
  let active = null;   // pointerId of the drag in progress
  let pointer = null;  // the mouse over the view: [sx, sy], for the hover when Ctrl goes down or up
  const pending = new Map(); // slider id -> position text not sent yet
  let lastSentAt = -Infinity, inFlightSince = 0, timer = 0;

  function onView(v) {
    const app = rd.app;
    if (inFlightSince) { // the engine answered: the next position may go
      inFlightSince = 0;
      if (timer) { clearTimeout(timer); timer = 0; }
      kick();
    }
    if (!app || !v || typeof P === 'undefined' || !P.colormap) return;
    const cm = P.colormap.choices.findIndex((c) => c.value === v.colormap);
    if (cm >= 0) app._app_set_colormap(cm);
    app._app_set_surface(v.surface === false ? 0 : 1);
    const axis = ['x', 'y', 'z'].indexOf(v.clip);
    app._app_set_clip(axis, axis >= 0 ? Number(v.clipPos) : 0);
    rd.drawnView = { colormap: cm >= 0 ? v.colormap : null, surface: v.surface !== false, clip: v.clip, clipPos: v.clipPos };
  }

  // The positions not sent yet go into their sliders, and the last slider's input event
  // sends the whole view, as moving it by hand does.
  function flush() {
    if (timer) { clearTimeout(timer); timer = 0; }
    if (!pending.size) return;
    let last = null;
    for (const [id, text] of pending) {
      last = $(id);
      last.value = text;
      slices.sent[id] = text;
    }
    pending.clear();
    lastSentAt = inFlightSince = performance.now();
    slices.sends++;
    last.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // Sends what is pending when the throttle allows: no view in flight, SEND_MS since the last.
  function kick() {
    if (timer || !pending.size) return;
    const now = performance.now();
    const wait = inFlightSince && now - inFlightSince < ECHO_MS ? inFlightSince + ECHO_MS - now : lastSentAt + SEND_MS - now;
    if (wait <= 0) flush();
    else timer = setTimeout(() => { timer = 0; kick(); }, wait);
  }

  rd.onPlaneMoved = (kind, axis, t, done) => {
    slices.moves++;
    pending.set(kind === KIND_CLIP ? 'clipPos' : SLICE_KEYS[axis], floatText(t)); // floatText: main.js
    if (done) flush();
    else kick();
  };

  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };
  const modifier = (e) => e.ctrlKey || e.metaKey;

  // Outlines the plane under the mouse while Ctrl is held (or in move mode).
  function hover(on) {
    const over = !!(rd.app && on && pointer) && rd.app._app_plane_hover(pointer[0], pointer[1]) === 1;
    if (!over && slices.hover && rd.app) rd.app._app_plane_hover(-1, -1);
    slices.hover = over;
    view.classList.toggle('plane-hover', over);
  }

  function setMode(on) {
    if (slices.mode === on) return;
    slices.mode = on;
    rd.showTool('planes', 'plane-mode', 'moving-planes', on);
    hover(on);
  }
  rd.tools.planes = setMode;

  // Caught on the document, before the view's listeners (paint.js, the pinch) and SDL.
  document.addEventListener('pointerdown', (e) => {
    if (e.target !== canvas || !rd.app || !rd.worker || e.altKey || !(modifier(e) || slices.mode)) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (active !== null) { // a second finger while one drags: not a new grab (nor a pinch)
      e.stopPropagation();
      e.preventDefault();
      return;
    }
    const grabbed = rd.app._app_plane_grab(...at(e)) === 1;
    if (!grabbed && !modifier(e)) return; // move mode off every plane: the press orbits (or paints)
    e.stopPropagation();
    e.preventDefault();
    canvas.focus(); // as any press on the view: the keys go to it
    if (!grabbed) return; // Ctrl + press on nothing: nothing (no mouse events follow a cancelled pointerdown; block() too)
    active = e.pointerId;
    try { canvas.setPointerCapture(e.pointerId); } catch { /* a synthetic event has no capture */ }
    slices.drags++;
    slices.pointerTypes.push(e.pointerType);
    view.classList.add('plane-dragging');
  }, true);
  document.addEventListener('pointermove', (e) => {
    if (e.pointerId === active) {
      e.stopPropagation();
      e.preventDefault();
      rd.app._app_plane_drag(...at(e));
      return;
    }
    if (e.pointerType !== 'mouse' || active !== null) return;
    pointer = e.target === canvas ? at(e) : null;
    if (pointer || slices.hover) hover((modifier(e) || slices.mode) && !e.altKey && e.buttons === 0);
  }, true);
  for (const type of ['pointerup', 'pointercancel']) {
    document.addEventListener(type, (e) => {
      if (e.pointerId !== active) return;
      e.stopPropagation();
      rd.app._app_plane_release();
      view.classList.remove('plane-dragging');
      pointer = e.pointerType === 'mouse' ? at(e) : null;
      hover(modifier(e) || slices.mode); // Ctrl still held: the plane under the mouse is outlined again
      // The mouse or touch events of this release come next, in the same task: keep them from SDL too.
      setTimeout(() => { active = null; }, 0);
    }, true);
  }
  // SDL reads mouse and touch events: keep a drag's from it, and a Ctrl + press on nothing.
  const block = (e) => {
    const starts = e.type === 'mousedown' && e.target === canvas && e.button === 0 && modifier(e) && !e.altKey;
    if (active !== null || starts) {
      e.stopPropagation();
      if (e.cancelable) e.preventDefault();
    }
  };
  for (const type of ['mousedown', 'mousemove', 'mouseup', 'touchstart', 'touchmove', 'touchend', 'touchcancel']) {
    document.addEventListener(type, block, { capture: true, passive: false });
  }

  // macOS reads Ctrl + press as a right click: no context menu over a drag, nor for a
  // Ctrl + press (which grabs a plane or does nothing).
  canvas.addEventListener('contextmenu', (e) => { if (active !== null || e.ctrlKey) e.preventDefault(); });
  $('plane-mode').addEventListener('click', () => setMode(!slices.mode));
  const onKey = (e) => {
    if (e.key === 'Control' || e.key === 'Meta') { hover(e.type === 'keydown' || slices.mode); return; }
    if (e.type !== 'keydown' || rd.keysTaken(e) || !rd.worker) return;
    if (e.key.toLowerCase() === 'm' && !e.ctrlKey && !e.metaKey && !e.altKey) setMode(!slices.mode);
  };
  document.addEventListener('keydown', onKey);
  document.addEventListener('keyup', onKey);
})();
