// lab.js: the "Threads lab" and "Pool timeline" section of the panel (index.html #lab).
// Threads lab: the engine (engine/lab.h, in the compute worker) restores the current
// state for each thread count of the list, runs K steps, meshes once, and reports a
// row (times, steps/s, speedup and efficiency against the 1-thread row, state and
// mesh hash); the live simulation resumes from exactly where it was. The rows appear
// as they finish; a hash column shows ✔ when every row agrees, ✘ and the differing
// rows highlighted otherwise; the speedup chart is uPlot (node_modules, copied into
// the web root by the Makefile). Pool timeline: the pool's trace rings (pool.h), one
// lane per worker over the last few seconds, polled a few times a second while it is on
// screen (scrolled out of view or in a hidden tab it costs nothing: in Firefox the polls and
// redraws of an idle page took 6 % of a core), and drawn again only when it would change.
// Test hooks: window.rdLab (status, rows, chart, trace).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const WINDOW_US = 4e6;   // the timeline shows the last 4 s
  const POLL_MS = 250;     // and is updated 4 times a second
  const COLORS = { other: '#9aa0a6', step: '#4285f4', merge: '#a142f4', mc_ranges: '#f4b400', mc_classify: '#fbbc04',
    mc_fill: '#ff7043', mc_scalar: '#e91e63', hash: '#0f9d58', seed: '#00acc1', paint: '#795548' };

  const lab = (window.rdLab = {
    status: 'idle',   // idle | running | done | failed | cancelled
    progress: 0,
    rows: [],         // the engine's rows (lab_row_json)
    runs: 0,          // labs finished (done, failed or cancelled)
    error: '',
    chart: null,      // the uPlot instance once drawn
    chartPoints: 0,   // measured points in the chart
    trace: { now: 0, workers: 0, phases: [], events: [], polls: 0 }, // events: [worker, t0, t1, code]
    shares: {},       // phase -> share of busy time in the window
    poolSize: 0,
    onMessage,
  });

  function send(m) { if (rd.worker) rd.worker.postMessage(m); }

  function defaultThreads() {
    return Array.from({ length: rd.poolSize }, (_, i) => i + 1).join(',');
  }

  // "1,2,4" -> [1, 2, 4], or a reason.
  function parseThreads(text) {
    const parts = text.split(',');
    if (!parts.every((p) => /^\d{1,2}$/.test(p))) return { why: 'thread counts, commas between (e.g. 1,2,3)' };
    const list = parts.map(Number);
    if (!list.every((n) => n >= 1 && n <= rd.poolSize)) return { why: `each thread count must be 1..${rd.poolSize} (the pool's size)` };
    return { list };
  }

  function start() {
    const t = parseThreads($('lab-threads').value.trim());
    const text = $('lab-steps').value.trim(), steps = Number(text), max = rd.schema.lab.maxSteps; // engine/lab.h
    const stepsOk = /^\d+$/.test(text) && steps >= 1 && steps <= max;
    mark('lab-threads', !!t.why);
    mark('lab-steps', !stepsOk);
    if (t.why) { lab.error = t.why; showError(t.why); return; }
    if (!stepsOk) { showError(`Steps '${$('lab-steps').value}': must be a whole number 1..${max}`); return; }
    rd.say('');
    lab.error = '';
    lab.rows = [];
    lab.status = 'running';
    lab.progress = 0;
    render();
    send({ type: 'lab_start', threads: t.list, steps });
  }

  function showError(text) { rd.say(`Threads lab: ${text}`, true); } // the page's one path for outcomes
  const mark = (id, bad) => rd.markInvalid($(id), bad);

  const hex = (h) => h.slice(0, 8) + '…';
  const fix = (x, d) => (typeof x === 'number' && x > 0 ? x.toFixed(d) : '–');

  // ✔ when every finished row has the same value, ✘ otherwise; the differing rows are
  // those whose value is not the most common one.
  function agreement(key) {
    const done = lab.rows.filter((r) => r.done);
    const counts = new Map();
    for (const r of done) counts.set(r[key], (counts.get(r[key]) || 0) + 1);
    let common = null, most = 0;
    for (const [v, c] of counts) if (c > most) { common = v; most = c; }
    return { same: counts.size <= 1, mark: done.length === 0 ? '' : counts.size <= 1 ? '✔' : '✘', common };
  }

  function render() {
    const running = lab.status === 'running';
    $('lab-run').disabled = running || !rd.poolSize;
    $('lab-cancel').disabled = !running;
    $('lab-progress').value = lab.progress;
    const sh = agreement('state_hash'), mh = agreement('mesh_hash');
    // Each run is two rows: its figures, then its two hashes across the table (so the table
    // fits a narrow panel: at 800 px wide the panel is 200 px).
    $('lab-table').tHead.innerHTML = '<tr><th title="threads">thr.</th><th>steps /s</th><th>step ms</th><th>mesh ms</th>' +
      '<th title="speedup against the 1-thread row">×</th><th title="parallel efficiency: speedup / threads">eff. %</th></tr>' +
      '<tr class="hash-row"><th colspan="6">hashes: ' +
      `<span class="hash-col ${sh.same ? 'ok' : 'bad'}" data-key="state_hash">state <span>${sh.mark}</span></span> · ` +
      `<span class="hash-col ${mh.same ? 'ok' : 'bad'}" data-key="mesh_hash">mesh <span>${mh.mark}</span></span></th></tr>`;
    $('lab-table').tBodies[0].innerHTML = lab.rows.map((r) => {
      const bad = r.done && ((!sh.same && r.state_hash !== sh.common) || (!mh.same && r.mesh_hash !== mh.common));
      const cls = `${r.done ? 'done' : 'pending'}${bad ? ' differs' : ''}`;
      return `<tr class="${cls}" data-threads="${r.threads}">` +
        `<td>${r.threads}</td><td>${fix(r.steps_per_s, 0)}</td><td>${fix(r.step_ms, 1)}</td><td>${fix(r.mesh_ms, 1)}</td>` +
        `<td>${fix(r.speedup, 2)}</td><td>${r.done ? (r.efficiency * 100).toFixed(0) : '–'}</td></tr>` +
        `<tr class="hash-row ${cls}"><td colspan="6">` +
        `<span class="mono${!sh.same && r.done && r.state_hash !== sh.common ? ' bad' : ''}" title="state_hash ${r.state_hash}">${r.done ? hex(r.state_hash) : '…'}</span> · ` +
        `<span class="mono${!mh.same && r.done && r.mesh_hash !== mh.common ? ' bad' : ''}" title="mesh_hash ${r.mesh_hash}">${r.done ? hex(r.mesh_hash) : '…'}</span></td></tr>`;
    }).join('');
    drawChart();
  }

  // Speedup by thread count (mean of repeated counts), and the ideal line y = x.
  function drawChart() {
    const done = lab.rows.filter((r) => r.done && r.speedup > 0);
    const by = new Map();
    for (const r of done) { const a = by.get(r.threads) || []; a.push(r.speedup); by.set(r.threads, a); }
    const xs = [...by.keys()].sort((a, b) => a - b);
    const measured = xs.map((x) => by.get(x).reduce((s, v) => s + v, 0) / by.get(x).length);
    const el = $('lab-chart');
    if (!window.uPlot) { el.textContent = 'uPlot.iife.min.js did not load'; return; }
    const width = Math.max(200, el.clientWidth || 280);
    const data = [xs, measured, xs.slice()];
    if (!lab.chart) {
      lab.chart = new window.uPlot({
        width, height: 160, title: 'speedup against 1 thread (line: ideal)', legend: { show: false },
        scales: { x: { time: false }, y: { range: (u, lo, hi) => [0, Math.max(2, hi)] } },
        axes: [{ ...rd.chartAxis(), label: 'threads' }, { ...rd.chartAxis(), label: '×' }],
        series: [{ label: 'threads' },
          { label: 'measured', stroke: '#4285f4', width: 2, points: { size: 7 } },
          { label: 'ideal', stroke: '#9aa0a6', dash: [6, 4], width: 1, points: { show: false } }],
      }, data, el);
    } else {
      lab.chart.setData(data);
    }
    lab.chartPoints = xs.length;
  }

  // ---- timeline --------------------------------------------------------------------

  function poll() {
    if (!rd.worker || !rd.poolSize || !rd.info) return;
    if (lab.poolSize !== rd.poolSize) { // the engine (re)started: main.js keeps its 'ready' message
      lab.poolSize = rd.poolSize;
      if (!$('lab-threads').value) $('lab-threads').value = defaultThreads();
      if (!$('lab-steps').value && rd.schema) $('lab-steps').value = String(rd.schema.lab.defaultSteps); // engine/lab.h
      $('lab-save-trace').disabled = false;
      lab.trace = { now: 0, workers: rd.poolSize, phases: [], events: [], polls: 0 };
      render();
      drawTimeline(); // its lanes at their height now, not when it is first scrolled to (nothing moves then)
    }
    if (!timelineSeen || document.visibilityState !== 'visible') return;
    const t = lab.trace;
    send({ type: 'trace', since: t.now > 0 ? t.now : 0 });
    if (t.sentAt && performance.now() - t.sentAt > 5000) t.now = 0; // no answer (a restart): from the start
    t.sentAt = performance.now();
  }

  function onTrace(m) {
    const t = lab.trace;
    if (m.now < t.now) t.events = []; // a fresh engine: a new clock
    t.polls++;
    t.sentAt = 0;
    t.now = m.now;
    t.phases = m.phases;
    t.workers = m.workers;
    const from = m.now - WINDOW_US;
    const kept = t.events.filter((e) => e[2] >= from);
    for (let i = 0; i < m.events.length; i += 4) kept.push([m.events[i], m.events[i + 1], m.events[i + 2], m.events[i + 3]]);
    t.events = kept;
    // Nothing in the window, as at the last draw: the canvas already shows that.
    const empty = kept.length === 0 ? `${$('lab-timeline').clientWidth}x${t.workers}` : '';
    if (empty && empty === t.drawnEmpty) return;
    t.drawnEmpty = empty;
    drawTimeline();
  }

  function drawTimeline() {
    const t = lab.trace, cv = $('lab-timeline');
    const lane = 14, w = Math.max(200, cv.clientWidth || 300), h = t.workers * lane + 12;
    if (cv.width !== w || cv.height !== h) { cv.width = w; cv.height = h; }
    const g = cv.getContext('2d');
    g.clearRect(0, 0, w, h);
    const x0 = 22, span = w - x0 - 2, from = t.now - WINDOW_US;
    const X = (us) => x0 + ((us - from) / WINDOW_US) * span;
    g.font = '10px sans-serif';
    const busy = {}, perLane = new Array(t.workers).fill(0);
    let total = 0;
    for (let k = 0; k < t.workers; k++) {
      g.fillStyle = '#eee';
      g.fillRect(x0, k * lane + 1, span, lane - 2);
      g.fillStyle = '#555';
      g.fillText(String(k), 4, k * lane + lane - 3);
    }
    for (const [wk, t0, t1, code] of t.events) {
      const phase = t.phases[code & 255] || 'other', depth = (code >> 8) & 255, stolen = code >= 65536;
      const a = Math.max(t0, from);
      if (t1 < from) continue;
      if (depth === 0) { // busy time: outermost spans only (nested ones lie inside them)
        const d = t1 - a;
        busy[phase] = (busy[phase] || 0) + d;
        perLane[wk] += d;
        total += d;
      }
      const y = wk * lane + 1 + Math.min(depth, 2) * 3, hh = lane - 2 - Math.min(depth, 2) * 6;
      g.fillStyle = COLORS[phase] || COLORS.other;
      g.fillRect(X(a), y, Math.max(1, X(t1) - X(a)), hh);
      if (stolen) { // a steal: a small dark tick at the span's start
        g.fillStyle = '#000';
        g.beginPath();
        g.moveTo(X(t0), wk * lane + 1);
        g.lineTo(X(t0) + 3, wk * lane + 1);
        g.lineTo(X(t0), wk * lane + 5);
        g.fill();
      }
    }
    g.fillStyle = '#555';
    g.fillText('−4 s', x0, h - 1);
    g.fillText('now', w - 22, h - 1);
    lab.shares = {};
    for (const [p, d] of Object.entries(busy)) lab.shares[p] = total > 0 ? d / total : 0;
    lab.laneBusy = perLane.map((d) => d / WINDOW_US);
    showShares(total);
  }

  // Every phase in one fixed order and fixed cells, 0 % included, from the page's start
  // ("–" until the pool has been busy): the legend's height and each entry's place never
  // change (filling in, it moved the buttons below it, and a click meant for Save state
  // landed on the list above it).
  function showShares(total) {
    const names = Object.keys(COLORS);
    for (const p of Object.keys(lab.shares || {})) if (!names.includes(p)) names.push(p);
    $('lab-shares').innerHTML = names.map((p) =>
      `<span><i style="background:${COLORS[p] || COLORS.other}"></i>${p} ${total > 0 ? `${((lab.shares[p] || 0) * 100).toFixed(0)}%` : '–'}</span>`).join('');
    $('lab-shares').title = total > 0 ? 'share of the pool\'s busy time by phase' : 'the pool was idle';
  }
  showShares(0);

  // ---- messages --------------------------------------------------------------------

  function onMessage(m) {
    switch (m.type) {
      case 'lab':
        lab.rows = m.rows;
        lab.progress = m.progress;
        lab.status = m.status;
        if (m.status !== 'running') lab.runs++;
        if (m.error) { lab.error = m.error; showError(m.error); }
        render();
        break;
      case 'trace':
        onTrace(m);
        break;
      case 'error':
        if (/threads lab/.test(m.message) && lab.status === 'running') { lab.status = 'failed'; lab.runs++; lab.error = m.message; render(); }
        break;
    }
  }

  $('lab-run').onclick = start;
  $('lab-cancel').onclick = () => send({ type: 'lab_cancel' });
  // Save trace: the last 1..60 s (a bad field is said and marked, never replaced silently).
  $('lab-save-trace').onclick = () => {
    const el = $('lab-trace-seconds'), text = el.value.trim(), s = Number(text);
    const ok = text !== '' && /^\d+(\.\d*)?$/.test(text) && s >= 1 && s <= 60;
    rd.markInvalid(el, !ok);
    if (!ok) { rd.say(`Save trace: the last '${el.value}' s: must be a number of seconds from 1 to 60.`, true); return; }
    rd.say('');
    send({ type: 'save_trace', seconds: s });
  };
  // The timeline on screen (the panel scrolled to it, not hidden): polled, at once when it appears.
  let timelineSeen = !window.IntersectionObserver;
  if (window.IntersectionObserver) {
    new IntersectionObserver((seen) => {
      timelineSeen = seen[seen.length - 1].isIntersecting;
      if (timelineSeen) poll();
    }).observe($('lab-timeline'));
  }
  setInterval(poll, POLL_MS);
  render();
})();
