// settings.test.mjs: the page's settings come from the engine's schema (BROWSER=chromium
// or firefox). The panel holds one control per setting the schema defines and lists only
// its choices; the link always shows what is in force; a link with bad values still
// opens a running simulation and one message names each value it replaced; an empty or
// non-numeric field is refused with a message, never read as 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';

const S = useCaddyAndBrowser();

// What rdsim (the native build of the same table) says the settings are.
const SCHEMA = JSON.parse(execFileSync('build/native/rdsim', ['--schema'], { encoding: 'utf8' }));
const param = (key) => SCHEMA.params.find((p) => p.key === key);

const message = (page) => page.evaluate(() => {
  const m = document.getElementById('message');
  return m.hidden ? '' : m.textContent;
});
const linkOf = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));
const options = (page, id) => page.$$eval(`#${id} option`, (os) => os.map((o) => o.value));
const type = (page, id, value) => page.evaluate((i, v) => {
  const el = document.getElementById(i);
  el.value = v;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}, id, value);
const running = (page) => until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.stats &&
  window.rd.stats.running === true && window.rd.stats.step > 0);

test(`${BROWSER}: the panel is the schema's: one control per setting, the engine agrees`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#size=32&paused=1`);
  await until(page, () => window.rd.ready && window.rd.info);
  const shown = await page.evaluate(() => [...document.querySelectorAll('#panel section[data-apply] [id]')]
    .map((e) => ({ id: e.id, apply: e.closest('section').dataset.apply })));
  assert.deepEqual(shown, SCHEMA.params.map((p) => ({ id: p.key, apply: p.apply })));
  for (const p of SCHEMA.params.filter((q) => q.choices)) {
    assert.deepEqual(await options(page, p.key), p.choices.map((c) => c.value), `${p.key} lists the schema's choices`);
  }
  assert.deepEqual(await options(page, 'mesh-format'), SCHEMA.formats.map((f) => f.ext));
  assert.deepEqual(await page.evaluate(() => window.rd.presets.map((p) => p.name)), SCHEMA.presets.map((p) => p.name));
  assert.deepEqual(await page.evaluate(() => window.rd.problems), [], 'schema.json and the engine agree');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link with bad values opens a running simulation, names each value it replaced`, async () => {
  const bad = { preset: 'nonexistent', stencil: '5', boundary: '2', seedMode: 'foo', size: '7', Du: '', F: 'abc', iso: 'NaN' };
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#${new URLSearchParams(bad)}`);
  await running(page);
  const text = await message(page);
  for (const [key, v] of Object.entries(bad)) assert.ok(text.includes(`${key}=${v} (`), `the message names ${key}: ${text}`);
  const info = await page.evaluate(() => window.rd.info);
  const spots = SCHEMA.presets[0].values;
  assert.equal(info.nx, param('size').default, 'size: the default');
  assert.equal(info.stencil, Number(spots.stencil));
  assert.equal(info.boundary, Number(param('boundary').default));
  assert.equal(Math.fround(info.F), Math.fround(spots.F), 'F: the default preset\'s, not 0 nor a stale value');
  assert.equal(Math.fround(info.Du), Math.fround(spots.Du), 'Du: the preset\'s, not 0');
  assert.equal(await page.evaluate(() => window.rd.view.iso), param('iso').default);
  for (const key of ['stencil', 'boundary', 'seedMode']) {
    assert.deepEqual(await options(page, key), param(key).choices.map((c) => c.value), `${key} gained no option`);
  }
  assert.deepEqual(await options(page, 'size'), param('size').suggest.map(String), 'size gained no option');
  const link = await linkOf(page);
  assert.equal(link.preset, SCHEMA.presets[0].name, 'the link names a real preset');
  assert.equal(link.size, String(param('size').default));
  assert.equal(link.stencil, spots.stencil);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link whose values the engine refuses together still runs, with the preset's`, async () => {
  // Each value is in its range, but worms' dt = 0.9 is beyond the stability limit with Du = 0.5.
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=worms&size=24&Du=0.5&Dv=0.5`);
  await running(page);
  const text = await message(page);
  assert.match(text, /replaced: Du, Dv \(.*unstable.*the preset's values/, 'names exactly the keys the link changed');
  const info = await page.evaluate(() => window.rd.info);
  const worms = SCHEMA.presets.find((p) => p.name === 'worms').values;
  assert.equal(info.nx, 24, 'the link\'s valid grid is kept');
  assert.equal(Math.fround(info.Du), Math.fround(worms.Du));
  assert.equal((await linkOf(page)).Du, '0.16', 'the link shows the Du in force');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a refused value never stays in the link; empty or non-numeric fields are refused`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24 && window.rd.meshesDrawn > 0);
  const before = await page.evaluate(() => window.rd.info);
  // The engine refuses: a Du the Dv in force cannot follow (Dv < Du/2). The URL keeps the Du in force.
  await type(page, 'Du', '0.16');
  await until(page, () => window.rd.errors.some((e) => /parameters refused: Dv = 0.041 is unstable with Du = 0.16/.test(e)));
  await until(page, () => new URLSearchParams(location.hash.slice(1)).get('Du') === '0.082');
  assert.equal(await page.$eval('#Du', (e) => e.value), '0.082');
  // The page refuses: empty, non-numeric and out-of-range fields, each with a message naming it
  // (dt beyond 1 is never stable: its range is (0, 1], one range wherever it is said).
  for (const [id, v, name] of [['Du', '', 'Du'], ['Dv', 'abc', 'Dv'], ['dt', '-1', 'dt'], ['dt', '1.5', 'dt'],
    ['seed', '', 'Seed'], ['seed', '12x', 'Seed']]) {
    await type(page, id, v);
    if (id === 'seed') await page.click('#btn-reset');
    await until(page, (n) => {
      const m = document.getElementById('message');
      return !m.hidden && m.classList.contains('bad') && m.textContent.startsWith(`${n} '`);
    }, name);
    const text = await message(page);
    assert.match(text, /must be a decimal/, `${id}='${v}': ${text}`);
  }
  const after = await page.evaluate(() => window.rd.info);
  assert.deepEqual(after, before, 'nothing changed: no field was read as 0');
  const link = await linkOf(page);
  assert.equal(link.Du, '0.082', 'the link shows the Du in force');
  assert.equal(await page.$eval('#Du', (e) => e.value), '0.082', 'the field shows the Du in force again');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a valid link value the lists lack is shown, and the link reproduces it`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=40&F=0.5&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 40);
  assert.equal(await page.$eval('#size', (e) => e.value), '40');
  assert.equal(await page.$eval('#F', (e) => e.value), '0.5', 'the slider widens to a valid F beyond its extent');
  const link = await linkOf(page);
  assert.equal(link.size, '40');
  assert.equal(link.F, '0.5');
  // A slider shows a preset's value exactly (uskate's k = 0.06093 is not snapped to the
  // slider's step), so the engine runs it and the link carries it.
  await page.select('#preset', 'uskate');
  await until(page, () => window.rd.info && Math.fround(window.rd.info.k) === Math.fround(0.06093));
  assert.equal(await page.$eval('#k', (e) => e.value), '0.06093');
  assert.equal((await linkOf(page)).k, '0.06093');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link may spell a choice as rdsim does (boundary=zeroflux, scalar=gradv); a bad one is named in those words`, async () => {
  const { page, errors } = await openPage(S.browser,
    `${S.server.url}/?threads=2#preset=mitosis&size=24&boundary=zeroflux&scalar=gradv&stencil=19&paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.view);
  assert.doesNotMatch(await message(page), /replaced/, 'nothing in the link was replaced');
  const info = await page.evaluate(() => window.rd.info);
  assert.equal(info.boundary, 1, 'zero-flux, as rdsim --boundary zeroflux');
  assert.equal(info.stencil, 19);
  assert.equal(await page.evaluate(() => String(window.rd.view.scalar)), '2', 'coloured by |∇V|, as rdsim --mesh-color gradv');
  const link = await linkOf(page);
  assert.equal(link.boundary, '1', 'the link keeps the page\'s spelling');
  assert.equal(link.scalar, '2');
  await page.close();
  const bad = await openPage(S.browser, `${S.server.url}/?threads=2#preset=mitosis&size=24&boundary=wrap&paused=1`);
  await until(bad.page, () => window.rd.info && window.rd.meshesDrawn > 0);
  assert.match(await message(bad.page), /boundary=wrap \(must be periodic or zeroflux; periodic\)/);
  assert.deepEqual([...errors, ...bad.errors], []);
  await bad.page.close();
});

