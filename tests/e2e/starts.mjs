// starts.mjs: start-up reliability, measured (not part of `make test`; `make starts`).
// Opens the page RUNS times in a row per thread count in one browser (BROWSER=chromium
// or firefox, the latter under xvfb-run), closing each page as soon as it drew its
// first mesh, as a person reloading would, and prints per thread count: starts,
// failures (never started), starts the page's watchdog had to retry, and start times.
//   node tests/e2e/starts.mjs [--runs 50] [--threads 1,2,4] [--gap-ms 0]
import { parseArgs } from 'node:util';
import { startCaddy } from './server.mjs';
import { BROWSER, launch, openPage } from './browser.mjs';

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '50' }, threads: { type: 'string', default: '1,2,4' },
  'gap-ms': { type: 'string', default: '0' } } });
const runs = Number(values.runs), gap = Number(values['gap-ms']);
const threadCounts = values.threads.split(',').map(Number);

const server = await startCaddy();
const browser = await launch();
let failedTotal = 0;
try {
  for (const n of threadCounts) {
    let failed = 0, retried = 0;
    const times = [], stalls = [];
    for (let i = 0; i < runs; i++) {
      const t0 = Date.now();
      const { page } = await openPage(browser, `${server.url}/?threads=${n}#size=32&paused=1`);
      let st;
      for (;;) {
        st = await page.evaluate(() => ({ up: window.rd.poolSize > 0 && window.rd.meshesDrawn > 0,
          attempts: window.rd.startAttempts, problems: window.rd.problems, stalls: window.rd.stalls }));
        if (st.up || st.problems.length || Date.now() - t0 > 120000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      times.push(Date.now() - t0);
      if (st.attempts > 1) { retried++; stalls.push(...st.stalls.map((s) => s.stage)); }
      if (!st.up) { failed++; console.log(`  start ${i} failed: ${JSON.stringify(st)}`); }
      await page.close();
      if (gap) await new Promise((r) => setTimeout(r, gap));
    }
    failedTotal += failed;
    times.sort((a, b) => a - b);
    console.log(`${BROWSER} threads=${n}: ${runs} starts, ${failed} failed, ${retried} retried by the watchdog` +
      `${stalls.length ? ` (stalled at: ${[...new Set(stalls)].join('; ')})` : ''}; start ms median ${times[runs >> 1]}, max ${times[runs - 1]}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failedTotal ? 1 : 0);
