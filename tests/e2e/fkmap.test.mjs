// fkmap.test.mjs: the F–k map (web/fkmap.js) and the parameter-map mode (BROWSER=chromium
// or firefox). A click on the map changes F and k in the engine (rd.info) and in the link;
// every preset is marked by one label; the ring follows a change of F; a link with the
// map's settings, stepped N times in the page with 1 and with 2 threads, gives rdsim's hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { ROOT } from './server.mjs';

const S = useCaddyAndBrowser();
const SCHEMA = JSON.parse(execFileSync(`${ROOT}/build/native/rdsim`, ['--schema'], { encoding: 'utf8' }));
const linkOf = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));

test(`${BROWSER}: the F–k map marks the presets, follows F, and a click sets F and k and the link`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=32`);
  await until(page, () => window.rd.ready && window.rd.info && window.rd.fkmap);
  const labels = await page.$$eval('#fkmap-svg .fk-preset', (gs) => gs.map((g) => [g.dataset.name, g.querySelector('text').textContent]));
  assert.deepEqual(labels.map((l) => l[0]), SCHEMA.presets.map((p) => p.name), 'one mark per preset');
  assert.deepEqual(labels.map((l) => l[1]), SCHEMA.presets.map((p) => p.name), 'each labelled with its name');
  assert.ok(await page.$eval('#fkmap .caption', (c) => /Pearson/.test(c.textContent) && /xmorphia/.test(c.textContent)));
  const classes = await page.$$eval('#fkmap-svg .fk-class', (gs) => gs.map((g) => ({
    name: g.dataset.name, status: g.dataset.status, label: g.querySelector('text').textContent, title: g.querySelector('title').textContent })));
  assert.ok(classes.length >= 12, "Pearson's classes are marked");
  for (const c of classes) { // hovering a class mark tells where its (F, k) comes from, and how directly
    assert.match(c.title, new RegExp(`class ${c.name}: F [0-9.]+, k [0-9.]+ \\(${c.status}: .{12,}\\)$`), `${c.name}'s hover names its source`);
    assert.ok(['first-hand', 'second-hand', 'unverified'].includes(c.status), `${c.name}: ${c.status}`);
    assert.equal(c.label, c.status === 'unverified' ? `${c.name}?` : c.name, `${c.name}'s label shows whether it is verified`);
  }
  // the caption names the classes whose marks say Munafo's (one list, in web/fkmap.js)
  const munafo = classes.filter((c) => /^Munafo class/.test(c.title)).map((c) => c.name);
  assert.ok(munafo.length >= 4, `Munafo's classes marked: ${munafo}`);
  assert.equal(await page.$eval('#fkmap-munafo', (s) => s.textContent), munafo.join(', '));

  // the ring follows a change of F made with the slider
  const before = await page.evaluate(() => window.rd.fkmap.cy);
  await page.evaluate(() => { const f = document.getElementById('F'); f.value = '0.06'; f.dispatchEvent(new Event('input', { bubbles: true })); });
  await until(page, () => Math.abs(window.rd.info.F - 0.06) < 1e-6 && Math.abs(window.rd.fkmap.F - 0.06) < 1e-6);
  const after = await page.evaluate(() => window.rd.fkmap.cy);
  assert.ok(after < before, `the ring moved up with F (${before} -> ${after})`);
  assert.equal(await page.$eval('#fk-off', (t) => t.textContent), '', 'on the map: no note');
  // F beyond the map's 0.1 (from a link: the slider ends there): the ring waits, dashed, at
  // the top edge and a note says where F is
  const far = await openPage(S.browser, `${S.server.url}/?threads=1#preset=spots&size=16&F=0.12&paused=1`);
  await until(far.page, () => window.rd.info && Math.abs(window.rd.info.F - 0.12) < 1e-6 && window.rd.fkmap && window.rd.fkmap.off === true);
  const edge = await far.page.evaluate(() => ({ cy: window.rd.fkmap.cy, dashed: document.getElementById('fk-current').classList.contains('off'),
    note: document.getElementById('fk-off').textContent, top: Number(document.querySelector('#fkmap-svg .fk-bg').getAttribute('y')) }));
  assert.equal(edge.cy, edge.top, 'the ring sits on the top edge');
  assert.ok(edge.dashed, 'dashed off the map');
  assert.equal(edge.note, 'F 0.12, k 0.064 ↑ off the map');
  assert.deepEqual(far.errors, []);
  await far.page.close();

  // a click at the point of (F, k) = (0.03, 0.055)
  const box = await page.$eval('#fkmap-svg', (s) => { s.scrollIntoView({ block: 'center' }); const r = s.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; });
  const frame = await page.$eval('#fkmap-svg', (s) => { // the plot's frame, in the viewBox's units
    const f = s.querySelector('.fk-bg'), vb = s.viewBox.baseVal;
    return { W: vb.width, H: vb.height, x: f.x.baseVal.value, y: f.y.baseVal.value, w: f.width.baseVal.value, h: f.height.baseVal.value };
  });
  const { W, H } = frame;
  const px = frame.x + ((0.055 - 0.03) / 0.04) * frame.w, py = frame.y + frame.h - (0.03 / 0.1) * frame.h;
  await page.mouse.click(box.x + (px / W) * box.w, box.y + (py / H) * box.h);
  await until(page, () => Math.abs(window.rd.info.k - 0.055) < 1e-3 && Math.abs(window.rd.info.F - 0.03) < 1.5e-3);
  const info = await page.evaluate(() => window.rd.info);
  await until(page, (i) => { const h = new URLSearchParams(location.hash.slice(1)); return Number(h.get('F')) === Math.fround(i.F) || Math.fround(Number(h.get('F'))) === Math.fround(i.F); }, info);
  const link = await linkOf(page);
  assert.equal(Math.fround(Number(link.F)), Math.fround(info.F), 'the link holds the F in force');
  assert.equal(Math.fround(Number(link.k)), Math.fround(info.k), 'the link holds the k in force');
  assert.deepEqual(errors, []);
  await page.close();
});

