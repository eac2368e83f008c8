// plots.js: the "Time series" section (index.html #series). The worker sends a row of
// the engine's statistics (engine/stats.h: mean and max of V, min V, mean U, the
// fraction of the volume inside the isosurface, triangles and surface area of the
// mesh, and that mesh's level: 1 full resolution, 2 or 4 when drawn coarse under the
// drawing budget, its area still in the grid's units) after each mesh, a few times a second while running. The page keeps the last
// MAX_ROWS rows (a row of the same step replaces the previous one; a step count that
// goes back, a new run, starts the series again), plots the chosen statistics over
// steps with uPlot and exports them as CSV: the columns are the row's keys, in the
// engine's order (stats_json writes them as STATS_CSV_HEADER names them), so the CSV
// follows the engine; only how each statistic is drawn (label, colour, scale) is here.
// Test hooks: window.rdPlots (rows, points, csv()).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const MAX_ROWS = 5000;
  const LABELS = { meanV: 'mean V', maxV: 'max V', minV: 'min V', meanU: 'mean U', inside: 'inside (V ≥ iso)',
    triangles: 'triangles', area: 'surface area' };
  const COLORS = { meanV: '#4285f4', maxV: '#db4437', minV: '#7baaf7', meanU: '#0f9d58', inside: '#f4b400',
    triangles: '#a142f4', area: '#ff7043' };
  // Scales: the fields of V and U share 0..1; counts and areas each have their own.
  const SCALE = { meanV: 'unit', maxV: 'unit', minV: 'unit', meanU: 'unit', inside: 'unit', triangles: 'tris', area: 'area' };
  const PLOTTED = Object.keys(LABELS); // the statistics one can plot (step is x; level only a CSV column)

  const plots = (window.rdPlots = {
    rows: [],     // {step, meanV, ...} as the engine computed them
    run: null,    // the worker's run the rows belong to ('series' messages' run)
    points: 0,    // points in the chart's x data
    chart: null,
    csv,
    onMessage,
  });

  let drawScheduled = false;

  function chosen() {
    return [...document.querySelectorAll('#series-pick input:checked')].map((el) => el.value);
  }

  function onMessage(m) {
    if (m.type !== 'series' || !m.row || typeof m.row.step !== 'number') return;
    const rows = plots.rows, last = rows[rows.length - 1];
    // A new run (Reset, Load state, a new engine) or an undo past steps starts the series again.
    if (last && (m.run !== plots.run || m.row.step < last.step)) rows.length = 0;
    plots.run = m.run;
    if (last && rows.length && m.row.step === last.step) rows[rows.length - 1] = m.row;
    else rows.push(m.row);
    if (rows.length > MAX_ROWS) rows.splice(0, rows.length - MAX_ROWS);
    const r = m.row;
    $('series-now').textContent = `step ${r.step}: mean V ${r.meanV.toFixed(4)}, max V ${r.maxV.toFixed(3)}, ` +
      `inside ${(100 * r.inside).toFixed(2)}%, area ${r.area.toFixed(0)}` +
      (r.level > 1 ? ` (mesh at 1/${r.level} resolution)` : '');
    if (!drawScheduled) { drawScheduled = true; requestAnimationFrame(draw); }
  }

  // Axis numbers in at most about five characters: 0.25, 1200, 50k, 1.2M.
  function compact(u, vals) {
    return vals.map((v) => {
      const a = Math.abs(v);
      if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
      if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
      return String(+v.toPrecision(4));
    });
  }

  function draw() {
    drawScheduled = false;
    const el = $('series-chart');
    if (!window.uPlot) { el.textContent = 'uPlot.iife.min.js did not load'; return; }
    const keys = chosen();
    const data = [plots.rows.map((r) => r.step), ...keys.map((k) => plots.rows.map((r) => r[k]))];
    const shape = keys.join(',');
    if (plots.chart && plots.chart.shape !== shape) { plots.chart.destroy(); plots.chart = null; }
    if (!plots.chart) {
      const width = Math.max(200, el.clientWidth || 280);
      const scales = [...new Set(keys.map((k) => SCALE[k]))], axis = rd.chartAxis();
      plots.chart = new window.uPlot({
        width, height: 150 + 30 * (scales.length - 1), legend: { show: true, live: false },
        scales: { x: { time: false } },
        // One axis a side, compact numbers (50k), coloured as the first series on it; a third
        // scale (both counts with the fields) draws no axis: its values are in the legend.
        axes: [{ ...axis, label: 'step', values: compact }, ...scales.map((s, i) => ({
          ...axis, scale: s, side: i === 0 ? 3 : 1, grid: { ...axis.grid, show: i === 0 }, show: i < 2, size: 38,
          values: compact, stroke: scales.length > 1 ? COLORS[keys.find((k) => SCALE[k] === s)] : axis.stroke,
        }))],
        series: [{ label: 'step' }, ...keys.map((k) => ({ label: LABELS[k], stroke: COLORS[k], width: 1.5, scale: SCALE[k],
          points: { show: false } }))],
      }, data, el);
      plots.chart.shape = shape;
    } else {
      plots.chart.setData(data);
    }
    plots.points = data[0].length;
  }

  // The rows as CSV: a header of the rows' keys, then one row per step (numbers as JavaScript
  // writes them: the shortest text that reads back as the same double).
  function csv() {
    const columns = plots.rows.length ? Object.keys(plots.rows[0]) : [];
    return [columns.join(','), ...plots.rows.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n') + '\n';
  }

  function exportCsv() {
    const name = rd.fileName('csv', 'series');
    rd.download(csv(), name, 'text/csv');
    rd.say(`Saved ${name} (${plots.rows.length} rows).`);
  }

  $('series-pick').innerHTML = PLOTTED.map((k) =>
    `<label><input type="checkbox" value="${k}"${k === 'meanV' || k === 'maxV' || k === 'inside' ? ' checked' : ''}> ` +
    `${LABELS[k]}</label>`).join('');
  $('series-pick').addEventListener('change', () => { if (!drawScheduled) { drawScheduled = true; requestAnimationFrame(draw); } });
  $('series-csv').addEventListener('click', exportCsv);
  $('series-clear').addEventListener('click', () => { plots.rows.length = 0; draw(); });
})();
