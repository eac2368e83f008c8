// probe.js: the readout of what lies under the pointer in the view (engine/probe.h): the
// sample there and the state's U and V, on the isosurface or on a slice, e.g.
// "x 31  y 12  z 40 · surface" over "U 0.4121  V 0.2480 · step 8824".
// A hovering mouse or pen (no button held) asks the app for the view ray and the slice
// drawn under the pointer (app/main.c app_probe_ray) and the worker for what the view
// shows along it ('probe': the surface's first inside sample unless the clip plane cuts
// it away or the slice is nearer). One probe in flight, at most one every SEND_MS; while
// the pointer rests, each new mesh asks again, so the values follow the running state.
// Leaving the view, pressing a button or touch hides it. The values are the state's own
// floats: `rdsim --probe X,Y,Z` at the same step prints the same.
// Test hooks: window.rdProbe (last: the worker's answer, asked, answered, at(sx, sy)).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const SEND_MS = 50, LOST_MS = 1000; // an answer not back in LOST_MS (an engine restart) is given up
  const out = $('probe'), canvas = $('canvas'), view = $('view');

  const probe = (window.rdProbe = {
    last: null,   // the worker's last answer ({kind, step, axis, x, y, z, u, v}), or null
    asked: 0,     // probes sent
    answered: 0,  // answers taken
    at,           // probe at (sx, sy), 0..1 from the canvas' top left (tests; hover calls it)
    onMessage,
  });

  let pointer = null;   // {sx, sy} of the resting pointer, or null (none over the view)
  let sentFor = null;   // the pointer position of the probe in flight
  let inFlight = 0;     // the id of the probe awaited, 0: none
  let lastSent = 0;     // performance.now() of the last send
  let timer = 0;
  let nextId = 1;

  const line = (text) => {
    const el = document.createElement('span');
    el.textContent = text;
    return el;
  };
  const fmt = (x) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 ? x.toFixed(4) : x.toPrecision(3));

  function show(p) {
    if (!p || p.kind === 'none' || !pointer) {
      out.hidden = true;
      return;
    }
    const on = p.kind === 'slice' ? `slice ${p.axis}` : 'surface';
    out.replaceChildren(line(`x ${p.x}  y ${p.y}  z ${p.z} · ${on}`), line(`U ${fmt(p.u)}  V ${fmt(p.v)} · step ${p.step}`));
    out.title = `sample (${p.x}, ${p.y}, ${p.z}) on the ${on} at step ${p.step}: U = ${p.u}, V = ${p.v}` +
      ` (rdsim --probe ${p.x},${p.y},${p.z} prints the same at that step)`;
    out.hidden = false;
  }

  // Asks now if nothing is in flight and SEND_MS has passed, else once the answer or the
  // time comes (the newest pointer position wins).
  function at(sx, sy) {
    pointer = { sx, sy };
    send();
  }

  function send() {
    if (!pointer || !rd.app || !rd.worker || rd.stage !== 'ready' || !rd.meshesDrawn) return;
    const since = performance.now() - lastSent, wait = SEND_MS - since;
    if (inFlight && since > LOST_MS) inFlight = 0;
    if (inFlight || wait > 0) {
      if (!inFlight && !timer) timer = setTimeout(() => { timer = 0; send(); }, wait);
      return;
    }
    const ptr = rd.app._app_probe_ray(pointer.sx, pointer.sy) >>> 2;
    if (!ptr) { show(null); return; }
    const f = Array.from(rd.app.HEAPF32.subarray(ptr, ptr + 10));
    const axis = Math.round(f[6]);
    inFlight = nextId++;
    sentFor = pointer;
    lastSent = performance.now();
    probe.asked++;
    rd.worker.postMessage({
      type: 'probe', id: inFlight, origin: f.slice(0, 3), dir: f.slice(3, 6),
      plane: axis >= 0 ? { axis, at: f.slice(7, 10) } : null,
    });
  }

  function hide() {
    pointer = null;
    out.hidden = true;
  }

  function onMessage(m) {
    if (m.type === 'mesh' && pointer) { send(); return; } // the state moved on under a resting pointer
    if (m.type !== 'probe' || m.id !== inFlight) return;
    inFlight = 0;
    probe.answered++;
    probe.last = m.probe;
    show(m.probe);
    if (pointer && pointer !== sentFor) send(); // it moved meanwhile: the newest position
  }

  view.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'touch' || e.buttons !== 0) { hide(); return; }
    const r = canvas.getBoundingClientRect();
    if (e.target !== canvas) { hide(); return; }
    at((e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  });
  view.addEventListener('pointerleave', hide);
  view.addEventListener('pointerdown', hide);
  view.addEventListener('wheel', () => { if (pointer) setTimeout(send, SEND_MS); }, { passive: true });
})();
