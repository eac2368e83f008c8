// paint.js: painting on the view with pointer events (mouse, pen and touch alike).
// Alt + press paints at what the pointer is on, the surface or a slice, as the probe reads it
// (app_paint_at gives the ray and the slice there; main.js rd.onPaint sends the
// brush of the Paint section: radius, amount, shape, target); dragging paints on along
// the way, at most every STROKE_MS. "Paint mode" (the toggle, or P) paints without Alt,
// for touch and pen where there is no Alt key. A press opens a stroke: the worker keeps
// the state before it, so Ctrl+Z undoes the last strokes and Ctrl+Shift+Z (or Ctrl+Y)
// redoes them (web/compute_worker.js, a bounded stack).
// Test hooks: window.rdPaint (mode, strokes, pointerTypes, undo, redo).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const STROKE_MS = 50;

  const paint = (window.rdPaint = {
    mode: false,       // paint without Alt
    strokes: 0,        // strokes begun
    pointerTypes: [],  // pointerType of each stroke
    undo: 0,           // strokes the worker can undo / redo
    redo: 0,
    onMessage,
    setMode,
  });

  const view = $('view'), canvas = $('canvas');
  let active = null; // pointerId of the stroke in progress
  let lastAt = 0;

  function paintAt(e) {
    const r = canvas.getBoundingClientRect();
    rd.app._app_paint_at((e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    lastAt = performance.now();
  }

  function setMode(on) {
    if (paint.mode === on) return;
    paint.mode = on;
    rd.showTool('paint', 'paint-mode', 'painting', on);
  }
  rd.tools.paint = setMode;

  // Caught before SDL and the pinch code see it (so painting does not also orbit).
  view.addEventListener('pointerdown', (e) => {
    if (!rd.app || !rd.worker || !(e.altKey || paint.mode) || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.stopPropagation();
    e.preventDefault();
    active = e.pointerId;
    canvas.focus(); // as any press on the view: the keys (Ctrl+Z, R) go to it
    try { canvas.setPointerCapture(e.pointerId); } catch { /* a synthetic event has no capture */ }
    paint.strokes++;
    paint.pointerTypes.push(e.pointerType);
    rd.strokeStart = true; // the first paint_ray of a stroke carries newStroke
    paintAt(e);
  }, true);
  view.addEventListener('pointermove', (e) => {
    if (e.pointerId !== active) return;
    e.stopPropagation();
    e.preventDefault();
    if (performance.now() - lastAt >= STROKE_MS) paintAt(e);
  }, true);
  for (const type of ['pointerup', 'pointercancel']) {
    view.addEventListener(type, (e) => { if (e.pointerId === active) { active = null; e.stopPropagation(); } }, true);
  }
  // SDL reads mouse and touch events: keep a stroke's (and paint mode's touches) from it.
  const block = (e) => {
    const starts = e.type === 'mousedown' && (e.altKey || paint.mode);
    if (active !== null || starts || (paint.mode && e.type.startsWith('touch'))) {
      e.stopPropagation();
      if (e.cancelable) e.preventDefault();
    }
  };
  for (const type of ['mousedown', 'mousemove', 'mouseup', 'touchstart', 'touchmove', 'touchend']) {
    view.addEventListener(type, block, { capture: true, passive: false });
  }

  const undo = () => { if (rd.worker) { rd.say(''); rd.worker.postMessage({ type: 'undo' }); } };
  const redo = () => { if (rd.worker) { rd.say(''); rd.worker.postMessage({ type: 'redo' }); } };
  $('paint-undo').addEventListener('click', undo);
  $('paint-redo').addEventListener('click', redo);
  $('paint-mode').addEventListener('click', () => setMode(!paint.mode));
  document.addEventListener('keydown', (e) => {
    if (rd.keysTaken(e) || !rd.worker) return;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && key === 'z') { e.preventDefault(); if (e.shiftKey) redo(); else undo(); }
    else if ((e.ctrlKey || e.metaKey) && key === 'y') { e.preventDefault(); redo(); }
    else if (key === 'p' && !e.ctrlKey && !e.metaKey && !e.altKey) setMode(!paint.mode);
  });

  function onMessage(m) {
    if (m.type !== 'history') return;
    paint.undo = m.undo;
    paint.redo = m.redo;
    $('paint-undo').disabled = m.undo === 0;
    $('paint-redo').disabled = m.redo === 0;
    $('paint-undo').title = `Undo the last stroke (Ctrl+Z): ${m.undo} kept`;
    $('paint-redo').title = `Redo (Ctrl+Shift+Z): ${m.redo} kept`;
    if (m.did) {
      const left = (n, what) => `${n === 0 ? 'nothing' : n === 1 ? 'one stroke' : `${n} strokes`} to ${what}`;
      rd.say(`${m.did === 'undo' ? 'Undid' : 'Redid'} a stroke (step ${rd.info ? rd.info.step : '?'}): ${left(m.undo, 'undo')}, ${left(m.redo, 'redo')}.`);
    }
  }
})();
