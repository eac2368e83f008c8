// controls.test.mjs: what a person expects of the page beyond the settings (BROWSER=chromium
// or firefox): pause exactly at step N (its hash is rdsim's at N), a speed limit, the camera
// in the link, axis views, fullscreen, help with the shortcuts, a panel that folds away,
// a canvas at the device's pixel ratio, a colour legend with a fixed range, a panel
// that shows its settings (disabled) while the engine starts, arrow keys on a slider (its
// step), shortcuts that stand aside in Help and under Ctrl, and an edited link that opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';
import { drawnAt } from './pixels.mjs';

const S = useCaddyAndBrowser();
const SCHEMA = JSON.parse(execFileSync('build/native/rdsim', ['--schema'], { encoding: 'utf8' }));
const cli = (...args) => /state_hash ([0-9a-f]{16})/.exec(execFileSync('build/native/rdsim', [...args, '--hash'],
  { encoding: 'utf8' }))[1];
const hash = async (page) => {
  await page.evaluate(() => { window.rd.hash = null; window.rd.worker.postMessage({ type: 'hash' }); });
  await until(page, () => window.rd.hash !== null);
  return page.evaluate(() => window.rd.hash);
};
const ready = (page) => until(page, () => window.rd.ready && window.rd.info && window.rd.meshesDrawn > 0 && window.rd.appSetUp);
const camera = (page) => page.evaluate(() => {
  const at = window.rd.app._app_camera_state() >>> 2;
  return Array.from(window.rd.app.HEAPF32.subarray(at, at + 6));
});

