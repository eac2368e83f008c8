// trace_check.mjs: checks a Trace Event Format document as the pool writes it
// (engine/trace.h): returns a list of problems (empty: fine). Shared by the page's
// and the CLI's trace tests.
export function checkTrace(doc, { workers, phases }) {
  const problems = [];
  if (!doc || !Array.isArray(doc.traceEvents)) return ['no traceEvents array'];
  const lanes = new Map();
  const names = new Set();
  for (const e of doc.traceEvents) {
    if (e.ph === 'M') {
      if (e.name === 'thread_name') names.add(e.tid);
      continue;
    }
    if (e.ph !== 'X' && e.ph !== 'i') { problems.push(`event of ph ${e.ph}`); continue; }
    if (typeof e.ts !== 'number' || !(e.ts >= 0)) problems.push(`bad ts ${e.ts}`);
    if (e.ph === 'X' && !(typeof e.dur === 'number' && e.dur >= 0)) problems.push(`bad dur ${e.dur}`);
    if (!lanes.has(e.tid)) lanes.set(e.tid, []);
    lanes.get(e.tid).push(e);
  }
  const tids = [...names].sort((a, b) => a - b);
  if (tids.length !== workers || tids.some((t, i) => t !== i)) problems.push(`thread names for tids ${tids}, want 0..${workers - 1}`);
  for (const tid of lanes.keys()) if (!(tid >= 0 && tid < workers)) problems.push(`events on tid ${tid}`);
  const seen = new Set();
  for (const [tid, evs] of lanes) {
    const stack = []; // open spans (end times), for proper nesting
    let last = -Infinity;
    for (const e of evs) {
      if (e.ts < last) problems.push(`tid ${tid}: ts ${e.ts} after ${last}`);
      last = e.ts;
      if (e.ph !== 'X') continue;
      seen.add(e.name);
      const end = e.ts + e.dur;
      while (stack.length && stack[stack.length - 1] <= e.ts + 1e-3) stack.pop();
      if (stack.length && end > stack[stack.length - 1] + 1e-3) {
        problems.push(`tid ${tid}: span ${e.name} [${e.ts}, ${end}] overlaps its parent ending at ${stack[stack.length - 1]}`);
      }
      stack.push(end);
    }
  }
  for (const p of phases) if (!seen.has(p)) problems.push(`no span of phase ${p}`);
  return problems.slice(0, 10);
}