const MAP = { map: 'true', kMin: '0.035', kMax: '0.065', FMin: '0.01', FMax: '0.08' };
for (const threads of [1, 2]) {
  test(`${BROWSER}: a parameter-map link, ${threads} thread(s), gives rdsim's state hash`, async () => {
    const { page, errors } = await openPage(S.browser,
      `${S.server.url}/?threads=${threads}#preset=spots&size=40&seed=7&paused=1&${new URLSearchParams(MAP)}`);
    await until(page, () => window.rd.info && window.rd.info.nx === 40);
    const info = await page.evaluate(() => window.rd.info);
    assert.equal(info.map, true, 'the map is on');
    assert.equal(Math.fround(info.kMax), Math.fround(0.065));
    await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 120 }));
    await until(page, () => window.rd.info.step === 120);
    await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
    await until(page, () => window.rd.hash !== null);
    const browserHash = await page.evaluate(() => window.rd.hash.hex);
    const out = execFileSync(`${ROOT}/build/native/rdsim`, ['--size', '40', '--preset', 'spots', '--seed', '7', '--steps', '120',
      '--map', '--k-min', MAP.kMin, '--k-max', MAP.kMax, '--F-min', MAP.FMin, '--F-max', MAP.FMax, '--hash'], { encoding: 'utf8' });
    assert.equal(browserHash, /state_hash ([0-9a-f]{16})/.exec(out)[1]);
    const link = await linkOf(page);
    for (const [key, v] of Object.entries(MAP)) assert.equal(link[key], v, `the link carries ${key}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

// The map's labels, measured: each inside the map, no two overlapping.
async function labelsClear(page) {
  const boxes = await page.$$eval('#fkmap-svg .fk-preset text, #fkmap-svg .fk-class text, #fkmap-svg .fk-tick', (ts) => ts.map((t) => {
    const b = t.getBBox();
    return { name: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
  }));
  const vb = await page.$eval('#fkmap-svg', (s) => [s.viewBox.baseVal.width, s.viewBox.baseVal.height]);
  for (const b of boxes) assert.ok(b.x >= 0 && b.x + b.w <= vb[0] + 0.5 && b.y >= 0 && b.y + b.h <= vb[1] + 0.5, `${b.name} inside the map: ${JSON.stringify(b)}`);
  const names = boxes.filter((b) => !/^\d/.test(b.name)); // the labels (ticks are numbers)
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i], b = names[j];
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x), oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      // (1.5 px: a text box spans the font's whole ascent and descent, and hinting at a
      // pixel ratio of 2 moves it by a few tenths; θ's box touches coral's by 1.0-1.1 px)
      assert.ok(!(ox > 1.5 && oy > 1.5), `labels ${a.name} and ${b.name} overlap by ${ox.toFixed(1)} x ${oy.toFixed(1)}`);
    }
  }
}

test(`${BROWSER}: the F–k map's labels do not overlap nor leave it; the arrow keys move F and k`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=1#preset=spots&size=16&paused=1`);
  await until(page, () => window.rd.ready && window.rd.info && window.rd.fkmap);
  await labelsClear(page);
  // The keyboard: the map takes the focus; → is k + 0.0005, Shift+↑ is F + 0.01.
  const { F, k } = await page.evaluate(() => window.rd.info);
  await page.$eval('#fkmap-svg', (s) => s.focus()); // a tab stop (tabindex 0)
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'fkmap-svg');
  await page.keyboard.press('ArrowRight');
  await until(page, (k0) => Math.abs(window.rd.info.k - (k0 + 0.0005)) < 1e-6, k);
  await page.keyboard.down('Shift');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.up('Shift');
  await until(page, (F0) => Math.abs(window.rd.info.F - (F0 + 0.01)) < 1e-6, F);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: on a phone the panel starts closed; when it opens, the F–k map's labels are placed by their measured widths`, async () => {
  const page = await S.browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err.message || err)));
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 2 });
  await page.goto(`${S.server.url}/?threads=1#preset=spots&size=16&paused=1`, { waitUntil: 'load' });
  await until(page, () => window.rd.ready && window.rd.info && window.rd.fkmap);
  assert.ok(await page.evaluate(() => document.body.classList.contains('panel-hidden')), 'the panel starts closed');
  await page.click('#btn-panel');
  await until(page, () => !document.body.classList.contains('panel-hidden') && window.rd.fkmapPlaced === 2);
  await labelsClear(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: Enlarge shows the F–k map over the view with legible labels; a click there sets F and k; Escape brings it back`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=1#preset=spots&size=16&paused=1`);
  await until(page, () => window.rd.ready && window.rd.info && window.rd.fkmap);
  const size = () => page.evaluate(() => {
    const s = document.getElementById('fkmap-svg').getBoundingClientRect();
    const t = document.querySelector('#fkmap-svg .fk-preset text').getBoundingClientRect();
    return { w: s.width, left: s.left, top: s.top, h: s.height, label: t.height };
  });
  await page.$eval('#fkmap-big', (b) => b.scrollIntoView({ block: 'center' })); // as the click will
  const small = await size();
  const panelBelow = await page.$eval('#fkmap .caption', (c) => c.getBoundingClientRect().top);
  await page.click('#fkmap-big');
  await until(page, () => document.getElementById('fkmap').classList.contains('big'));
  const big = await size();
  assert.ok(big.w >= 1.5 * small.w && big.w >= 480, `enlarged: ${small.w.toFixed(0)} -> ${big.w.toFixed(0)} px wide`);
  assert.ok(big.label >= 10, `a preset's label is ${big.label.toFixed(1)} px high (${small.label.toFixed(1)} in the panel)`);
  const below = await page.$eval('#fkmap .caption', (c) => c.getBoundingClientRect().top);
  assert.ok(Math.abs(below - panelBelow) < 2, `the panel below stays put: ${panelBelow} -> ${below}`);
  assert.equal(await page.$eval('#fkmap-big', (b) => b.getAttribute('aria-pressed')), 'true');
  await labelsClear(page);
  // A click at (F, k) = (0.04, 0.06) on the enlarged map sets them.
  const frame = await page.$eval('#fkmap-svg', (s) => {
    const f = s.querySelector('.fk-bg'), vb = s.viewBox.baseVal;
    return { W: vb.width, H: vb.height, x: f.x.baseVal.value, y: f.y.baseVal.value, w: f.width.baseVal.value, h: f.height.baseVal.value };
  });
  const px = big.left + ((frame.x + ((0.06 - 0.03) / 0.04) * frame.w) / frame.W) * big.w;
  const py = big.top + ((frame.y + frame.h - (0.04 / 0.1) * frame.h) / frame.H) * big.h;
  await page.mouse.click(px, py);
  await until(page, () => Math.abs(window.rd.info.F - 0.04) < 0.001 && Math.abs(window.rd.info.k - 0.06) < 0.001);
  assert.ok(await page.evaluate(() => document.getElementById('fkmap').classList.contains('big')), 'still enlarged after a click on it');
  await page.keyboard.press('Escape');
  await until(page, () => !document.getElementById('fkmap').classList.contains('big'));
  const back = await size();
  assert.ok(Math.abs(back.w - small.w) < 1, `back in the panel: ${back.w.toFixed(0)} px`);
  assert.deepEqual(errors, []);
  await page.close();
});