test(`${BROWSER}: a link carries the pacing: speed= paces the run and stopAt= pauses it exactly there; bad ones are named`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&speed=30&stopAt=45`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0);
  assert.equal(await page.$eval('#speed', (e) => e.value), '30');
  assert.equal(await page.$eval('#stopAt', (e) => e.value), '45');
  let link = await linkOf(page);
  assert.equal(link.speed, '30', 'the link keeps the speed');
  // Paced: the worker's own rate while it runs is at most about 30 steps/s (a slower machine
  // only gives less; unpaced, 24³ runs at thousands).
  await until(page, () => window.rd.stats && window.rd.stats.running && window.rd.stats.step >= 10);
  const rate = await page.evaluate(() => window.rd.stats.stepsPerSec);
  assert.ok(rate > 0 && rate <= 36, `paced at 30 steps/s: ${rate.toFixed(1)}`);
  await until(page, () => window.rd.running === false && window.rd.info.step === 45);
  // The state there is rdsim's after as many steps.
  await page.click('#btn-hash');
  await until(page, () => /^state_hash [0-9a-f]{16} at step 45$/.test(document.getElementById('hash').textContent));
  const cli = execFileSync('build/native/rdsim', ['--preset', 'spots', '--size', '24', '--steps', '45', '--hash'], { encoding: 'utf8' });
  assert.equal((await page.$eval('#hash', (e) => e.textContent)).split(' ')[1], cli.match(/state_hash ([0-9a-f]{16})/)[1]);
  link = await linkOf(page);
  assert.equal(link.stopAt, undefined, 'reached, the stop leaves the link');
  assert.equal(link.speed, '30');
  await page.select('#speed', '0');
  assert.equal((await linkOf(page)).speed, undefined, 'unlimited is the default: not in the link');
  await page.close();
  const bad = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&speed=7&stopAt=soon`);
  await running(bad.page);
  const text = await message(bad.page);
  assert.match(text, /speed=7 \(must be 0, 1000, 300, 100, 30, 10, 3: steps a second, 0 for unlimited; unlimited\)/);
  assert.match(text, /stopAt=soon \(must be a whole number from 1; never\)/);
  assert.deepEqual([...errors, ...bad.errors], []);
  await bad.page.close();
});

