// threads.test.mjs: every pool size the page accepts starts in this browser
// (BROWSER=chromium or firefox), and for 1..4 threads the state hash after a run
// equals the native CLI's, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ROOT } from './server.mjs';
import { BROWSER, openPage, until, useCaddyAndBrowser } from './browser.mjs';

// Caddy and the browser, started before the tests and stopped after them.
const S = useCaddyAndBrowser();

const RUN = { preset: 'mitosis', size: 40, boundary: 'zeroflux', seedMode: 'cube', seed: '12345', steps: 120 };

function nativeHash(threads) {
  const out = execFileSync(`${ROOT}/build/native/rdsim`, ['--size', String(RUN.size), '--preset', RUN.preset,
    '--boundary', RUN.boundary, '--seed-mode', RUN.seedMode, '--seed', RUN.seed, '--steps', String(RUN.steps),
    '--threads', String(threads), '--hash'], { encoding: 'utf8' });
  return /state_hash ([0-9a-f]{16})/.exec(out)[1];
}

// Opens the page with ?threads=n, waits until the engine is up and has drawn a mesh.
async function start(n, hash) {
  const { page, errors } = await openPage(S.browser, `${S.server.url}/?threads=${n}${hash}`);
  await until(page, () => window.rd.poolSize > 0 && window.rd.info && window.rd.meshesDrawn > 0, undefined, 90000);
  const rd = await page.evaluate(() => ({ poolSize: window.rd.poolSize, attempts: window.rd.startAttempts,
    problems: window.rd.problems }));
  return { page, errors, rd };
}

for (const n of [1, 2, 3, 4]) {
  test(`${BROWSER}: ?threads=${n} starts and its state hash equals rdsim's`, async () => {
    const want = nativeHash(n);
    assert.equal(nativeHash(1), want, 'rdsim gives the same hash for 1 and n threads');
    const { page, errors, rd } = await start(n,
      `#preset=${RUN.preset}&size=${RUN.size}&boundary=1&seedMode=${RUN.seedMode}&seed=${RUN.seed}&paused=1`);
    assert.equal(rd.poolSize, n);
    assert.deepEqual(rd.problems, []);
    await page.evaluate((k) => window.rd.worker.postMessage({ type: 'step', n: k }), RUN.steps);
    await until(page, (k) => window.rd.info.step === k, RUN.steps);
    await page.evaluate(() => window.rd.worker.postMessage({ type: 'hash' }));
    await until(page, () => window.rd.hash !== null);
    assert.equal(await page.evaluate(() => window.rd.hash.hex), want);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test(`${BROWSER}: every pool size 1..16 starts`, async (t) => {
  const started = [];
  for (let n = 1; n <= 16; n++) {
    const { page, errors, rd } = await start(n, '#size=32&paused=1');
    assert.equal(rd.poolSize, n, `?threads=${n}`);
    assert.deepEqual(errors, [], `console errors at ?threads=${n}`);
    assert.equal(rd.attempts, 1, `?threads=${n} started only after ${rd.attempts - 1} watchdog restart(s)`);
    started.push(`${n}:${rd.attempts}`);
    await page.close();
  }
  console.log(`# started (threads:attempts) ${started.join(' ')}`);
});
