// page.test.mjs: the page's controls as a person uses them (BROWSER=chromium or
// firefox): messages are on screen and clear, the paint labels follow their sliders,
// the "." key pauses as the Step button does, and a loaded file is confirmed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { differ as differOf } from './pixels.mjs';

// Caddy and the browser, started before the tests and stopped after them.
const S = useCaddyAndBrowser();

// The message element's text and whether it is wholly inside the window.
const message = (page) => page.evaluate(() => {
  const m = document.getElementById('message');
  const r = m.getBoundingClientRect();
  return { text: m.hidden ? '' : m.textContent, bad: m.classList.contains('bad'),
    onScreen: !m.hidden && r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth };
});

// Types a value into a field as a person does and commits it (the change event).
const type = (page, id, value) => page.evaluate((i, v) => {
  const el = document.getElementById(i);
  el.value = v;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}, id, value);

for (const [w, h] of [[1280, 800], [800, 600]]) {
  test(`${BROWSER}: at ${w}x${h} a refusal is shown inside the window, and a valid change clears it`, async () => {
    const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32&paused=1`);
    await page.setViewport({ width: w, height: h });
    await until(page, () => window.rd.info && window.rd.info.nx === 32 && window.rd.meshesDrawn > 0);
    await type(page, 'Du', '0.16'); // refused by the engine: Dv 0.041 < Du/2
    await until(page, () => window.rd.errors.some((e) => /parameters refused/.test(e)));
    let m = await message(page);
    assert.match(m.text, /parameters refused.*Du = 0.16/);
    assert.ok(m.bad, 'shown as an error');
    assert.ok(m.onScreen, 'the message is inside the window');
    assert.equal(await page.$eval('#Du', (e) => e.value), '0.082', 'the field shows the Du in force');
    await type(page, 'dt', '0.5');
    await until(page, () => window.rd.info.dt === 0.5);
    m = await message(page);
    assert.equal(m.text, '', 'the old refusal is gone after a valid change');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test(`${BROWSER}: the paint labels follow their sliders; "." pauses and steps like the Step button`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32`);
  await until(page, () => window.rd.info && window.rd.stats && window.rd.stats.running === true);
  for (const [id, v] of [['paintRadius', '9.5'], ['paintAmount', '-0.35']]) {
    await page.evaluate((i, x) => {
      const el = document.getElementById(i);
      el.value = x;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, id, v);
    assert.equal(await page.$eval(`output[for=${id}]`, (e) => e.textContent), v, `${id} label`);
  }
  await page.focus('#canvas');
  await page.keyboard.press('.');
  await until(page, () => window.rd.stats && window.rd.stats.running === false);
  assert.equal(await page.$eval('#btn-run', (e) => e.textContent), 'Play');
  const s1 = await page.evaluate(() => window.rd.info.step);
  await page.keyboard.press('.');
  await until(page, (s) => window.rd.info.step === s + 1, s1);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await page.evaluate(() => window.rd.info.step), s1 + 1, 'paused after the step');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Load state confirms what it loaded, and a refused file says why`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24);
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'save' }); });
  await until(page, () => window.rd.lastFile !== null);
  const input = await page.$('#load');
  const file = async (name, bytes) => {
    await page.evaluate((n, b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([b === null ? window.rd.lastFile.buffer : new Uint8Array(b)], n));
      const el = document.getElementById('load');
      el.files = dt.files;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, name, bytes);
  };
  assert.ok(input);
  await file('broken.rds', [1, 2, 3]);
  await until(page, () => window.rd.errors.some((e) => /load refused/.test(e)));
  let m = await message(page);
  assert.match(m.text, /load refused: .*truncated header/);
  assert.ok(m.onScreen && m.bad);
  await file('good.rds', null);
  await until(page, () => /Loaded good\.rds/.test(document.getElementById('message').textContent));
  m = await message(page);
  assert.equal(m.text, 'Loaded good.rds: 24×24×24 at step 0 (preset spots). Reset starts it again from seed 1, Start random spheres.');
  assert.ok(m.onScreen && !m.bad, 'the confirmation replaces the old error');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Load state is reached with the keyboard: Tab to it, Enter opens the file chooser`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24 && !document.getElementById('load').disabled);
  await page.evaluate(() => {
    window.chooserOpened = 0;
    // Count the chooser opening without showing it (a click on the hidden file input).
    document.getElementById('load').addEventListener('click', (e) => { window.chooserOpened++; e.preventDefault(); });
  });
  await page.focus('#btn-save');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'load-label', 'Tab after Save state reaches Load state');
  await page.keyboard.press('Enter');
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.chooserOpened), 2, 'Enter and Space open the file chooser');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [w, h] of [[800, 600], [1400, 900]]) {
  test(`${BROWSER}: at ${w}x${h} the header's figures are all visible and each label is distinct`, async () => {
    const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32`);
    await page.setViewport({ width: w, height: h });
    await until(page, () => window.rd.stats && window.rd.stats.running && window.rd.triangles > 0);
    await new Promise((r) => setTimeout(r, 1200)); // the figures filled in (fps, triangles)
    const header = await page.evaluate(() => {
      const hr = document.querySelector('header').getBoundingClientRect();
      const shown = [...document.querySelectorAll('#stats > div')].filter((d) => getComputedStyle(d).display !== 'none');
      return { labels: shown.map((d) => d.querySelector('dt').textContent),
        clipped: shown.filter((d) => d.getBoundingClientRect().right > hr.right + 0.5).map((d) => d.querySelector('dt').textContent),
        title: document.querySelector('h1').getBoundingClientRect().right <= hr.right };
    });
    assert.deepEqual(header.clipped, [], `clipped at ${w}px`);
    assert.ok(header.title);
    assert.equal(new Set(header.labels).size, header.labels.length, `labels: ${header.labels.join(', ')}`);
    for (const l of ['step', 'steps/s', 'per step', 'mesh', 'triangles', 'fps', 'threads']) assert.ok(header.labels.includes(l), l);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test(`${BROWSER}: after Load state the panel and the link describe the loaded grid, and Reset builds it`, async () => {
  const { page, errors } = await openPage(S.browser,
    `${S.server.url}/?threads=2#preset=mitosis&size=24&boundary=1&seed=5&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24);
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'save' }); });
  await until(page, () => window.rd.lastFile !== null);
  // Other values in the panel (not applied), then the file.
  await page.select('#size', '32');
  await page.select('#boundary', '0');
  await type(page, 'seed', '9');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([window.rd.lastFile.buffer], 'saved.rds'));
    const el = document.getElementById('load');
    el.files = dt.files;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await until(page, () => /Loaded saved\.rds/.test(document.getElementById('message').textContent));
  const panel = await page.evaluate(() => ({ size: document.getElementById('size').value,
    boundary: document.getElementById('boundary').value, seed: document.getElementById('seed').value,
    link: new URLSearchParams(location.hash.slice(1)) + '' }));
  assert.deepEqual({ size: panel.size, boundary: panel.boundary, seed: panel.seed }, { size: '24', boundary: '1', seed: '5' });
  assert.match(panel.link, /(^|&)size=24(&|$)/);
  assert.match(panel.link, /(^|&)boundary=1(&|$)/);
  assert.match(panel.link, /(^|&)seed=5(&|$)/);
  await page.click('#btn-reset');
  await until(page, () => window.rd.info.step === 0 && window.rd.info.nx === 24 && window.rd.info.boundary === 1 &&
    window.rd.info.seed === '5');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: after Load state the Preset list names the file's reaction, or says no preset has it`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=mitosis&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24 && !document.getElementById('preset').disabled);
  const save = async () => {
    await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'save' }); });
    await until(page, () => window.rd.lastFile !== null);
    return page.evaluate(() => Array.from(new Uint8Array(window.rd.lastFile.buffer.slice(0))));
  };
  const load = async (name, bytes) => {
    await page.evaluate((n, b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], n));
      const el = document.getElementById('load');
      el.files = dt.files;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, name, bytes);
    await until(page, (n) => document.getElementById('message').textContent.startsWith(`Loaded ${n}`), name);
  };
  const panel = () => page.evaluate(() => ({ preset: document.getElementById('preset').value,
    shown: document.getElementById('preset').selectedOptions[0].text, source: document.getElementById('preset-source').textContent,
    link: new URLSearchParams(location.hash.slice(1)).get('preset'), message: document.getElementById('message').textContent }));
  const mitosis = await save();
  // Dv changed live: a reaction no preset has.
  await type(page, 'Dv', '0.1');
  await until(page, () => Math.abs(window.rd.info.Dv - 0.1) < 1e-6);
  const custom = await save();
  await page.select('#preset', 'worms');
  await until(page, () => Math.abs(window.rd.info.F - 0.058) < 1e-6);
  await load('mitosis.rds', mitosis);
  let p = await panel();
  assert.deepEqual([p.preset, p.shown, p.link], ['mitosis', 'mitosis', 'mitosis'], 'the file holds mitosis');
  assert.match(p.source, /Karl Sims/);
  assert.match(p.message, /\(preset mitosis\)\. Reset starts it again from seed 1, Start random spheres\.$/); // the panel's (worms')
  await load('custom.rds', custom);
  p = await panel();
  assert.deepEqual([p.preset, p.shown, p.link], ['', '(the reaction of custom.rds)', null], 'no preset named, in the list or the link');
  assert.match(p.source, /no preset has them/);
  assert.match(p.message, /\(a reaction no preset has\)/);
  await page.select('#preset', 'spots');
  await until(page, () => Math.abs(window.rd.info.F - 0.035) < 1e-6);
  assert.equal(await page.$('#preset-loaded'), null, "picking a preset removes the file's entry");
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: after the mouse orbits the view, R resets the camera`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32&paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.app);
  await page.evaluate(() => document.getElementById('btn-hash').focus()); // the keyboard is elsewhere
  const canvas = await page.$('#canvas');
  const shot = async () => { await new Promise((r) => setTimeout(r, 400)); return canvas.screenshot({ type: 'png', captureBeyondViewport: false }); };
  const differ = (a, b) => differOf(PNG.sync.read(a), PNG.sync.read(b), 24, 2); // red and green, as before
  const start = await shot();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 40, { steps: 10 });
  await page.mouse.up();
  const orbited = await shot();
  assert.ok(differ(start, orbited) > 0.02, 'the drag orbited the view');
  await page.keyboard.press('r');
  const reset = await shot();
  assert.ok(differ(start, reset) < 0.002, `after R the view is the starting one (${(differ(start, reset) * 100).toFixed(2)}% differ)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the view says while the engine starts, and why a fresh noise start shows nothing`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32&seedMode=noise&paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0);
  const notes = await page.evaluate(() => window.rd.viewNotes);
  assert.match(notes[0], /^Starting the engine/, 'shown from the start');
  const note = () => page.$eval('#view-note', (e) => (e.hidden ? '' : e.textContent));
  assert.equal(await page.evaluate(() => window.rd.triangles), 0, 'nothing reaches 0.25 at step 0 of noise');
  assert.match(await note(), /Nothing in V reaches the isovalue 0\.25 yet: press Play.*or lower the isovalue/);
  await page.evaluate(() => {
    const el = document.getElementById('iso');
    el.value = '0.1';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await until(page, () => window.rd.triangles > 0);
  await until(page, () => document.getElementById('view-note').hidden);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the Preset list follows a reaction changed by hand; grid fields and map ranges are checked as typed; outcomes replace each other`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.info.nx === 24 && window.rd.meshesDrawn > 0 && !document.getElementById('preset').disabled);
  const slide = (id, v) => page.evaluate((i, x) => { // a slider moved: its input event
    const el = document.getElementById(i);
    el.value = x;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, id, v);
  const panel = () => page.evaluate(() => ({ preset: document.getElementById('preset').value,
    shown: document.getElementById('preset').selectedOptions[0].text, source: document.getElementById('preset-source').textContent,
    link: new URLSearchParams(location.hash.slice(1)).get('preset') }));
  // F and k changed by hand: the list says so, and the link names no preset.
  await slide('F', '0.03');
  await until(page, () => Math.abs(window.rd.info.F - 0.03) < 1e-6);
  await slide('k', '0.06');
  await until(page, () => Math.abs(window.rd.info.k - 0.06) < 1e-6);
  let p = await panel();
  assert.deepEqual([p.preset, p.shown, p.link], ['', '(spots, F and k changed)', null]);
  assert.match(p.source, /Changed here: F and k; no preset has these settings\.$/);
  // Back at spots' values: spots again.
  await slide('F', '0.035');
  await slide('k', '0.064');
  await until(page, () => Math.abs(window.rd.info.k - 0.064) < 1e-6 && document.getElementById('preset').value === 'spots');
  p = await panel();
  assert.deepEqual([p.preset, p.shown, p.link], ['spots', 'spots', 'spots']);
  assert.equal(await page.$('#preset-loaded'), null);

  // A bad seed is said when typed, stays marked with what was typed, and Reset refuses it.
  await type(page, 'seed', '12x');
  let m = await message(page);
  assert.match(m.text, /^Seed '12x': must be a decimal integer/);
  assert.ok(m.bad && m.onScreen);
  assert.equal(await page.$eval('#seed', (e) => [e.value, e.hasAttribute('aria-invalid')].join()), '12x,true');
  const seed0 = await page.evaluate(() => window.rd.info.seed);
  await page.click('#btn-reset');
  assert.match((await message(page)).text, /^Seed '12x'/, 'Reset refuses it too');
  await type(page, 'seed', '77');
  assert.equal(await page.$eval('#seed', (e) => e.hasAttribute('aria-invalid')), false, 'fixed: no longer marked');
  assert.equal((await message(page)).text, '');
  assert.equal(await page.evaluate(() => window.rd.info.seed), seed0, 'a grid field waits for Reset');

  // A map range in the wrong order is refused as typed, with the map off.
  assert.equal(await page.$eval('#map', (e) => e.checked), false);
  await type(page, 'kMin', '0.09');
  await until(page, () => /parameter map: k from 0.09 to 0.07/.test(document.getElementById('message').textContent));
  assert.equal(await page.$eval('#kMin', (e) => e.value), '0.03', 'the field shows the range in force');

  // Save twice at the same step (a paint between would not change the step): two names. Real
  // clicks: the pool timeline above the buttons must not move them as it fills in (it did).
  await page.evaluate(() => {
    window.__names = [];
    HTMLAnchorElement.prototype.click = function click() { if (this.download) window.__names.push(this.download); };
  });
  for (let i = 0; i < 2; i++) {
    await page.click('#btn-save');
    await until(page, (n) => window.__names.length === n, i + 1);
  }
  const names = await page.evaluate(() => window.__names);
  assert.deepEqual(names, ['grayscott-24x24x24-step0.rds', 'grayscott-24x24x24-step0-2.rds']);
  assert.match((await message(page)).text, /^Saved grayscott-24x24x24-step0-2\.rds \(/);
  // Picture says what it saved; Hash clears the last outcome (its answer has its own line).
  await page.click('#btn-png');
  await until(page, () => window.__names.length === 3);
  assert.match((await message(page)).text, /^Saved grayscott-24x24x24-step0\.png \(\d+ KB\)\.$/);
  await page.click('#btn-hash');
  await until(page, () => /^state_hash [0-9a-f]{16} at step 0$/.test(document.getElementById('hash').textContent));
  assert.equal((await message(page)).text, '', 'no stale "Saved" beside the hash');
  assert.deepEqual(errors, []);
  await page.close();
});