test(`${BROWSER}: a link carries the active threads when fewer than the pool's; more than the pool's is named`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=16&paused=1&active=1`);
  await until(page, () => window.rd.ready && window.rd.activeThreads === 1);
  assert.equal(await page.$eval('#threads', (e) => e.value), '1', 'the Active slider shows it');
  assert.equal(await page.$eval('#stat-pool', (e) => e.textContent), '1/2');
  assert.equal((await linkOf(page)).active, '1', 'the link keeps it');
  // All the pool's again (the slider, as a person moves it): the link drops the key.
  await page.evaluate(() => { const el = document.getElementById('threads'); el.value = '2'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await until(page, () => window.rd.activeThreads === 2 && !new URLSearchParams(location.hash.slice(1)).has('active'));
  assert.deepEqual(errors, []);
  await page.close();
  for (const [text, why] of [['3', "active=3 (more than the pool's 2 threads: ?threads= sets the pool; 2)"],
    ['0', `active=0 (must be a whole number of threads, 1..${SCHEMA.threads.pageMax}; all the pool's)`]]) {
    const p = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=16&paused=1&active=${text}`);
    await until(p.page, () => window.rd.ready && window.rd.info);
    await until(p.page, (w) => document.getElementById('message').textContent.includes(w), why);
    assert.equal(await p.page.evaluate(() => window.rd.activeThreads), 2);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  }
});
