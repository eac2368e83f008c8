// fkmap: the F–k map of the Gray–Scott parameter plane (k along x, F up), in the panel.
// Marks Pearson's classes (and Munafo's additions), the saddle-node line, every preset
// (rd.presets: schema.json's presets, values.F / values.k), the parameter map's ranges
// when it is on, and the (F, k) in force (a pair beyond the map: a dashed ring at its edge
// and a note) (rd.info, followed at each 'rd:info' event of
// main.js, not by a timer: an idle page runs nothing). A click sets F and k
// through the page's own path: the #F and #k controls and their input event (main.js
// sendParams), so the engine checks them and the link follows what it reports.
'use strict';
(() => {
  const K0 = 0.03, K1 = 0.07, F0 = 0, F1 = 0.1; // the region people explore
  const W = 320, H = 300, PAD = { l: 44, r: 6, t: 10, b: 26 }; // l: room for '0.100' at 12 px
  const NS = 'http://www.w3.org/2000/svg';
  // Pearson, "Complex patterns in a simple system", Science 261:189 (1993), Fig. 3, and
  // R. Munafo, xmorphia (mrob.com/pub/comp/xmorphia): one representative (F, k) per class,
  // each with where it comes from and how directly (shown on hover):
  //   first-hand: Munafo's own page for that grid point, mrob.com/pub/comp/xmorphia/<page>,
  //     whose "Categories" line names the class at exactly this (F, k);
  //   second-hand: the class table of soilstack/react_diffuse (systems.py, entries named
  //     "<class>_left"/"_right"), copied from Munafo's pearson-classes.html; not read on mrob.com;
  //   unverified: no source found that names the class at this (F, k).
  // Where both exist the first-hand point is drawn: θ and ξ moved there from the table's
  // (0.038, 0.061) and (0.010, 0.041). Ready's Patterns/Gray-Scott/Pearson1993.vti puts
  // Pearson's own θ (his Fig. 2) at F 0.04, k 0.06.
  const MX = 'mrob.com/pub/comp/xmorphia/';
  const SOIL = 'soilstack/react_diffuse systems.py, from ' + MX + 'pearson-classes.html';
  const CLASSES = [ // [name, F, k, status, source]
    ['α', 0.010, 0.047, 'second-hand', SOIL + ' ("alpha_left")'],
    ['β', 0.026, 0.051, 'second-hand', SOIL + ' ("beta_right")'],
    ['γ', 0.022, 0.051, 'first-hand', MX + 'F220/F220-k510.html'],
    ['δ', 0.030, 0.055, 'second-hand', SOIL + ' ("delta_left"; its "delta_right" is F 0.042, k 0.059)'],
    ['ε', 0.014, 0.055, 'first-hand', MX + 'F140/F140-k550.html'],
    ['ζ', 0.022, 0.061, 'second-hand', SOIL + ' ("zeta_left")'],
    ['η', 0.034, 0.063, 'first-hand', MX + 'F340/F340-k630.html'],
    ['θ', 0.046, 0.061, 'first-hand', MX + 'F460/F460-k610.html (also F820-k590)'],
    ['ι', 0.046, 0.0594, 'first-hand', MX + 'F460/F460-k590.html (the page for k 0.0594)'],
    ['κ', 0.062, 0.063, 'first-hand', MX + 'F620/F620-k630.html'],
    ['λ', 0.026, 0.061, 'second-hand', SOIL + ' ("lambda_left")'],
    ['μ', 0.050, 0.065, 'first-hand', MX + 'F500/F500-k650.html (also F460-k650)'],
    ['ν', 0.070, 0.065, 'first-hand', MX + 'F700/F700-k650.html'],
    ['ξ', 0.010, 0.035, 'first-hand', MX + 'F100/F100-k350.html (also F140-k430)'],
    ['π', 0.062, 0.061, 'first-hand', MX + 'F620/F620-k610.html ("borderline")'],
    ['ρ', 0.098, 0.057, 'first-hand', MX + 'F980/F980-k570.html (also F900-k590)'],
    ['σ', 0.090, 0.057, 'unverified', 'no page or attributable table names σ here; west of ρ, whose bubbles ' +
      'at F 0.09 span k 0.0583..0.0600 (' + MX + 'F900/F900-k590.html)'],
  ];
  const MUNAFO = new Set(['ν', 'ξ', 'π', 'ρ', 'σ']); // the classes Munafo added to Pearson's
  document.getElementById('fkmap-munafo').textContent = [...MUNAFO].join(', '); // the caption's list
  const sx = (k) => PAD.l + ((k - K0) / (K1 - K0)) * (W - PAD.l - PAD.r);
  const sy = (F) => H - PAD.b - ((F - F0) / (F1 - F0)) * (H - PAD.t - PAD.b);
  const kOf = (x) => K0 + ((x - PAD.l) / (W - PAD.l - PAD.r)) * (K1 - K0);
  const FOf = (y) => F0 + ((H - PAD.b - y) / (H - PAD.t - PAD.b)) * (F1 - F0);
  const el = (name, attrs, text) => {
    const e = document.createElementNS(NS, name);
    for (const [a, v] of Object.entries(attrs)) e.setAttribute(a, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  let svg = null, current = null, mapRect = null, offNote = null, last = '';

  // Labels beside their points without overlapping each other, the marks or the SVG's edges:
  // each takes the first free place of fourteen around its point (right below first), or, if
  // none is free, the one that overlaps least. Widths are measured (estimated from the font
  // size while the panel is hidden, when nothing can be measured: placed again, measured,
  // when the map first shows). Returns whether any width was estimated.
  const CLASS_FONT = 12, PRESET_FONT = 10; // fkmap.css sets the same sizes
  function placeLabels(items) {
    for (const l of svg.querySelectorAll('.fk-leader')) l.remove(); // a second placing's own
    let estimated = false;
    const boxes = items.map(([, x, y]) => ({ x: x - 3, y: y - 3, w: 6, h: 6 })); // the marks
    const overlap = (a, b) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) *
      Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
    for (const [t, x, y, font] of items) {
      // The text's box relative to its origin (x, baseline): measured, or estimated.
      t.setAttribute('x', 0);
      t.setAttribute('y', 0);
      let bb = null;
      try { bb = t.getBBox(); } catch { bb = null; } // Firefox throws while the panel is hidden
      if (!bb || !(bb.width > 0)) {
        bb = { x: 0, y: -0.9 * font, width: 0.55 * font * t.textContent.length, height: 1.2 * font };
        estimated = true;
      }
      const w = bb.width, h = bb.height;
      const spots = [[4, 3], [4, -h - 3], [-w - 4, 3], [-w - 4, -h - 3], [-w / 2, 4], [-w / 2, -h - 4], [6, -h / 2], [-w - 6, -h / 2],
        [4, h + 2], [4, -2 * h - 2], [-w - 4, h + 2], [-w - 4, -2 * h - 2], [-w / 2, h + 4], [-w / 2, -2 * h - 4]];
      let best = null;
      for (const [dx, dy] of spots) {
        const b = { x: x + dx, y: y + dy, w, h };
        const out = b.x < 1 || b.x + w > W - 2 || b.y < 0 || b.y + h > H - PAD.b + 2 ? 1e6 : 0;
        const cost = out + boxes.reduce((sum, o) => sum + overlap(b, o), 0);
        if (!best || cost < best.cost) best = { b, cost };
        if (cost === 0) break;
      }
      boxes.push(best.b);
      t.setAttribute('x', (best.b.x - bb.x).toFixed(1));
      t.setAttribute('y', (best.b.y - bb.y).toFixed(1)); // the baseline
      // A label moved off its point gets a leader line from the point to the label's box.
      const nx = Math.min(Math.max(x, best.b.x), best.b.x + w), ny = Math.min(Math.max(y, best.b.y), best.b.y + h);
      if (Math.hypot(nx - x, ny - y) > 4) {
        t.parentNode.insertBefore(el('line', { class: 'fk-leader', x1: x, y1: y, x2: nx.toFixed(1), y2: ny.toFixed(1) }), t);
      }
    }
    return estimated;
  }

  function build(box) {
    svg = el('svg', { id: 'fkmap-svg', viewBox: `0 0 ${W} ${H}`, role: 'group', tabindex: 0,
      'aria-label': 'F–k map: click a point, or use the arrow keys (left, right: k; up, down: F; with Shift, ten times as far), to set F and k' });
    svg.append(el('rect', { class: 'fk-bg', x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b }));
    for (let i = 0; i <= 4; i++) { // ticks
      const k = K0 + (i * (K1 - K0)) / 4, F = F0 + (i * (F1 - F0)) / 4;
      // the last k tick ends at the frame (centred, it would be cut at the SVG's edge)
      svg.append(el('text', { class: 'fk-tick', x: sx(k), y: H - PAD.b + 12, 'text-anchor': i === 4 ? 'end' : 'middle' }, k.toFixed(2)));
      svg.append(el('text', { class: 'fk-tick', x: PAD.l - 3, y: sy(F) + 3, 'text-anchor': 'end' }, F.toFixed(3)));
    }
    svg.append(el('text', { class: 'fk-axis', x: W - PAD.r, y: H - 2, 'text-anchor': 'end' }, 'k'));
    svg.append(el('text', { class: 'fk-axis', x: 2, y: (sy(F0 + (7 * (F1 - F0)) / 8)) + 4 }, 'F')); // between the top two ticks
    // saddle-node line F = 4(F+k)^2, i.e. k = sqrt(F)/2 - F (above it: no uniform state
    // besides U = 1, V = 0)
    const pts = [];
    for (let i = 0; i <= 200; i++) {
      const F = F0 + (i / 200) * (F1 - F0), k = Math.sqrt(F) / 2 - F;
      if (k >= K0 && k <= K1) pts.push(`${sx(k).toFixed(1)},${sy(F).toFixed(1)}`);
    }
    svg.append(el('polyline', { class: 'fk-saddle', points: pts.join(' ') }));
    const labels = []; // [text element, point x, y, font px], placed below once all are known
    for (const [name, F, k, status, source] of CLASSES) { // filled: first-hand; hollow: not
      const g = el('g', { class: `fk-class ${status}`, 'data-name': name, 'data-status': status });
      g.append(el('circle', { cx: sx(k), cy: sy(F), r: 2 }));
      const t = el('text', {}, status === 'unverified' ? `${name}?` : name);
      g.append(t);
      labels.push([t, sx(k), sy(F), CLASS_FONT]);
      g.append(el('title', {}, `${MUNAFO.has(name) ? 'Munafo' : 'Pearson'} class ${name}: F ${F}, k ${k} (${status}: ${source})`));
      svg.append(g);
    }
    for (const p of window.rd.presets) {
      const F = p.values.F, k = p.values.k;
      const g = el('g', { class: 'fk-preset', 'data-name': p.name });
      g.append(el('rect', { x: sx(k) - 2.5, y: sy(F) - 2.5, width: 5, height: 5 }));
      const t = el('text', {}, p.name);
      g.append(t);
      labels.push([t, sx(k), sy(F), PRESET_FONT]);
      g.append(el('title', {}, `${p.name}: F ${F}, k ${k} (${p.source})`));
      svg.append(g);
    }

    mapRect = el('rect', { class: 'fk-range', visibility: 'hidden' });
    svg.append(mapRect);
    current = el('circle', { id: 'fk-current', r: 4, visibility: 'hidden' });
    svg.append(current);
    offNote = el('text', { id: 'fk-off', class: 'fk-off', x: W - PAD.r - 3, y: PAD.t + 12, 'text-anchor': 'end' }, '');
    svg.append(offNote);
    svg.addEventListener('click', onClick);
    svg.addEventListener('keydown', onKey);
    box.append(svg);
    const order = [...labels.filter((l) => l[3] === PRESET_FONT), ...labels.filter((l) => l[3] !== PRESET_FONT)]; // the long names first
    if (placeLabels(order) && typeof ResizeObserver === 'function') {
      // Built hidden (a phone's panel starts closed): placed again once the map has a size.
      const seen = new ResizeObserver(() => {
        if (!(svg.getBoundingClientRect().width > 0)) return;
        const again = placeLabels(order);
        window.rd.fkmapPlaced = (window.rd.fkmapPlaced || 0) + 1;
        if (!again) seen.disconnect(); // every width measured
      });
      seen.observe(svg);
    }
    window.rd.fkmapPlaced = (window.rd.fkmapPlaced || 0) + 1; // placings (a test hook)
  }

  // Screen point to (F, k) on the map; sets the controls and lets main.js send them.
  function onClick(ev) {
    const r = svg.getBoundingClientRect();
    const x = ((ev.clientX - r.left) / r.width) * W, y = ((ev.clientY - r.top) / r.height) * H;
    const k = kOf(x), F = FOf(y);
    if (!(k >= K0 && k <= K1 && F >= F0 && F <= F1)) return;
    setPair(F, k);
  }
  // The arrows move the pair in force across the map: k by K_STEP, F by F_STEP (Shift: ten).
  const K_STEP = 0.0005, F_STEP = 0.001;
  function onKey(ev) {
    const d = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 0], ArrowDown: [-1, 0] }[ev.key];
    const i = window.rd && window.rd.info;
    if (!d || !i || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    ev.stopPropagation(); // not the page's camera keys
    const n = ev.shiftKey ? 10 : 1, clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    setPair(clamp(i.F + d[0] * n * F_STEP, F0, F1), clamp(i.k + d[1] * n * K_STEP, K0, K1));
  }
  function setPair(F, k) {
    const Fi = document.getElementById('F'), ki = document.getElementById('k');
    if (!Fi || !ki || Fi.disabled) return;
    Fi.value = F.toFixed(4);
    ki.value = k.toFixed(4);
    ki.dispatchEvent(new Event('input', { bubbles: true })); // main.js sends both (sendParams)
    const i = window.rd && window.rd.info;
    if (i && i.map === true && window.rd.say) { // the ring moves, but the volume runs the map's ranges
      window.rd.say(`F ${F.toFixed(4)}, k ${k.toFixed(4)} set; the parameter map is on, so the volume runs its ` +
        'own ranges (the rectangle): turn the map off to run this pair.');
    }
  }

  function update() {
    const i = window.rd && window.rd.info;
    if (!svg || !i) return;
    const key = [i.F, i.k, i.map, i.kMin, i.kMax, i.FMin, i.FMax].join();
    if (key === last) return;
    last = key;
    // A pair beyond the drawn region: the ring waits, dashed, at the nearest edge, and a
    // note says where the pair is.
    const off = !(i.k >= K0 && i.k <= K1 && i.F >= F0 && i.F <= F1);
    const cx = sx(Math.min(K1, Math.max(K0, i.k))), cy = sy(Math.min(F1, Math.max(F0, i.F)));
    current.setAttribute('cx', cx);
    current.setAttribute('cy', cy);
    current.setAttribute('visibility', 'visible');
    current.classList.toggle('off', off);
    const dir = `${i.F > F1 ? '↑' : i.F < F0 ? '↓' : ''}${i.k > K1 ? '→' : i.k < K0 ? '←' : ''}`;
    offNote.textContent = off ? `F ${+i.F.toPrecision(4)}, k ${+i.k.toPrecision(4)} ${dir} off the map` : '';
    window.rd.fkmap = { F: i.F, k: i.k, cx, cy, off };
    if (i.map === true) {
      const x0 = sx(i.kMin), x1 = sx(i.kMax), y0 = sy(i.FMax), y1 = sy(i.FMin);
      mapRect.setAttribute('x', Math.min(x0, x1));
      mapRect.setAttribute('y', Math.min(y0, y1));
      mapRect.setAttribute('width', Math.abs(x1 - x0));
      mapRect.setAttribute('height', Math.abs(y1 - y0));
      mapRect.setAttribute('visibility', 'visible');
    } else mapRect.setAttribute('visibility', 'hidden');
  }

  // Enlarge: the map over the view, larger; Escape, the button again or a click outside it
  // brings it back (a click on it sets F and k, as in the panel).
  function enlarge(on) {
    const section = document.getElementById('fkmap'), box = document.getElementById('fkmap-box');
    const button = document.getElementById('fkmap-big');
    if (on === section.classList.contains('big')) return;
    box.style.height = on ? `${box.offsetHeight}px` : ''; // the panel below it stays put
    section.classList.toggle('big', on);
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Back to the panel' : 'Enlarge';
    if (on) svg.focus({ preventScroll: true }); // its arrow keys at once; the panel not scrolled
  }

  function start() {
    const box = document.getElementById('fkmap-box');
    if (!box || !window.rd || !window.rd.presets || !window.rd.presets.length) { setTimeout(start, 100); return; }
    build(box);
    update();
    const button = document.getElementById('fkmap-big');
    button.addEventListener('click', () => enlarge(!document.getElementById('fkmap').classList.contains('big')));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') enlarge(false); });
    document.addEventListener('pointerdown', (e) => {
      if (!svg.contains(e.target) && e.target !== button) enlarge(false);
    });
    window.addEventListener('rd:info', update); // main.js: each new rd.info
  }
  start();
})();