test(`${BROWSER}: "Stop at step" pauses exactly there, and the hash is rdsim's at that step`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=mitosis&size=24&paused=1`);
  await ready(page);
  await page.type('#stopAt', '137');
  await page.click('#btn-run');
  await until(page, () => window.rd.stats && window.rd.stats.running === false && window.rd.info.step === 137);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await page.evaluate(() => window.rd.info.step), 137, 'still at 137: paused, not one step beyond');
  assert.equal(await page.$eval('#btn-run', (b) => b.textContent), 'Play');
  assert.match(await page.$eval('#message', (m) => m.textContent), /Paused at step 137/);
  assert.equal((await hash(page)).hex, cli('--preset', 'mitosis', '--size', '24', '--steps', '137', '--seed-mode', 'cube'));
  // A step not after the current one is refused, and nothing runs.
  await page.type('#stopAt', '100');
  await page.click('#btn-run');
  await until(page, () => /must be a whole number after the current step 137/.test(document.getElementById('message').textContent));
  assert.equal(await page.evaluate(() => window.rd.running), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the speed control limits the steps per second`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await ready(page);
  await page.select('#speed', '10');
  const s0 = await page.evaluate(() => window.rd.info.step);
  await page.click('#btn-run');
  await new Promise((r) => setTimeout(r, 3000));
  await page.click('#btn-run');
  await until(page, () => window.rd.stats && window.rd.stats.running === false);
  await page.evaluate(() => window.rd.worker.postMessage({ type: 'step', n: 1 }));
  await until(page, (s) => window.rd.info.step > s, s0);
  const ran = (await page.evaluate(() => window.rd.info.step)) - s0 - 1;
  assert.ok(ran >= 5 && ran <= 45, `about 10 steps/s for 3 s: ran ${ran}`); // unlimited: thousands
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the camera is in the link: an axis view, shared, opens the same view`, async () => {
  let { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await ready(page);
  await page.focus('#canvas');
  await page.keyboard.press('4'); // top
  const top = await camera(page);
  assert.ok(top[1] > 1.5, `top view: pitch ${top[1]}`);
  await until(page, () => /(^|&)cam=/.test(location.hash) && Number(new URLSearchParams(location.hash.slice(1)).get('cam').split(',')[1]) > 1.5);
  await page.click('#camera-views [data-view="2"]'); // side
  const side = await camera(page);
  assert.ok(Math.abs(side[0] - Math.PI / 2) < 1e-3 && Math.abs(side[1]) < 1e-6, `side view: ${side}`);
  await page.evaluate(() => { window.rd.app._app_camera_set(1.25, -0.5, 1.75, 0.1, -0.05, 0.2); });
  await until(page, () => new URLSearchParams(location.hash.slice(1)).get('cam') === '1.25,-0.5,1.75,0.1,-0.05,0.2');
  const link = await page.evaluate(() => location.href);
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await openPage(S.browser, link));
  await ready(page);
  const shared = await camera(page);
  for (const [i, want] of [1.25, -0.5, 1.75, 0.1, -0.05, 0.2].entries()) {
    assert.ok(Math.abs(shared[i] - want) < 1e-6, `camera[${i}] = ${shared[i]}, link says ${want}`);
  }
  // A bad camera in a link: the default view, and the message says so.
  await page.close();
  ({ page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&cam=1,2,nope`));
  await ready(page);
  assert.match(await page.$eval('#message', (m) => m.textContent), /cam=1,2,nope \(must be 6 decimal numbers/);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: help lists the shortcuts; the panel folds away; fullscreen; canvas at the pixel ratio`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await page.setViewport({ width: 1000, height: 700, deviceScaleFactor: 2 });
  await ready(page);
  await page.focus('#canvas');
  await page.keyboard.press('?');
  await until(page, () => document.getElementById('help').open);
  const keys = await page.$$eval('#help dt', (d) => d.map((e) => e.textContent));
  for (const k of ['Space', '.', 'Backspace', 'R, double-click', '1 2 3 4', 'F', '?']) assert.ok(keys.includes(k), `help lists ${k}`);
  await page.keyboard.press('Escape');
  await until(page, () => !document.getElementById('help').open);
  await page.click('#btn-help');
  await until(page, () => document.getElementById('help').open);
  await page.click('#help-close');
  await until(page, () => !document.getElementById('help').open);

  // The drawing buffer is the CSS size times the pixel ratio (clientWidth is rounded to a whole
  // pixel), times the drawing budget's scale (web/budget.js: software GL draws fewer pixels).
  const width = () => page.$eval('#canvas', (c) => ({ css: c.clientWidth, px: c.width, h: c.clientHeight, py: c.height,
    k: 2 * Math.sqrt(window.rd.budget.pixels) }));
  await until(page, () => {
    const c = document.getElementById('canvas');
    return Math.abs(c.width - c.clientWidth * 2 * Math.sqrt(window.rd.budget.pixels)) <= 2;
  });
  const before = await width();
  assert.ok(Math.abs(before.px - before.css * before.k) <= 2, `width ${before.px} at devicePixelRatio 2 of ${before.css} (x ${before.k})`);
  assert.ok(Math.abs(before.py - before.h * before.k) <= 2, `height ${before.py} at devicePixelRatio 2 of ${before.h} (x ${before.k})`);
  await page.click('#btn-panel');
  await until(page, (w) => document.getElementById('canvas').clientWidth > w, before.css);
  assert.equal(await page.$eval('#panel', (p) => getComputedStyle(p).display), 'none');
  assert.equal(await page.$eval('#btn-panel', (b) => b.getAttribute('aria-expanded')), 'false');
  await page.click('#btn-panel');
  await until(page, (w) => document.getElementById('canvas').clientWidth === w, before.css);

  await page.click('#btn-full');
  await until(page, () => document.fullscreenElement === document.getElementById('view'));
  await page.evaluate(() => document.exitFullscreen());
  await until(page, () => document.fullscreenElement === null);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the legend shows the colouring's fixed range from the schema`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await ready(page);
  const scalar = SCHEMA.params.find((p) => p.key === 'scalar');
  for (const c of scalar.choices) {
    await page.select('#scalar', c.value);
    await until(page, (v) => window.rd.view && String(window.rd.view.scalar) === v, c.value);
    const shown = await page.evaluate(() => ({ hidden: document.getElementById('legend').hidden,
      name: document.getElementById('legend-name').textContent, lo: document.getElementById('legend-lo').textContent,
      hi: document.getElementById('legend-hi').textContent }));
    if (!c.range) { assert.equal(shown.hidden, true, `${c.label}: no legend`); continue; }
    assert.deepEqual(shown, { hidden: false, name: c.label, lo: String(c.range[0]), hi: String(c.range[1]) });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: while the engine starts the panel shows the link's settings, disabled`, async () => {
  const page = await S.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Hold the engine's module until the panel has been looked at.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.setRequestInterception(true);
  page.on('request', async (req) => {
    if (req.url().endsWith('/engine.wasm')) await held;
    req.continue();
  });
  await page.goto(`${S.server.url}/?threads=2#preset=worms&size=48&Du=0.15&Dv=0.075`);
  await until(page, () => document.getElementById('F') && document.getElementById('F').value !== '');
  const panel = await page.evaluate(() => ({ F: document.getElementById('F').value, Du: document.getElementById('Du').value,
    size: document.getElementById('size').value, preset: document.getElementById('preset').value,
    disabled: document.getElementById('Du').disabled, note: document.getElementById('view-note').textContent }));
  const worms = SCHEMA.presets.find((p) => p.name === 'worms').values;
  assert.equal(panel.preset, 'worms');
  assert.equal(Number(panel.F), Number(worms.F.toPrecision(6)));
  assert.equal(panel.Du, '0.15');
  assert.equal(panel.size, '48');
  assert.equal(panel.disabled, true, 'disabled until the engine is up');
  assert.match(panel.note, /Starting the engine/);
  release();
  await ready(page);
  assert.equal(await page.$eval('#Du', (e) => e.disabled), false);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [w, h] of [[800, 600], [1400, 900]]) {
  test(`${BROWSER}: at ${w}x${h} nothing of the panel is clipped (every control inside it, the rest by scrolling)`, async () => {
    const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
    await page.setViewport({ width: w, height: h });
    await ready(page);
    const out = await page.evaluate(() => {
      const panel = document.getElementById('panel');
      const pr = panel.getBoundingClientRect();
      const inner = pr.left + panel.clientWidth; // the scroll bar excluded
      const bad = [];
      for (const el of panel.querySelectorAll('input:not([hidden]), select, button, output, label, h2, .note')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < pr.left - 0.5 || r.right > inner + 0.5) bad.push(`${el.id || el.tagName} ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
      }
      return { bad, scrolls: panel.scrollHeight > panel.clientHeight, overflowY: getComputedStyle(panel).overflowY,
        pageScrollsSideways: document.documentElement.scrollWidth > innerWidth };
    });
    assert.deepEqual(out.bad, [], `controls cut off at the panel's edge (${out.bad.join('; ')})`);
    if (out.scrolls) assert.equal(out.overflowY, 'auto', 'a taller panel scrolls');
    assert.equal(out.pageScrollsSideways, false, 'the page never scrolls sideways');
    await page.screenshot({ path: `/tmp/rd-${BROWSER}-${w}x${h}.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test(`${BROWSER}: on a touch screen a pinch zooms and the controls are finger-sized`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24&paused=1`);
  await ready(page);
  const d0 = (await camera(page))[2];
  // Two fingers moving apart on the view (pointer events as a touch screen sends them).
  await page.evaluate(() => {
    const c = document.getElementById('canvas');
    const r = c.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const ev = (type, id, dx) => c.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch',
      clientX: x + dx, clientY: y, bubbles: true, isPrimary: id === 1 }));
    ev('pointerdown', 1, -20); ev('pointerdown', 2, 20);
    for (let k = 1; k <= 10; k++) { ev('pointermove', 1, -20 - 8 * k); ev('pointermove', 2, 20 + 8 * k); }
    ev('pointerup', 1, -100); ev('pointerup', 2, 100);
  });
  const d1 = (await camera(page))[2];
  assert.ok(d1 < d0 * 0.5, `spreading two fingers from 40 to 200 px zooms in: distance ${d0} -> ${d1}`);
  // Finger-sized targets where the pointer is coarse (the stylesheet's rule, applied as a touch screen would).
  const rows = await page.evaluate(() => {
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) {
        if (rule.media && rule.media.mediaText.includes('pointer: coarse')) {
          sheet.insertRule(`@media all { ${[...rule.cssRules].map((x) => x.cssText).join(' ')} }`, sheet.cssRules.length);
        }
      }
    }
    return [...document.querySelectorAll('#panel .row')].filter((r) => r.offsetParent).map((r) => r.getBoundingClientRect().height);
  });
  assert.ok(rows.length > 10 && rows.every((h) => h >= 38), `rows at least 38 px tall: ${Math.min(...rows)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: arrow keys step a slider by its step; shortcuts stand aside in Help and under Ctrl; an edited link opens`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/#preset=spots&size=32`);
  await ready(page);
  // F 0.035: one ArrowRight is 0.0351 (the schema's step 0.0001), in force; ArrowLeft back; PageDown ten steps.
  const F = SCHEMA.params.find((p) => p.key === 'F');
  await page.focus('#F');
  await page.keyboard.press('ArrowRight');
  await until(page, (v) => Math.fround(window.rd.info.F) === Math.fround(v), 0.0351);
  assert.equal(F.step, 0.0001);
  assert.equal(await page.$eval('#F', (e) => e.value), '0.0351');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('PageDown');
  await until(page, () => Math.fround(window.rd.info.F) === Math.fround(0.034));
  assert.equal(await page.$eval('#F', (e) => e.value), '0.034');
  await until(page, () => new URLSearchParams(location.hash.slice(1)).get('F') === '0.034');

  // Help open: Space and Backspace are not commands (the run goes on, nothing is reset).
  await page.focus('#canvas');
  await until(page, () => window.rd.info.step > 20);
  await page.keyboard.press('?');
  await until(page, () => document.getElementById('help').open);
  assert.equal(await page.$eval('#help', (d) => d.scrollTop), 0, 'Help opens at its title');
  const before = await page.evaluate(() => window.rd.info.step);
  await page.keyboard.press(' ');
  await page.keyboard.press('Backspace');
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(await page.evaluate(() => window.rd.running), true, 'Space in Help does not pause');
  assert.ok(await page.evaluate(() => window.rd.info.step) >= before, 'Backspace in Help does not reset');
  await page.keyboard.press('Escape');
  await until(page, () => !document.getElementById('help').open);
  // Ctrl+3 is the browser's (a tab), not the side view.
  await page.focus('#canvas');
  const cam0 = await camera(page);
  await page.keyboard.down('Control');
  await page.keyboard.press('3');
  await page.keyboard.up('Control');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await camera(page), cam0, 'Ctrl+3 leaves the camera');

  // Editing the link in the address bar opens that link.
  const starts = await page.evaluate(() => window.rd.engineStarts);
  assert.equal(starts, 1);
  await page.evaluate(() => { location.hash = 'preset=worms&size=24&colormap=turbo'; });
  await until(page, () => window.rd && window.rd.info && window.rd.info.nx === 24 && window.rd.view && window.rd.view.colormap === 'turbo');
  assert.equal(await page.$eval('#preset', (e) => e.value), 'worms');
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: the keyboard: Tab leaves the view; Space and Backspace on a button press it (never pause or reset); a bad field says why, under it, until fixed`, async () => {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=2#preset=spots&size=24`);
  await ready(page);
  // The view takes the keyboard when clicked; Shift+Tab moves back from it into the page
  // (Tab, forward, is tried last: from the view, the last stop, it may leave the page).
  await page.click('#canvas');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'canvas');
  await page.keyboard.down('Shift');
  await page.keyboard.press('Tab');
  await page.keyboard.up('Shift');
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'canvas', 'Shift+Tab leaves the view');
  // Tab back into the view: now it shows a focus ring, which a click never draws.
  const ring = () => page.$eval('#canvas', (c) => document.activeElement === c && getComputedStyle(c).outlineStyle !== 'none');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'canvas', 'Tab comes back to the view');
  assert.equal(await ring(), true, 'reached with Tab, the view shows the focus ring');
  await new Promise((r) => setTimeout(r, 800)); // not a double-click with the first (that resets the camera)
  await page.click('#canvas');
  await page.keyboard.press('x'); // a key that is no shortcut, after the click
  assert.equal(await ring(), false, 'clicked, the view shows no focus ring');
  // On the view the arrows orbit, Shift+arrows pan, + and - zoom, R resets; the link follows.
  const cam = () => page.evaluate(() => { const at = window.rd.app._app_camera_state() >>> 2; return Array.from(window.rd.app.HEAPF32.subarray(at, at + 6)); });
  await new Promise((r) => setTimeout(r, 100)); // the app has taken the click (SDL's events wait for its next frame)
  const cam0 = await cam();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  let c = await cam();
  assert.ok(Math.abs(c[0] - (cam0[0] - 0.1)) < 1e-5 && Math.abs(c[1] - (cam0[1] - 0.1)) < 1e-5, `the arrows orbit 0.1 rad: ${cam0} -> ${c}`);
  assert.match(await page.evaluate(() => location.hash), /cam=/, 'the link holds the orbited camera');
  await page.keyboard.press('+');
  assert.ok(Math.abs((await cam())[2] - c[2] * 0.9) < 1e-5, '+ zooms in a wheel step');
  await page.keyboard.press('-');
  await page.keyboard.down('Shift');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.up('Shift');
  c = await cam();
  assert.ok(Math.hypot(c[3] - cam0[3], c[4] - cam0[4], c[5] - cam0[5]) > 1e-3, `Shift+arrow pans: target ${c.slice(3)}`);
  await page.keyboard.press('r');
  assert.deepEqual((await cam()).map((v) => v.toFixed(5)), cam0.map((v) => v.toFixed(5)), 'R resets the camera');
  // Space on a focused Hash button asks for the hash; the run goes on.
  await until(page, () => window.rd.info.step > 30 && window.rd.running);
  await page.focus('#btn-hash');
  await page.keyboard.press(' ');
  await until(page, () => /^state_hash [0-9a-f]{16} at step \d+$/.test(document.getElementById('hash').textContent));
  assert.equal(await page.evaluate(() => window.rd.running), true, 'Space on a button does not pause');
  // Backspace on a button is not Reset.
  const before = await page.evaluate(() => window.rd.info.step);
  await page.keyboard.press('Backspace');
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(await page.evaluate(() => window.rd.info.step) >= before, 'Backspace on a button does not reset the run');
  // The shortcuts still work from the page itself.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press(' ');
  await until(page, () => window.rd.running === false);
  // A bad Seed: marked invalid for assistive technology, with its reason under it as its
  // description, still there after the view's message has gone; gone when fixed.
  await page.focus('#seed');
  await page.$eval('#seed', (e) => e.select()); // what was there is replaced by what is typed
  await page.type('#seed', 'abc');
  await page.keyboard.press('Tab');
  assert.equal(await page.$eval('#seed', (e) => e.value), 'abc');
  await until(page, () => document.getElementById('seed').getAttribute('aria-invalid') === 'true');
  const why = await page.$eval('#seed', (e) => {
    const d = document.getElementById(e.getAttribute('aria-describedby'));
    return d && d.offsetParent ? d.textContent : null;
  });
  assert.match(why || '', /^Seed: must be a decimal integer/);
  await page.evaluate(() => window.rd.say(''));
  assert.ok(await page.$('#seed-why'), 'the reason stays when the message is cleared');
  await page.focus('#seed');
  await page.$eval('#seed', (e) => e.select()); // what was there is replaced by what is typed
  await page.type('#seed', '7');
  await page.keyboard.press('Tab');
  await until(page, () => !document.getElementById('seed').hasAttribute('aria-invalid') && !document.getElementById('seed-why'));
  // Tab, forward, leaves the view too.
  await page.click('#canvas');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'canvas');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement.id !== 'canvas' || !document.hasFocus()), 'Tab leaves the view');
  // Named for a screen reader by what they do, not by their symbols.
  assert.deepEqual(await page.evaluate(() => ['btn-panel', 'btn-help'].map((id) => document.getElementById(id).getAttribute('aria-label'))),
    ['Hide or show the panel', 'Help and keyboard shortcuts']);
  assert.deepEqual(errors, []);
  await page.close();
});