// Types into a field as a person does: focus, select what is there, type, Tab away.
const typeKeys = async (page, id, text) => {
  await page.focus(`#${id}`);
  await page.$eval(`#${id}`, (e) => e.select());
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
};

test(`${BROWSER}: a number field reads exactly what was typed: quoted when refused (too long said as such), the arrows step it`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0);
  await typeKeys(page, 'Du', 'abc');
  await until(page, () => /Du 'abc': must be a decimal number in \[0, 10\]/.test(document.getElementById('message').textContent));
  assert.equal(await page.$eval('#Du', (e) => e.value), '0.082', 'the field shows the Du in force');
  await typeKeys(page, 'Du', '1,5');
  await until(page, () => /Du '1,5': must be/.test(document.getElementById('message').textContent));
  const long = `0.08${'0'.repeat(64)}1`;
  await typeKeys(page, 'dt', long);
  await until(page, () => /dt '0\.080+1': too long \(69 characters, at most 63\)/.test(document.getElementById('message').textContent));
  // ArrowDown / ArrowUp: one schema step (0.001), applied as typed (0.083 would be refused:
  // Dv 0.041 < Du/2)
  await page.focus('#Du');
  await page.keyboard.press('ArrowDown');
  await until(page, () => Math.abs(window.rd.info.Du - 0.081) < 1e-6);
  assert.equal(await page.$eval('#Du', (e) => e.value), '0.081');
  await page.keyboard.press('ArrowUp');
  await until(page, () => Math.abs(window.rd.info.Du - 0.082) < 1e-6);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Stop at step typed while running takes effect at once; a bad one is said and marked`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&speed=100`);
  await until(page, () => window.rd.info && window.rd.running && window.rd.info.step > 5);
  await typeKeys(page, 'stopAt', 'abc');
  await until(page, () => document.getElementById('stopAt').getAttribute('aria-invalid') === 'true');
  assert.match((await message(page)).text, /Stop at step 'abc': must be a whole number after the current step/);
  assert.equal(await page.evaluate(() => window.rd.running), true, 'a bad stop does not pause the run');
  const target = await page.evaluate(() => window.rd.info.step + 150);
  await typeKeys(page, 'stopAt', String(target));
  assert.equal(await page.$eval('#stopAt', (e) => e.hasAttribute('aria-invalid')), false);
  await until(page, (t) => window.rd.running === false && window.rd.info.step === t, target);
  assert.match((await message(page)).text, new RegExp(`Paused at step ${target}, as asked`));
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: odd links: a preset in any case, paused=true, a repeated or empty key named; the triangles shown while paused; R resets from anywhere`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=CoRaL&size=20&paused=true&size=24&=5`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.app);
  assert.equal(await page.$eval('#preset', (e) => e.value), 'coral');
  assert.equal(await page.evaluate(() => window.rd.info.nx), 24, 'the last size counts');
  const text = (await message(page)).text;
  assert.match(text, /size=20 \(given again as size=24; the last counts\)/);
  assert.match(text, /=5 \(no key; ignored\)/);
  assert.doesNotMatch(text, /preset=|paused=/);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(await page.evaluate(() => window.rd.running), false, 'paused=true starts paused');
  assert.equal(await page.evaluate(() => window.rd.info.step), 0);
  // The header counts the triangles drawn, though a paused page draws no further frames.
  await until(page, () => window.rd.triangles > 0 && document.getElementById('stat-tris').textContent === window.rd.triangles.toLocaleString('en'));
  // With nothing focused, the arrows orbit and R resets, as on the view.
  const cam = () => page.evaluate(() => { const at = window.rd.app._app_camera_state() >>> 2; return Array.from(window.rd.app.HEAPF32.subarray(at, at + 6)).map((v) => v.toFixed(4)).join(); });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const start = await cam();
  await page.keyboard.press('ArrowLeft');
  assert.notEqual(await cam(), start, 'ArrowLeft orbits');
  await page.keyboard.press('r');
  assert.equal(await cam(), start, 'R resets the camera');
  await page.close();
  const bad = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=yes`);
  await until(bad.page, () => window.rd.info && window.rd.meshesDrawn > 0);
  assert.match((await message(bad.page)).text, /paused=yes \(must be 1 or true, 0 or false; running\)/);
  assert.deepEqual([...errors, ...bad.errors], []);
  await bad.page.close();
});

test(`${BROWSER}: an export under a clip plane says it is the whole surface; sizes read in KB or MB`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1&clip=x`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.view && window.rd.view.clip === 'x');
  await page.evaluate(() => { window.rd.lastFile = null; });
  await page.click('#btn-mesh');
  await until(page, () => window.rd.lastFile !== null);
  assert.match((await message(page)).text,
    /^Saved grayscott-24x24x24-step0\.ply \(\d+ KB\)\. It is the whole isosurface: the clip plane and "show the isosurface" change only the view\.$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link's camera beyond the camera's range is named, with what it was set to`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1&cam=0.5,10,1e9,0,0,0`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.appSetUp);
  await until(page, () => /cam=0\.5,10,1000000000,0,0,0 \(pitch 10 is beyond the camera's range, distance 1000000000 is beyond the camera's range; pitch 1\.55, distance 20\)/
    .test(document.getElementById('message').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a link's camera target far from the box is brought back within reach, and named`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1&cam=0.5,0.3,2,100,0,-3`);
  await until(page, () => window.rd.info && window.rd.meshesDrawn > 0 && window.rd.appSetUp);
  await until(page, () => /cam=0\.5,0\.3,2,100,0,-3 \(target x 100 is beyond the camera's range, target z -3 is beyond the camera's range; target x 1, target z -1\)/
    .test(document.getElementById('message').textContent));
  // The box is still in the view: the link now holds the clamped target.
  await until(page, () => /cam=0\.5,0\.3,2,1,0,-1(&|$)/.test(decodeURIComponent(location.hash)));
  assert.deepEqual(errors, []);
  await page.close();
});
