// lab.test.mjs: the Threads lab and the pool timeline in the page (BROWSER=chromium or
// firefox). The lab on a small grid for 1..3 threads gives a row per count, equal state
// and mesh hashes in every row and equal to `rdsim --scaling` for the same settings,
// leaves the live hash as it was, and draws its chart; the timeline has a lane per
// worker; a saved trace is valid Trace Event Format with every phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { checkTrace } from './trace_check.mjs';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const S = useCaddyAndBrowser();
const K = 20;

test(`${BROWSER}: the threads lab for 1..3 threads matches rdsim --scaling and leaves the live state`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=3#preset=spots&size=24&paused=1`);
  await page.setViewport({ width: 800, height: 600 }); // the narrowest panel beside the view (200 px)
  await until(page, () => window.rd.info && window.rd.info.nx === 24 && window.rd.meshesDrawn > 0 && window.rdLab);
  const info = await page.evaluate(() => window.rd.info);
  assert.equal(info.step, 0, 'paused at the seeded state');
  const liveHash = async () => {
    await page.evaluate(() => { window.rd.hash = null; window.rd.worker.postMessage({ type: 'hash' }); });
    await until(page, () => window.rd.hash !== null);
    return page.evaluate(() => window.rd.hash);
  };
  const before = await liveHash();
  // The lab fills its list when its timeline poll first sees the engine (every POLL_MS).
  await until(page, () => document.getElementById('lab-threads').value !== '');
  assert.equal(await page.$eval('#lab-threads', (e) => e.value), '1,2,3', 'default list: 1..pool size');
  assert.equal(await page.$eval('#lab-steps', (e) => e.value), '100', 'default steps: engine/lab.h');
  // A bad step count is said in the view's message and marked; nothing runs.
  await page.evaluate(() => { document.getElementById('lab-steps').value = '2000000'; document.getElementById('lab-run').click(); });
  assert.match(await page.$eval('#message', (e) => e.textContent), /^Threads lab: Steps '2000000': must be a whole number 1\.\.1000000$/);
  assert.equal(await page.$eval('#lab-steps', (e) => e.getAttribute('aria-invalid')), 'true');
  assert.equal(await page.evaluate(() => window.rdLab.status), 'idle');
  await page.evaluate((k) => {
    document.getElementById('lab-steps').value = String(k);
    document.getElementById('lab-run').click();
  }, K);
  await until(page, () => window.rdLab.status === 'done', undefined, 120000);
  const lab = await page.evaluate(() => ({
    rows: window.rdLab.rows, chartPoints: window.rdLab.chartPoints,
    canvases: document.querySelectorAll('#lab-chart canvas').length,
    marks: [...document.querySelectorAll('#lab-table th .hash-col > span')].map((e) => e.textContent),
    fits: (() => { const t = document.getElementById('lab-table'); return [t.scrollWidth, document.getElementById('lab').clientWidth]; })(),
    differs: document.querySelectorAll('#lab-table tr.differs').length,
    progress: document.getElementById('lab-progress').value,
  }));
  assert.deepEqual(lab.rows.map((r) => r.threads), [1, 2, 3], 'a row per thread count');
  assert.ok(lab.rows.every((r) => r.done && r.steps === K && r.steps_per_s > 0), 'every row finished');
  assert.equal(new Set(lab.rows.map((r) => r.state_hash)).size, 1, 'one state hash');
  assert.equal(new Set(lab.rows.map((r) => r.mesh_hash)).size, 1, 'one mesh hash');
  assert.equal(lab.rows[0].speedup, 1, 'the 1-thread row is the base');
  assert.deepEqual(lab.marks, ['✔', '✔']);
  assert.equal(lab.differs, 0);
  assert.ok(lab.fits[0] <= lab.fits[1], `the table fits its section: ${lab.fits[0]} px in ${lab.fits[1]}`);
  assert.equal(lab.progress, 1);
  assert.equal(lab.chartPoints, 3, 'the chart has a point per thread count');
  assert.ok(lab.canvases >= 1, 'uPlot drew its canvas');
  const after = await liveHash();
  assert.deepEqual(after, before, 'the live hash and step are unchanged by the lab');

  // The same rows from the CLI, same settings.
  const out = execFileSync('build/native/rdsim', ['--preset', 'spots', '--size', '24', '--boundary',
    String(info.boundary), '--seed-mode', info.seedMode, '--seed', info.seed, '--steps', String(K),
    '--scaling', '1,2,3', '--json', ...(await page.evaluate(() => window.rd.view.close)) ? ['--mesh-close'] : []],
  { encoding: 'utf8' });
  const cli = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(cli.map((r) => r.threads), [1, 2, 3]);
  for (const r of cli) {
    assert.equal(r.state_hash, lab.rows[0].state_hash, 'rdsim --scaling: same state hash');
    assert.equal(r.mesh_hash, lab.rows[0].mesh_hash, 'rdsim --scaling: same mesh hash');
  }

  // The live simulation goes on from where it was.
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 3 }));
  await until(page, () => window.rd.info.step === 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the timeline has a lane per worker, and Save trace gives a valid trace with every phase`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=3#preset=spots&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0);
  await page.evaluate(() => {
    window.rd.hash = null;
    window.rd.worker.postMessage({ type: 'step', n: 200 });
    window.rd.worker.postMessage({ type: 'paint', x: 12, y: 12, z: 12, radius: 4, amount: 0.5 });
    window.rd.worker.postMessage({ type: 'hash' });
  });
  await until(page, () => window.rd.hash !== null && window.rd.info.step === 200 && window.rd.meshesDrawn > 1);
  // Scrolled out of view, the timeline is not polled (nothing asked of the worker, nothing
  // redrawn); scrolled to, it is polled again and shows the spans.
  await page.$eval('#btn-run', (e) => e.scrollIntoView({ block: 'start' }));
  await until(page, () => {
    const r = document.getElementById('lab-timeline').getBoundingClientRect();
    return r.top >= innerHeight || r.bottom <= 0;
  });
  await sleep(400); // an answer in flight lands
  const away = await page.evaluate(() => window.rdLab.trace.polls);
  await sleep(1200);
  assert.equal(await page.evaluate(() => window.rdLab.trace.polls), away, 'no polls while the timeline is out of view');
  await page.$eval('#lab-timeline', (e) => e.scrollIntoView({ block: 'center' }));
  const polls = await page.evaluate(() => window.rdLab.trace.polls);
  await until(page, (p) => window.rdLab.trace.polls > p + 2 && window.rdLab.trace.events.length > 0, polls);
  const tl = await page.evaluate(() => ({ workers: window.rdLab.trace.workers, shares: window.rdLab.shares,
    lanes: new Set(window.rdLab.trace.events.map((e) => e[0])).size }));
  assert.equal(tl.workers, 3);
  assert.ok(tl.lanes >= 1 && tl.shares.step > 0, `step has a share of busy time: ${JSON.stringify(tl.shares)}`);
  // While the shares change (the steps age out of the 4 s window: busy, then idle), nothing
  // below the timeline moves: a click aimed at a button lands on it.
  const tops = await page.evaluate(() => new Promise((resolve) => {
    const seen = new Set(), b = document.getElementById('lab-save-trace');
    const id = setInterval(() => seen.add(Math.round(b.getBoundingClientRect().top)), 100);
    setTimeout(() => { clearInterval(id); resolve([...seen]); }, 5500);
  }));
  assert.equal(tops.length, 1, `Save trace stayed in place while the timeline updated: tops ${tops}`);
  await page.evaluate(() => {
    window.rd.lastFile = null;
    document.getElementById('lab-trace-seconds').value = '60';
    document.getElementById('lab-save-trace').click();
  });
  await until(page, () => window.rd.lastFile !== null);
  const doc = await page.evaluate(() => JSON.parse(new TextDecoder().decode(window.rd.lastFile.buffer)));
  const scalar = await page.evaluate(() => window.rd.view.scalar);
  const phases = ['seed', 'step', 'merge', 'mc_classify', 'mc_fill', 'hash', 'paint', ...(scalar !== '0' ? ['mc_scalar'] : [])];
  assert.deepEqual(checkTrace(doc, { workers: 3, phases }), []);
  // A bad number of seconds is said and marked, never silently replaced.
  for (const bad of ['99999', '-5', '', 'abc']) {
    await page.evaluate((v) => { window.rd.lastFile = null; document.getElementById('lab-trace-seconds').value = v; document.getElementById('lab-save-trace').click(); }, bad);
    const m = await page.$eval('#message', (e) => e.textContent);
    assert.ok(m.includes(`Save trace: the last '${bad}' s: must be a number of seconds from 1 to 60.`), m);
    assert.equal(await page.$eval('#lab-trace-seconds', (e) => e.getAttribute('aria-invalid')), 'true');
  }
  await sleep(300);
  assert.equal(await page.evaluate(() => window.rd.lastFile), null, 'nothing saved');
  // Paused and idle for over a second: the last second's trace holds no work, and the page says so.
  await sleep(1500);
  await page.evaluate(() => { document.getElementById('lab-trace-seconds').value = '1'; document.getElementById('lab-save-trace').click(); });
  await until(page, () => window.rd.lastFile !== null);
  assert.equal(await page.$eval('#lab-trace-seconds', (e) => e.hasAttribute('aria-invalid')), false);
  assert.match(await page.$eval('#message', (e) => e.textContent), /It holds no pool work: the engine was idle/);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: rdsim --trace writes a valid trace with every phase of a step + mesh`, () => {
  const file = `/tmp/rd-trace-${process.pid}.json`;
  execFileSync('build/native/rdsim', ['--size', '32', '--steps', '40', '--threads', '3', '--mesh', `/tmp/rd-trace-${process.pid}.ply`,
    '--hash', '--trace', file]);
  const doc = JSON.parse(execFileSync('cat', [file], { encoding: 'utf8' }));
  assert.deepEqual(checkTrace(doc, { workers: 3, phases: ['seed', 'step', 'merge', 'mc_classify', 'mc_fill', 'mc_scalar', 'hash'] }), []);
});