test(`${BROWSER}: a phone: Help and every figure reachable, the panel over the view, charts legible, files named by their own step`, async () => {
  const page = await S.browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err.message || err)));
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 2 });
  await page.goto(`${S.server.url}/?threads=2#preset=spots&size=24`, { waitUntil: 'load' });
  await ready(page);
  const box = (sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom, w: r.width }; });
  const help = await box('#btn-help');
  assert.ok(help.l >= 0 && help.r <= 390, `the Help button is on the screen: ${help.l}..${help.r} of 390`);
  // The figures scroll sideways within the header: the last (threads) can be brought into view.
  // (scrolled and measured at once: the figures widen as they update)
  const pool = await page.$eval('#stats', (e) => {
    e.scrollLeft = e.scrollWidth;
    const r = document.getElementById('stat-pool').getBoundingClientRect();
    return { l: r.left, r: r.right };
  });
  assert.ok(pool.l >= 0 && pool.r <= help.l, `threads readout reachable: ${pool.l}..${pool.r}, Help at ${help.l}`);
  // Held upright, the default camera shows the whole box: in the rows between the figures'
  // notes (top) and the hint (bottom) nothing is drawn at the view's left and right edges.
  const edges = await page.$('#canvas').then((c) => c.screenshot({ type: 'png' })).then((b) => {
    const png = PNG.sync.read(b);
    let left = png.width, right = -1;
    for (let y = Math.round(png.height * 0.15); y < png.height * 0.7; y++) {
      for (let x = 0; x < png.width; x++) if (drawnAt(png, x, y, 40)) left = Math.min(left, x), right = Math.max(right, x);
    }
    return { left, right, width: png.width };
  });
  assert.ok(edges.right > edges.left, 'the box is drawn');
  assert.ok(edges.left >= 4 && edges.right < edges.width - 4,
    `the box fits the portrait view: drawn from x = ${edges.left} to ${edges.right} of ${edges.width}`);
  // The panel opens over the view, which keeps its width.
  const view0 = await box('#canvas');
  await page.click('#btn-panel');
  await until(page, () => !document.body.classList.contains('panel-hidden'));
  const view1 = await box('#canvas'), panel = await box('#panel');
  assert.equal(view1.w, view0.w, 'the view keeps its width under the panel');
  assert.ok(panel.w >= 200 && panel.l >= 0 && panel.r <= 390, `the panel fits the screen: ${panel.w} px`);
  // The time-series chart (made while the panel was hidden) takes its box's width when it opens,
  // and its axes are drawn in the page's dim text colour, not uPlot's black.
  await until(page, () => window.rdPlots && window.rdPlots.chart);
  const chart = await page.evaluate(() => {
    const c = window.rdPlots.chart, dim = getComputedStyle(document.documentElement).getPropertyValue('--dim').trim();
    return { width: c.width, box: document.getElementById('series-chart').clientWidth, dim,
      strokes: c.axes.filter((a) => a.show !== false).map((a, i) => a.stroke(c, i)) };
  });
  assert.ok(Math.abs(chart.width - chart.box) <= 1, `chart ${chart.width} px in a ${chart.box} px box`);
  assert.ok(chart.strokes.length >= 2 && chart.strokes.every((x) => x === chart.dim), `axes in ${chart.dim}: ${chart.strokes}`);
  // A state saved while running is named by the step it holds (the readout lags).
  await page.evaluate(() => { window.rd.lastFile = null; window.rd.worker.postMessage({ type: 'save' }); });
  await until(page, () => window.rd.lastFile && window.rd.lastFile.kind === 'rds');
  const saved = await page.evaluate(() => ({
    step: Number(new DataView(window.rd.lastFile.buffer).getBigUint64(64, true)),
    message: document.getElementById('message').textContent,
  }));
  assert.match(saved.message, new RegExp(`^Saved grayscott-24x24x24-step${saved.step}\\.rds `), `step ${saved.step} in the name`);
  assert.deepEqual(errors, []);
  await page.close();
});
