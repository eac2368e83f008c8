// profile.js: the "Line profile" section (index.html #profile-section), ParaView's "plot over line"
// along an axis. View → Line profile (the schema's `profile`: off, x, y, z) picks the axis;
// the line passes through the other two slices' positions (sliceXPos... : the sample a
// slice there shows, engine/slice.h slice_index), whether those slices are drawn or not.
// The worker sends {type:'profile', axis, at: [x, y, z] (-1 along the line), step, u, v}
// (engine/probe.h probe_line: the state's own floats) with each mesh and when only the
// view's planes changed; {axis: 'none'} when it is turned off. This file plots U and V
// over the line with uPlot, shows the line in the view (orange, over everything: the app's
// app_set_profile) and exports them as CSV (the axis letter, U, V; each value
// the fewest digits that read back as its float32, as rdsim --probe's %.9g does).
// Test hooks: window.rdProfile (last, csv(), chart).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const COLORS = { u: '#0f9d58', v: '#4285f4' };

  const prof = (window.rdProfile = { last: null, chart: null, csv, onMessage });
  let drawScheduled = false;

  const f32 = (x) => String(+x.toPrecision(9)); // reads back as the same float32

  function onMessage(m) {
    if (m.type !== 'profile') return;
    prof.last = m.axis === 'none' ? null : m;
    // the line in the view (app/render.c render_set_profile), orange over everything
    if (rd.app) {
      const at = m.at || [0, 0, 0];
      rd.app._app_set_profile(prof.last ? 'xyz'.indexOf(m.axis) : -1, at[0], at[1], at[2]);
    }
    if (!drawScheduled) { drawScheduled = true; requestAnimationFrame(draw); }
  }

  // "along x at y = 6, z = 5 (step 200)"
  function where(m) {
    const others = [0, 1, 2].filter((a) => m.at[a] >= 0).map((a) => `${'xyz'[a]} = ${m.at[a]}`);
    return `along ${m.axis} at ${others.join(', ')} (step ${m.step})`;
  }

  function draw() {
    drawScheduled = false;
    const el = $('profile-chart'), m = prof.last;
    $('profile-none').hidden = !!m;
    el.hidden = !m;
    $('profile-now').textContent = m ? where(m) : '';
    if (!m) { if (prof.chart) { prof.chart.destroy(); prof.chart = null; } return; }
    if (!window.uPlot) { el.textContent = 'uPlot.iife.min.js did not load'; return; }
    const data = [Array.from(m.u, (_, i) => i), Array.from(m.u), Array.from(m.v)];
    if (prof.chart && prof.chart.axisName !== m.axis) { prof.chart.destroy(); prof.chart = null; }
    if (!prof.chart) {
      const axis = rd.chartAxis();
      prof.chart = new window.uPlot({
        width: Math.max(200, el.clientWidth || 280), height: 150, legend: { show: true, live: false },
        scales: { x: { time: false }, y: { range: [0, 1] } }, // U and V both lie in 0..1
        axes: [{ ...axis, label: `${m.axis} (sample)` }, { ...axis, size: 38 }],
        series: [{ label: m.axis }, { label: 'U', stroke: COLORS.u, width: 1.5, points: { show: false } },
          { label: 'V', stroke: COLORS.v, width: 1.5, points: { show: false } }],
      }, data, el);
      prof.chart.axisName = m.axis;
    } else {
      prof.chart.setData(data);
    }
  }

  // The last profile as CSV: a header (the axis letter, U, V), then one row per sample.
  function csv() {
    const m = prof.last;
    if (!m) return '';
    return [`${m.axis},U,V`, ...Array.from(m.u, (u, i) => `${i},${f32(u)},${f32(m.v[i])}`)].join('\n') + '\n';
  }

  function exportCsv() {
    const m = prof.last;
    if (!m) { rd.say('No line profile to export: choose its axis under View → Line profile.', true); return; }
    const others = [0, 1, 2].filter((a) => m.at[a] >= 0).map((a) => `${'xyz'[a]}${m.at[a]}`).join('');
    const name = rd.fileName('csv', `profile-${m.axis}-${others}`, m.step);
    rd.download(csv(), name, 'text/csv');
    rd.say(`Saved ${name} (${m.u.length} samples ${where(m)}).`);
  }

  $('profile-csv').addEventListener('click', exportCsv);
})();
