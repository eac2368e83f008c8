// main.js: the page on the browser's main thread. It checks that the browser can
// run the app (cross-origin isolation, WASM threads and SIMD, WebGL2) and says
// plainly what is missing; starts the compute worker (engine + thread pool); loads
// the app (C + SDL2 + WebGL2) and hands it the meshes the worker transfers; and
// wires the controls. Settings live in the URL hash, so a link reproduces a run.
// Test hooks: window.rd holds the live state read by tests/e2e.
'use strict';

const rd = (window.rd = {
  ready: false,        // worker and app both up
  poolSize: 0,         // threads the engine's pool runs (worker 0 included)
  stage: '',           // the worker's start-up stage
  startAttempts: 0,    // compute workers started (more than 1 after a stalled start)
  viewNotes: [],       // texts shown in the middle of the view
  stalls: [],          // {stage, threadWorkers} of each start the watchdog abandoned
  threadWorkers: null, // {created, loaded}: the engine's thread workers while it starts
  engineStarts: 0,     // engines started in this page (restarts give memory back)
  heapBytes: 0,        // the engine's WASM heap as last reported
  activeThreads: 0,
  buildId: '',
  glVersion: '',
  presets: [],
  info: null,          // the simulation as the engine describes it (dims, params, step)
  view: null,          // the view settings in force (iso, scalar, close), as the engine says
  stats: null,         // latest speed figures from the worker
  meshesReceived: 0,
  meshesDrawn: 0,
  frames: 0,           // animation frames the app ran, drawn or not
  framesDrawn: 0,      // frames the app drew: only when what the view shows changed (app/main.c)
  appAsleep: false,    // the app's frames stopped: nothing changed since its last (app/main.c app_wake)
  appSleeps: 0,        // times it went to sleep
  triangles: 0,
  hash: null,          // {hex, step} of the last hash request
  lastFile: null,      // {kind, buffer} of the last saved state or exported mesh
  errors: [],          // engine errors shown to the user
  refusals: [],        // {key, text, why} of each value the page's own checks refused
  linkReplaced: [],    // what a link held that could not be used, as its message named it
  problems: [],        // blocking problems shown in the big box
  pendingMesh: null,   // newest transferred mesh ArrayBuffer, taken by the app
  worker: null,
});

const $ = (id) => document.getElementById(id);
// The pointer tools' on/off buttons (Paint mode: web/paint.js, Move planes: web/slices.js):
// one tool at a time; `on` shows the button pressed and gives the view the tool's cursor
// class. Each tool registers its setMode(on) here, so turning one on turns the others off.
rd.tools = {};
// The page's one-key shortcuts (here, paint.js, slices.js) stand aside while a field has
// the keyboard or a modal dialog (Help) is open: a key there is not a command.
rd.keysTaken = (e) => e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement ||
  e.target instanceof HTMLTextAreaElement || document.querySelector('dialog[open]') !== null;
rd.showTool = (name, buttonId, viewClass, on) => {
  const b = $(buttonId);
  b.setAttribute('aria-pressed', String(on));
  b.classList.toggle('on', on);
  $('view').classList.toggle(viewClass, on);
  if (on) for (const [other, setMode] of Object.entries(rd.tools)) if (other !== name) setMode(false);
};
// A field marked bad or good, the one way for every panel (here, lab.js, record.js):
// aria-invalid="true" while bad (an empty value would read as false), none when good.
rd.markInvalid = (el, bad) => (bad ? el.setAttribute('aria-invalid', 'true') : el.removeAttribute('aria-invalid'));
// The charts' axes in the page's colours (style.css owns them): uPlot draws black by default.
rd.chartAxis = () => {
  const css = getComputedStyle(document.documentElement), v = (name) => css.getPropertyValue(name).trim();
  return { stroke: v('--dim'), grid: { stroke: v('--line') }, ticks: { stroke: v('--line') } };
};
const esc = (s) => String(s).replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// The note in the middle of the view (empty: hidden). Each text shown is kept in rd.viewNotes.
function viewNote(text) {
  const n = $('view-note');
  if (n.textContent === text && n.hidden === !text) return;
  n.textContent = text;
  n.hidden = !text;
  if (text) rd.viewNotes.push(text);
}

function showProblem(title, html) {
  rd.problems.push(title);
  const box = $('problem');
  box.insertAdjacentHTML('beforeend', `<h2>${esc(title)}</h2>${html}`);
  box.hidden = false;
}

// The message over the view: every outcome, success or refusal. It clears itself
// (errors stay longer), and a new action clears the previous one (say('')).
const SAY_MS = 5000, SAY_ERROR_MS = 12000;
let sayTimer = 0;
function say(text, isError = false) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('bad', isError);
  m.hidden = !text;
  clearTimeout(sayTimer);
  if (text) sayTimer = setTimeout(() => { m.hidden = true; m.textContent = ''; }, isError ? SAY_ERROR_MS : SAY_MS);
}

// ---- browser checks -------------------------------------------------------------

// Smallest module using a SIMD128 instruction: (func (result v128) i32.const 0 i8x16.splat).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

// Returns [{title, html}] for everything this browser or this way of serving lacks.
function checkBrowser() {
  const missing = [];
  if (!window.crossOriginIsolated) {
    missing.push({ title: 'This page is not cross-origin isolated',
      html: '<p>WASM threads need <code>SharedArrayBuffer</code>, which browsers only allow on ' +
        'cross-origin isolated pages. Serve the app with <code>make serve</code> (Caddy sends the ' +
        '<code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: ' +
        'require-corp</code> headers) and open <code>http://localhost:8080/</code>.</p>' });
  } else if (typeof SharedArrayBuffer === 'undefined') {
    missing.push({ title: 'SharedArrayBuffer is unavailable',
      html: '<p>This browser does not offer SharedArrayBuffer even though the page is isolated. ' +
        'Use a current Chromium (92+) or Firefox (79+).</p>' });
  }
  let wasmOk = typeof WebAssembly === 'object';
  if (wasmOk && typeof SharedArrayBuffer !== 'undefined') {
    try { new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }); } catch (e) { wasmOk = false; }
  }
  if (!wasmOk || !WebAssembly.validate(SIMD_PROBE)) {
    missing.push({ title: 'WebAssembly threads or SIMD are missing',
      html: '<p>The engine needs WebAssembly with threads (shared memory) and SIMD128. ' +
        'Use Chromium 91+ or Firefox 89+.</p>' });
  }
  if (!document.createElement('canvas').getContext('webgl2')) {
    missing.push({ title: 'WebGL2 is not available',
      html: '<p>The 3D view needs WebGL2. Turn on hardware acceleration in the browser settings ' +
        '(or check <code>chrome://gpu</code> / <code>about:support</code>), or try another browser.</p>' });
  }
  return missing;
}

// ?threads=N: the pool size, 1..the schema's page limit; by default the logical cores,
// capped (schema.threads: each pool thread is a Web Worker holding the whole engine).
function requestedThreads() {
  const param = new URLSearchParams(location.search).get('threads');
  const t = schema.threads;
  const fallback = Math.min(Math.max(t.min, navigator.hardwareConcurrency || 4), t.pageDefaultMax);
  if (param === null) return fallback;
  const n = Number(param);
  if (!/^\d{1,3}$/.test(param) || n < t.min || n > t.pageMax) {
    showProblem('Bad threads parameter', `<p><code>?threads=${esc(param)}</code> must be a whole ` +
      `number from ${t.min} to ${t.pageMax}; using ${fallback}.</p>`);
    setTimeout(() => { $('problem').hidden = true; }, 6000);
    return fallback;
  }
  return n;
}

// ---- settings: built from the engine's schema, mirrored in the URL hash ---------------

// schema.json is the engine's description of every setting (engine/schema.c, written
// by `rdsim --schema` at build time; the worker's engine sends the same document):
// key, label, kind, range, slider extent, step, default, choices, when it applies.
// The panel, the URL keys and the checks of typed values are all built from it.
let schema = null;
let schemaText = '';
const P = {}; // the schema's settings by key
const own = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
const keysOf = (...applies) => schema.params.filter((p) => applies.includes(p.apply)).map((p) => p.key);
const plain = (html) => html.replace(/<[^>]*>/g, ''); // a label without its markup (D<sub>u</sub>)

async function loadSchema() {
  const r = await fetch('schema.json');
  if (!r.ok) throw new Error(`schema.json: HTTP ${r.status}`);
  schemaText = (await r.text()).trim();
  schema = rd.schema = JSON.parse(schemaText); // rd.schema: the tools (web/lab.js) read their limits there
  for (const p of schema.params) P[p.key] = p;
  rd.presets = schema.presets;
}

// The shortest decimal that reads back as the same float32 (what the engine holds).
function floatText(v) {
  if (typeof v !== 'number' || Number.isInteger(v)) return String(v);
  for (let digits = 1; digits <= 9; digits++) {
    const t = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(t)) === Math.fround(v)) return t;
  }
  return String(v);
}

// Checks a typed or linked text against setting p, as the engine will (engine/num.h's
// grammar, the schema's range and choices): {ok: true, value} or {ok: false, why}.
// An empty or non-numeric field is refused, never read as 0.
function check(p, raw) {
  const text = String(raw);
  const g = schema.grammar;
  const no = { ok: false, why: p.expect };
  const uint = () => text.length <= g.maxLength && new RegExp(g.uint).test(text);
  if (['real', 'int', 'seed'].includes(p.kind) && text.length > g.maxLength) // as rdsim says it
    return { ok: false, why: `too long (${text.length} characters, at most ${g.maxLength})` };
  switch (p.kind) {
    case 'real': {
      if (text.length > g.maxLength || !new RegExp(g.real).test(text)) return no;
      const v = Math.fround(Number(text));
      if (!Number.isFinite(v)) return no;
      if (p.min !== null && (p.minOpen ? !(v > p.min) : !(v >= p.min))) return no;
      if (p.max !== null && !(v <= p.max)) return no;
      return { ok: true, value: v };
    }
    case 'int': {
      if (!uint() || BigInt(text) < BigInt(p.min) || BigInt(text) > BigInt(p.max)) return no;
      return { ok: true, value: Number(text) };
    }
    case 'seed':
      return uint() && BigInt(text) < 1n << 64n ? { ok: true, value: text } : no;
    case 'bool':
      if (text === 'true' || text === '1') return { ok: true, value: true };
      if (text === 'false' || text === '0') return { ok: true, value: false };
      return no;
    default: { // the page's value, rdsim's word or the label, as schema_parse takes them
      const c = p.choices.find((q) => q.value === text || q.cli === text || q.label === text);
      return c ? { ok: true, value: c.value } : no;
    }
  }
}

// One control per setting, in the section of its `apply`, with the schema's id, label,
// slider extent, step and choices.
function buildPanel() {
  for (const section of document.querySelectorAll('#panel section[data-apply]')) {
    for (const p of schema.params.filter((q) => q.apply === section.dataset.apply)) {
      const label = document.createElement('label');
      label.className = p.control === 'checkbox' ? 'row check' : 'row';
      label.title = [p.help, p.unit].filter(Boolean).join(', ');
      let input;
      if (p.control === 'select') {
        input = document.createElement('select');
        const options = p.choices ? p.choices.map((c) => [c.value, c.label]) : p.suggest.map((v) => [String(v), String(v)]);
        for (const [value, text] of options) input.add(new Option(text, value));
      } else {
        input = document.createElement('input');
        // A number field is a text field: the page then reads exactly what was typed (a
        // browser's number input hides text it cannot parse, each browser differently), checks
        // it by the engine's grammar and quotes it when refused; ArrowUp/Down step it.
        input.type = p.control === 'number' ? 'text' : p.control;
        if (p.control === 'number') {
          input.inputMode = 'decimal';
          input.autocomplete = 'off';
          input.spellcheck = false;
          input.addEventListener('keydown', (e) => stepField(e, p));
        }
        if (p.control === 'range') {
          input.min = String(p.uiMin);
          input.max = String(p.uiMax);
          // A slider never snaps a value from a preset or a link to its step (uskate's
          // k = 0.06093 would read 0.0609); the schema's step is the number field's.
          input.step = 'any';
        }
        if (p.kind === 'seed') input.inputMode = 'numeric';
      }
      input.id = p.key;
      if (p.control === 'checkbox') {
        label.append(input);
        label.insertAdjacentHTML('beforeend', `<span>${p.label}</span>`);
      } else {
        label.insertAdjacentHTML('afterbegin', `<span>${p.label}</span>`);
        label.append(input);
        if (p.control === 'range') {
          const out = document.createElement('output');
          out.htmlFor = p.key;
          label.append(out);
        }
      }
      section.append(label);
    }
  }
  $('mesh-format').innerHTML = schema.formats.map((f) => `<option value="${esc(f.ext)}">${esc(f.label)}</option>`).join('');
  $('preset').innerHTML = schema.presets.map((p) => `<option>${esc(p.name)}</option>`).join('');
  for (const el of $('panel').querySelectorAll('input, select')) el.disabled = true; // until the engine is up
}

// ArrowUp / ArrowDown in a number field: one schema step up or down from the value it
// holds (PageUp / PageDown: ten), kept in the setting's range, then applied as typed.
function stepField(e, p) {
  const dir = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[e.key];
  if (!dir || e.altKey || e.ctrlKey || e.metaKey) return;
  const r = check(p, e.target.value);
  if (!r.ok) return; // a bad text stays for the person to fix
  e.preventDefault();
  const decimals = Math.max(0, -Math.floor(Math.log10(p.step) + 1e-9));
  let v = Number((Math.round(r.value / p.step) * p.step + dir * p.step).toFixed(decimals + 2));
  v = Math.min(p.max, Math.max(p.minOpen ? p.step : p.min, Number(v.toFixed(decimals))));
  e.target.value = String(v);
  e.target.dispatchEvent(new Event('change', { bubbles: true }));
}

// What the controls show: each setting's raw text (checkboxes: true/false), and the preset.
function readControls() {
  const s = { preset: $('preset').value };
  for (const p of schema.params) s[p.key] = p.control === 'checkbox' ? $(p.key).checked : $(p.key).value;
  return s;
}

// The controls' values for the given keys, checked: {values, bad: [{key, text, why}]}.
function checked(keys) {
  const raw = readControls(), values = {}, bad = [];
  for (const key of keys) {
    const r = check(P[key], raw[key]);
    if (r.ok) values[key] = r.value;
    else bad.push({ key, text: String(raw[key]), why: r.why });
  }
  return { values, bad };
}

// Shows settings in their controls. A valid value a list lacks (a size from a link) is
// added to it; a slider widens to show a valid value beyond its extent.
function writeControls(s) {
  for (const [key, v] of Object.entries(s)) {
    const el = $(key);
    if (!el || v === undefined || v === null) continue;
    const text = floatText(v);
    if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === text)) {
      if (!own(P, key) || !check(P[key], text).ok) continue; // never an option the schema does not define
      el.add(new Option(text, text));
    }
    if (own(P, key)) markBad(key, false); // a value shown is a valid one
    if (el.type === 'checkbox') { el.checked = v === true || v === 'true' || v === '1'; continue; }
    if (el.type === 'range') {
      if (Number(text) > Number(el.max)) el.max = text;
      if (Number(text) < Number(el.min)) el.min = text;
    }
    el.value = text;
  }
  for (const out of document.querySelectorAll('output[for]')) out.textContent = $(out.htmlFor).value;
  showColorSpan();
}

// The typed colour range's fields (colorMin, colorMax) show only with Colour range custom.
function showColorSpan() {
  const on = $('colorRange') && $('colorRange').value === 'custom';
  for (const key of ['colorMin', 'colorMax']) if ($(key)) $(key).closest('.row').hidden = !on;
}

// The settings in force: what the engine reports (rd.info) for the simulation and the
// view, the panel for the rest (the preset, the brush, grid fields not applied yet
// when the engine does not say them).
function inForce() {
  const s = readControls(), i = rd.info;
  if (i) {
    for (const key of keysOf('live')) s[key] = i[key];
    if (i.nx === i.ny && i.ny === i.nz) s.size = i.nx;
    s.boundary = i.boundary;
    s.seed = i.seed;
    if (i.seedMode) s.seedMode = i.seedMode;
  }
  if (rd.view) Object.assign(s, rd.view);
  return s;
}

function settingsToHash(s) {
  const p = new URLSearchParams();
  if (s.preset) p.set('preset', s.preset); // none after loading a reaction no preset has
  for (const key of keysOf('live', 'reset', 'view', 'paint')) p.set(key, floatText(s[key]));
  if (rd.camera) p.set('cam', rd.camera);
  // The pacing too, when it is not the default: a link watched slowly, or run to a step.
  if ($('speed').value !== '0') p.set('speed', $('speed').value);
  if ($('stopAt').value !== '') p.set('stopAt', $('stopAt').value);
  // The threads at work when fewer than the pool's (the pool's size is the ?threads= query).
  if (rd.poolSize > 0 && rd.activeThreads > 0 && rd.activeThreads < rd.poolSize) p.set('active', String(rd.activeThreads));
  return '#' + p.toString();
}

// The link's key=value pairs; a key given twice or no key at all is kept in
// rd.linkOdd for the message (the last of a repeated key counts).
function settingsFromHash() {
  const s = {};
  rd.linkOdd = [];
  for (const [key, v] of new URLSearchParams(location.hash.slice(1))) {
    if (key === '') { if (v !== '') rd.linkOdd.push(`=${v} (no key; ignored)`); continue; }
    if (own(s, key)) rd.linkOdd.push(`${key}=${s[key]} (given again as ${key}=${v}; the last counts)`);
    s[key] = v;
  }
  return s;
}

// Mirrors the settings in force in the URL hash, so the address bar always holds a
// link to this run (a refused value never stays there).
function keepInLink() {
  if (schema) history.replaceState(null, '', settingsToHash(inForce()));
}

// A refusal by the page's own checks: one message naming each refused field, and the
// controls back at the values in force.
function refuse(bad) {
  say(bad.map((b) => `${plain(P[b.key].label)} '${b.text}': ${b.why}`).join('; '), true);
  rd.refusals.push(...bad);
  for (const b of bad) markBad(b.key, true);
  showInForce();
}

// A grid field ('reset' keys wait for Reset) is checked as it is typed: a bad one says why
// at once and stays marked, with what was typed, until it is fixed; Reset refuses meanwhile.
function markBad(key, bad) {
  const el = $(key);
  if (!el || P[key].apply !== 'reset') return;
  // The reason stays under the field (the view's message fades) and is its description.
  const row = el.closest('.row') || el, whyId = `${key}-why`;
  let why = document.getElementById(whyId);
  rd.markInvalid(el, bad);
  if (bad) {
    const r = check(P[key], readControls()[key]);
    if (!why) {
      why = document.createElement('p');
      why.id = whyId, why.className = 'note bad field-why';
      row.after(why);
    }
    why.textContent = r.ok ? '' : `${plain(P[key].label)}: ${r.why}`;
    el.setAttribute('aria-describedby', whyId);
  } else {
    el.removeAttribute('aria-describedby');
    if (why) why.remove();
  }
}
function checkPending(key) {
  const text = readControls()[key], r = check(P[key], text);
  markBad(key, !r.ok);
  if (!r.ok) { refuse([{ key, text: String(text), why: r.why }]); return; }
  say('');
}

function showInForce() {
  if (!rd.info) return;
  const s = inForce(), shown = {};
  for (const key of keysOf('live', 'view')) shown[key] = s[key];
  writeControls(shown);
  keepInLink();
}

function applyPreset(name) {
  const p = rd.presets.find((x) => x.name === name);
  if (!p) return false;
  const loaded = $('preset-loaded');
  if (loaded) loaded.remove();
  presetOrigin = null;
  writeControls({ preset: p.name, ...p.values });
  $('preset-source').textContent = p.source;
  return true;
}

// The reaction settings (live keys) of preset p that differ from values, each compared as
// the engine holds it (a float32).
function presetDiffers(p, values) {
  const held = (k, v) => { const r = check(P[k], String(v)); return r.ok ? floatText(r.value) : String(v); };
  return keysOf('live').filter((k) => own(p.values, k) && own(values, k) && held(k, values[k]) !== held(k, p.values[k]));
}

// The Preset list names the reaction in force: the preset that has it, or else an entry of
// its own saying where it came from and what changed since ("(spots, F and k changed)",
// "(the reaction of run.rds)"), gone when a preset is picked; the link then names no
// preset. After a Load (file: its name) the file is where it came from; a state file does
// not say how it was started: Start keeps its value.
let presetOrigin = null; // {name, values, source}: what the entry of its own started from
const andList = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
function showPresetOf(info, file) {
  const p = rd.presets.find((x) => presetDiffers(x, info).length === 0);
  let entry = $('preset-loaded');
  if (p) {
    if (entry) entry.remove();
    presetOrigin = null;
    $('preset').value = p.name;
    $('preset-source').textContent = p.source;
    return p;
  }
  if (file) {
    const values = {};
    for (const k of keysOf('live')) values[k] = info[k];
    presetOrigin = { name: `the reaction of ${file}`, values, source: `The reaction settings of ${file}: no preset has them.` };
  } else if (!presetOrigin) { // changed by hand from the preset the list shows
    const from = rd.presets.find((x) => x.name === $('preset').value) || rd.presets[0];
    presetOrigin = { name: from.name, values: from.values, source: from.source };
  }
  if (!entry) {
    entry = new Option('', '');
    entry.id = 'preset-loaded';
    $('preset').add(entry, 0);
  }
  const changed = presetDiffers(presetOrigin, info).map((k) => plain(P[k].label));
  entry.text = `(${presetOrigin.name}${changed.length ? `, ${andList(changed)} changed` : ''})`;
  $('preset').value = '';
  $('preset-source').textContent = changed.length
    ? `${presetOrigin.source} Changed here: ${andList(changed)}; no preset has these settings.` : presetOrigin.source;
  return null;
}

// The settings a page opens with: the defaults, then the link's preset, then the link's
// values; each bad one (and an unknown preset) is replaced by its default and named.
function settingsFromLink() {
  const link = settingsFromHash(), replaced = [...rd.linkOdd];
  const defaults = {};
  for (const p of schema.params) defaults[p.key] = p.default;
  writeControls(defaults);
  let preset = rd.presets[0];
  if (own(link, 'preset')) {
    const found = rd.presets.find((x) => x.name === link.preset) ||
      rd.presets.find((x) => x.name.toLowerCase() === link.preset.toLowerCase()); // CoRaL is coral
    if (found) preset = found;
    else replaced.push(`preset=${link.preset} (no such preset; ${preset.name})`);
  }
  applyPreset(preset.name);
  const shown = readControls(), fromLink = {};
  for (const [key, text] of Object.entries(link)) {
    if (key === 'preset') continue;
    if (key === 'paused') { // a flag, spelled as the link's others are
      const r = check({ kind: 'bool', expect: 'must be 1 or true, 0 or false' }, text);
      if (!r.ok) replaced.push(`paused=${text} (${r.why}; running)`);
      continue;
    }
    if (key === 'cam') {
      const c = cameraFromText(text);
      if (c) rd.linkCamera = c;
      else replaced.push(`cam=${text} (${cameraWhy(text)}; the default view)`);
      continue;
    }
    if (key === 'speed') { // one of the Speed list's values (index.html owns the list)
      const values = [...$('speed').options].map((o) => o.value);
      if (values.includes(text)) $('speed').value = text;
      else replaced.push(`speed=${text} (must be ${values.join(', ')}: steps a second, 0 for unlimited; unlimited)`);
      continue;
    }
    if (key === 'active') { // the threads at work, 1..the pool's (known once the engine is up)
      const t = schema.threads;
      const r = check({ kind: 'int', min: t.min, max: t.pageMax, expect: `must be a whole number of threads, ${t.min}..${t.pageMax}` }, text);
      if (r.ok) rd.linkActive = r.value;
      else replaced.push(`active=${text} (${r.why}; all the pool's)`);
      continue;
    }
    if (key === 'stopAt') {
      const r = check(STOP_AT, text);
      if (r.ok) $('stopAt').value = String(r.value);
      else replaced.push(`stopAt=${text} (${STOP_AT.expect}; never)`);
      continue;
    }
    if (!own(P, key)) { replaced.push(`${key} (not a setting; ignored)`); continue; }
    const r = check(P[key], text);
    if (r.ok) fromLink[key] = r.value;
    else {
      const choice = P[key].choices && P[key].choices.find((c) => c.value === String(shown[key]));
      replaced.push(`${key}=${text} (${r.why}; ${choice ? choice.cli : floatText(shown[key])})`); // as the reason spells it
    }
  }
  // the typed colour range together: from below to (else both the defaults, said)
  const span = { ...shown, ...fromLink };
  if (span.colorRange === 'custom' && !(Number(span.colorMin) < Number(span.colorMax))) {
    replaced.push(`colorMin=${floatText(span.colorMin)}, colorMax=${floatText(span.colorMax)} (colours from must be below to; ` +
      `${P.colorMin.default}, ${P.colorMax.default})`);
    fromLink.colorMin = P.colorMin.default, fromLink.colorMax = P.colorMax.default;
  }
  writeControls(fromLink);
  return { replaced, paused: own(link, 'paused') && check({ kind: 'bool' }, link.paused).value === true };
}

// ---- camera, legend, help, panel ------------------------------------------------------

// The camera as the link holds it: yaw, pitch, distance, target x, y, z, 4 decimals each.
// null when it is not one (cameraWhy says why).
function cameraFromText(text) {
  return cameraWhy(text) ? null : String(text).split(',').map(Number);
}
function cameraWhy(text) {
  const parts = String(text).split(',');
  if (parts.length !== 6 || !parts.every((t) => t.length <= 32 && new RegExp(schema.grammar.real).test(t)))
    return 'must be 6 decimal numbers: yaw, pitch, distance, target x, y, z';
  const v = parts.map(Number);
  if (!(v[2] > 0)) return 'the distance (the third number) must be above 0';
  return '';
}
// The link's camera, set; a pitch, distance or target beyond what the app's camera allows
// (app/camera.c clamps them, as an orbit, zoom or pan would) is named with the link's other
// replaced values.
function setLinkCamera(want) {
  rd.app._app_camera_set(...want);
  const got = cameraState();
  const moved = [[1, 'pitch'], [2, 'distance'], [3, 'target x'], [4, 'target y'], [5, 'target z']]
    .filter(([i]) => Math.abs(got[i] - want[i]) > 1e-4 * Math.max(1, Math.abs(want[i])));
  if (!moved.length) return;
  rd.linkReplaced.push(`cam=${want.join(',')} (${moved.map(([i, name]) => `${name} ${want[i]} is beyond the camera's range`).join(', ')}; ` +
    `${moved.map(([i, name]) => `${name} ${+got[i].toFixed(4)}`).join(', ')})`);
  if (rd.poolSize > 0) linkMessage(); // the engine is up and said the others; else its 'ready' will
}
function cameraState() {
  if (!rd.app) return null;
  const at = rd.app._app_camera_state() >>> 2;
  return Array.from(rd.app.HEAPF32.subarray(at, at + 6));
}
const cameraText = (c) => c.map((v) => String(Number(v.toFixed(4)))).join(',');
// The link follows the camera (checked twice a second: orbiting, zooming, R, the view buttons).
function followCamera() {
  const c = cameraState();
  if (!c) return;
  const text = cameraText(c);
  if (text !== rd.camera) {
    rd.camera = text;
    keepInLink();
  }
}
// The camera from the keyboard, on the view (or with nothing focused): the arrows orbit as
// a drag of CAMERA_KEY_PX would, Shift+arrows pan, + and - zoom as a wheel step does.
const CAMERA_KEY_PX = 20; // 0.1 rad a press (camera.c: 200 px a radian)
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
function cameraKey(e) {
  if (!rd.app || (e.target !== $('canvas') && e.target !== document.body)) return false;
  const arrow = ARROWS[e.key], zoom = { '+': 1, '=': 1, '-': -1, '_': -1 }[e.key];
  if (e.key === 'r' || e.key === 'R') rd.app._app_camera_view(0); // the default view: camera_reset
  else if (arrow) {
    const [x, y] = arrow.map((d) => d * CAMERA_KEY_PX);
    if (e.shiftKey) rd.app._app_camera_pan(x, y); else rd.app._app_camera_orbit(x, y);
  } else if (zoom) rd.app._app_camera_zoom(zoom);
  else return false;
  followCamera();
  return true;
}
function cameraView(i) {
  if (rd.app) rd.app._app_camera_view(i);
  followCamera();
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else $('view').requestFullscreen().catch((e) => say(`Fullscreen refused by the browser: ${e.message}`, true));
}

function showHelp() {
  if ($('help').open) return;
  $('help').showModal();
  // The title takes the focus (showModal would give it to Close, at the bottom: the dialog
  // opened scrolled down, and Space closed it); Escape or Close end it.
  $('help-title').focus();
  $('help').scrollTop = 0;
}

function togglePanel(show = document.body.classList.contains('panel-hidden')) {
  document.body.classList.toggle('panel-hidden', !show);
  $('btn-panel').setAttribute('aria-expanded', String(show));
  // A chart made while the panel was hidden took a guessed width: now it has its own.
  if (show) {
    for (const tool of [window.rdPlots, window.rdLab]) {
      const c = tool && tool.chart, box = c && c.root.parentElement;
      if (box && box.clientWidth) c.setSize({ width: Math.max(200, box.clientWidth), height: c.height });
    }
  }
}

// The legend of the colouring in force: its name, the fixed range its colours span (the
// schema's, which the app draws over too) and the ramp (the schema's colormap stops).
// The colour legend: the fixed range of what the colours show, from the schema. One row
// for the surface's colouring (U, |∇V|) or, when the surface shows none, the slices'
// field; a second row for the slices when they show another field or range than the
// surface (each is coloured over its own range: app/render.c, engine/slice.h).
function showLegend(newMeshOnly = false) {
  if (!schema) return;
  const v = rd.view || {};
  const value = rd.view ? String(rd.view.scalar) : $('scalar').value;
  const scalar = P.scalar.choices.find((c) => c.value === value);
  let surface = v.surface !== false && scalar && scalar.range ? scalar : null;
  // Colour range "fit": the surface's colours span its own lowest..highest value, the drawn
  // mesh's header (scalar_min, scalar_max: engine/mesh.h), which the legend then shows.
  const fit = rd.meshScalarRange;
  if (surface && v.colorRange === 'fit' && fit && fit[1] > fit[0]) surface = { ...surface, range: fit, fitted: true };
  // "custom": the typed from .. to, as the engine holds them (float32: 0.3 reads back 0.300000012)
  if (surface && v.colorRange === 'custom' && v.colorMax > v.colorMin) {
    surface = { ...surface, range: [v.colorMin, v.colorMax].map((x) => +x.toPrecision(7)), typed: true };
  }
  const slices = v.sliceX || v.sliceY || v.sliceZ ? P.sliceField.choices.find((c) => c.value === v.sliceField) || null : null;
  const main = surface || (slices && slices.range ? slices : null);
  const second = surface && slices && slices.range &&
    (slices.label !== surface.label || String(slices.range) !== String(surface.range)) ? slices : null;
  const map = schema.colormaps.find((c) => rd.view && c.name === rd.view.colormap) || // the view's colormap
    schema.colormaps.find((c) => c.default) || schema.colormaps[0];
  // web/slices.js: the app draws the same view (once per view: onView also paces the sliders)
  if (window.rdSlices && !newMeshOnly) window.rdSlices.onView(rd.view);
  $('legend').hidden = !main;
  $('legend-slices').hidden = !second;
  $('view').classList.toggle('legend-two', !!second);
  if (!main) { placeFoot(); return; }
  const bar = `linear-gradient(to right, ${map.stops.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
  const row = (id, choice, name) => {
    $(`${id}-name`).textContent = name;
    const text = (x) => String(choice.fitted ? +x.toPrecision(3) : x);
    $(`${id}-lo`).textContent = text(choice.range[0]);
    $(`${id}-hi`).textContent = text(choice.range[1]);
    $(`${id}-bar`).style.background = bar;
  };
  row('legend', main, second ? `surface ${main.label}` : main.label);
  if (second) row('legend-slices', second, `slices ${second.label}`);
  if (rd.app) rd.app._app_set_shown_range(main.range[0], main.range[1]); // the surface's colours
  rd.legend = { name: main.label, lo: main.range[0], hi: main.range[1], colormap: map.name, fitted: !!main.fitted,
    slices: second ? { name: second.label, lo: second.range[0], hi: second.range[1] } : null };
  placeFoot();
}

// The view's foot (notices and the hint, bottom left) beside the legend (bottom right), as
// wide as the room the legend leaves; where that is too narrow to read (a phone, a two-row
// legend), above the legend across the view.
const FOOT_MIN_PX = 200;
function placeFoot() {
  const view = $('view'), legend = $('legend'), foot = $('view-foot');
  const lw = legend.hidden ? 0 : legend.offsetWidth, margin = 16;
  const room = view.clientWidth - lw - 3 * margin;
  const beside = lw === 0 || room >= FOOT_MIN_PX;
  foot.style.maxWidth = `${beside ? room + (lw ? 0 : margin) : view.clientWidth - 2 * margin}px`;
  foot.style.bottom = beside ? '' : `${legend.offsetHeight + 16}px`;
}

// Pinch to zoom on a touch screen (one finger orbits: SDL reads it as a mouse).
function wirePinch() {
  const touches = new Map();
  let spread = 0;
  const distance = () => { const [a, b] = [...touches.values()]; return Math.hypot(a.x - b.x, a.y - b.y); };
  const canvas = $('canvas');
  canvas.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') return;
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 2) spread = distance();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!touches.has(e.pointerId)) return;
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 2 && spread > 0 && rd.app) {
      const d = distance();
      rd.app._app_camera_zoom(Math.log(d / spread) / Math.log(1 / 0.9)); // camera_zoom: 0.9 per step
      spread = d;
    }
  });
  for (const type of ['pointerup', 'pointercancel']) {
    canvas.addEventListener(type, (e) => { touches.delete(e.pointerId); spread = 0; followCamera(); });
  }
  // A pinch only zooms: from the second finger until the last is lifted, SDL (the app's
  // orbit, which follows the first finger) sees no touch moves.
  let pinching = false;
  addEventListener('touchmove', (e) => {
    if (e.target !== canvas) return;
    if (e.touches.length >= 2) pinching = true;
    if (pinching) e.stopPropagation();
  }, { capture: true, passive: true });
  addEventListener('touchend', (e) => { if (e.touches.length === 0) pinching = false; }, true);
  addEventListener('touchcancel', (e) => { if (e.touches.length === 0) pinching = false; }, true);
}

// ---- worker -------------------------------------------------------------------------

function send(msg, transfer) { rd.worker.postMessage(msg, transfer || []); }

// A WASM heap only grows. When a much smaller grid follows a big one, a fresh engine
// (worker) is started for it, so that the memory goes back to the system.
const GIVE_BACK_MIN_HEAP = 1 << 30; // heaps below 1 GiB are kept
const ENGINE_BYTES_PER_CELL = 24;   // U, V and their next buffers (16 B) and meshing
function wantsFreshEngine(cells) {
  const need = cells * ENGINE_BYTES_PER_CELL + (64 << 20);
  return rd.heapBytes > GIVE_BACK_MIN_HEAP && rd.heapBytes > 4 * need;
}

// Replaces the engine with a fresh one of the same pool size; then() runs when it is
// ready, in place of the start-up's defaults (the controls keep what they show).
function restartEngine(then) {
  const threads = rd.poolSize, active = rd.activeThreads;
  rd.worker.terminate();
  rd.poolSize = 0;
  rd.heapBytes = 0;
  rd.afterStart = () => {
    if (active < threads) send({ type: 'threads', n: active });
    then();
    send({ type: 'run', on: rd.running });
  };
  startWorker(threads);
}

// A new simulation from the panel (Reset, a preset, the start): every live and reset
// setting, checked first; a refused field changes nothing and says why.
function newSimulation() {
  say('');
  const { values, bad } = checked(keysOf('live', 'reset'));
  if (bad.length) { refuse(bad); return false; }
  const n = values.size;
  delete values.size;
  if (wantsFreshEngine(n ** 3)) { restartEngine(newSimulation); return true; }
  $('hash').textContent = ''; // the last hash was of the run this one replaces
  send({ type: 'new', nx: n, ny: n, nz: n, ...values });
  sendView();
  return true;
}

function sendParams() {
  say('');
  const { values, bad } = checked(keysOf('live'));
  if (bad.length) { refuse(bad); return; }
  send({ type: 'params', ...values });
}

function sendView() {
  const { values, bad } = checked(keysOf('view'));
  // the typed colour range runs from below to (engine/mc.h mc_set_color_span)
  if (!bad.length && values.colorRange === 'custom' && !(values.colorMin < values.colorMax)) {
    bad.push({ key: 'colorMax', text: String(readControls().colorMax), why: `must be above colours from (${values.colorMin})` });
  }
  showColorSpan();
  if (bad.length) { refuse(bad); return; }
  send({ type: 'view', ...values });
}

// A link's active threads, once the pool is up: set (the Active slider follows), or named
// when the pool is smaller.
function applyLinkActive() {
  const want = rd.linkActive;
  rd.linkActive = 0;
  if (!want || want === rd.poolSize) return;
  if (want > rd.poolSize) {
    rd.linkReplaced.push(`active=${want} (more than the pool's ${rd.poolSize} threads: ?threads= sets the pool; ${rd.poolSize})`);
    return;
  }
  writeControls({ threads: want });
  send({ type: 'threads', n: want });
}

// "Stop at step": a step count to pause at (the panel's field and the link's stopAt).
const STOP_AT = { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER, expect: 'must be a whole number from 1' };
// "Stop at step" changed: checked at once and marked while bad; while running it takes
// effect now (empty: run on), while paused at the next Play.
function changeStopAt() {
  const el = $('stopAt'), text = el.value, now = rd.info ? rd.info.step : 0;
  keepInLink();
  const r = text === '' ? { ok: true, value: 0 } : check(STOP_AT, text);
  const good = r.ok && (r.value === 0 || r.value > now);
  rd.markInvalid(el, !good);
  if (!good) { say(`Stop at step '${text}': must be a whole number after the current step ${now}.`, true); return; }
  say('');
  if (!rd.running) return;
  send({ type: 'run', on: true, ...(r.value ? { stopAt: r.value } : {}) });
  if (r.value) say(`The run will pause at step ${r.value}.`);
}
// Play (optionally up to the step in "Stop at step") or pause.
function setRunning(on) {
  let stopAt = 0;
  const text = $('stopAt').value;
  if (on && text !== '') {
    const r = check(STOP_AT, text);
    const now = rd.info ? rd.info.step : 0;
    const bad = !r.ok || r.value <= now;
    rd.markInvalid($('stopAt'), bad);
    if (bad) {
      say(`Stop at step '${text}': must be a whole number after the current step ${now}.`, true);
      on = false;
    } else {
      stopAt = r.value;
    }
  }
  rd.running = on;
  $('btn-run').textContent = on ? 'Pause' : 'Play';
  send({ type: 'run', on, ...(stopAt ? { stopAt } : {}) });
}

// Saves a buffer or a Blob as a file (every download of the page goes through here) and
// returns the name it got: a name this page gave before (a Save after painting, at the
// same step) gets -2, -3, ... before its extension, so no download replaces another.
const namesGiven = new Map(); // name -> downloads under it
function download(buffer, name, mime) {
  const n = (namesGiven.get(name) || 0) + 1;
  namesGiven.set(name, n);
  if (n > 1) {
    name = name.replace(/(\.[^.]+)?$/, (ext) => `-${n}${ext}`);
    namesGiven.set(name, 1);
  }
  const url = URL.createObjectURL(new Blob([buffer], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
  return name;
}
rd.download = download;
rd.say = (text, isError) => say(text, isError);

// Every download's name: the grid and the step now, then what it is (a suffix such as
// 'series' or 'frame0001'), so repeated downloads of a run never collide.
// step: the step the file holds (the worker says it with a file, a mesh says what it shows);
// by default the last step reported, which lags a running simulation.
function fileName(ext, what = '', step = rd.info && rd.info.step) {
  const i = rd.info;
  const base = i ? `grayscott-${i.nx}x${i.ny}x${i.nz}-step${step}` : 'grayscott';
  return `${base}${what ? `-${what}` : ''}.${ext}`;
}
rd.fileName = fileName;
// A file's size as a person reads it: 740 KB, 7.3 MB (never "0.0 MB").
rd.sizeText = (bytes) => (bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`);

function onWorkerMessage(ev) {
  const m = ev.data;
  if (!m || typeof m.type !== 'string') return;
  switch (m.type) {
    case 'progress':
      rd.stage = m.stage;
      if (!rd.meshesDrawn) viewNote(`Starting the engine: ${m.stage}…`);
      if (m.threadWorkers) rd.threadWorkers = m.threadWorkers;
      say(`Engine: ${m.stage}…`);
      break;
    case 'ready': {
      rd.stage = 'ready';
      if (window.rdBudget) window.rdBudget.startBudget(); // software GL: a smaller drawing budget
      say('');
      rd.engineStarts++;
      rd.poolSize = m.poolSize;
      rd.activeThreads = m.poolSize;
      if (m.schema.trim() !== schemaText) {
        showProblem('The page and the engine disagree', '<p>schema.json does not describe the engine that ' +
          'started (a stale build?). Rebuild and serve with <code>make serve</code>.</p>');
      }
      if (rd.afterStart) { // a restart: the page is set up already
        const then = rd.afterStart;
        rd.afterStart = null;
        then();
        break;
      }
      rd.buildId = m.buildId;
      $('stat-pool').textContent = String(m.poolSize);
      $('stat-build').textContent = m.buildId;
      document.querySelector('header').title = `build ${m.buildId}`;
      $('threads').max = String(m.poolSize);
      writeControls({ threads: m.poolSize });
      for (const b of document.querySelectorAll('button')) b.disabled = false;
      for (const el of $('panel').querySelectorAll('input, select')) el.disabled = false;
      rd.starting = true; // until the first simulation is in force (see 'error')
      newSimulation();
      if ($('speed').value !== '0') $('speed').onchange(); // a link's pacing
      applyLinkActive();
      setRunning(!rd.startPaused);
      if (rd.linkReplaced.length) linkMessage();
      break;
    }
    case 'info':
      rd.info = m.info;
      rd.heapBytes = m.heapBytes;
      window.dispatchEvent(new Event('rd:info')); // web/fkmap.js follows the (F, k) in force
      rd.starting = false;
      $('stat-step').textContent = String(m.info.step);
      if (rd.loading) { // the panel and the link now describe the loaded grid
        const i = m.info, cube = i.nx === i.ny && i.ny === i.nz;
        writeControls({ ...(cube ? { size: i.nx } : {}), boundary: i.boundary, seed: i.seed });
        const p = showPresetOf(i, rd.loading);
        const start = $('seedMode').selectedOptions[0];
        say(`Loaded ${rd.loading}: ${i.nx}×${i.ny}×${i.nz} at step ${i.step} (${p ? `preset ${p.name}` : 'a reaction no preset has'}).` +
          ` Reset starts ${cube ? 'it' : 'a cube of the size in the panel'} again from seed ${i.seed}, Start ${start ? start.text : '?'}.`);
        rd.loading = null;
      } else {
        showPresetOf(m.info, null); // a reaction changed by hand (or the map's click) leaves its preset
      }
      showInForce(); // the controls and the link show what is in force (a refused change snaps back)
      break;
    case 'view':
      rd.view = m.view;
      showInForce();
      showLegend();
      wakeApp(); // its next frame sees the engine ready (rd.ready)
      break;
    case 'stopped':
      rd.running = false;
      $('btn-run').textContent = 'Play';
      $('stopAt').value = '';
      rd.markInvalid($('stopAt'), false);
      keepInLink();
      say(`Paused at step ${m.step}, as asked.`);
      break;
    case 'mesh':
      rd.meshesReceived++;
      if (Number.isFinite(m.step)) rd.meshStep = m.step; // what the next frames show
      rd.pendingMesh = m.buffer; // the app takes it on its next frame (woken below)
      if (m.buffer.byteLength >= 32) { // the range its scalar spans (engine/mesh.h's header)
        const h = new DataView(m.buffer);
        rd.meshScalarRange = [h.getFloat32(24, true), h.getFloat32(28, true)];
        if (rd.view && rd.view.colorRange === 'fit') showLegend(true); // the colours follow each surface
      }
      rd.pendingMeshGrid = [m.level || 1, ...(m.grid || [])]; // its level and the grid it stands for
      if (window.rdBudget) window.rdBudget.onMesh(m); // the drawing budget (web/budget.js)
      rd.pendingSlices = m.slices || null; // and the slices that came with it (web/slices.js)
      $('stat-mesh').textContent = `${m.meshMs.toFixed(1)} ms`;
      wakeApp();
      if (window.rdProbe) window.rdProbe.onMessage(m); // a resting pointer's readout follows the state
      break;
    case 'slices': // only the slices changed (a slice moved): the app takes them as a mesh's
      rd.pendingSlices = m.slices;
      wakeApp();
      break;
    case 'stats':
      showWorkers(rd.stats && rd.stats.pool, m.pool);
      rd.stats = m;
      if (rd.info) rd.info.step = m.step;
      $('stat-step').textContent = String(m.step);
      $('stat-sps').textContent = m.running ? m.stepsPerSec.toFixed(0) : '–';
      $('stat-cells').textContent = m.running ? (m.cellsPerSec / 1e6).toFixed(0) : '–';
      $('stat-stepms').textContent = m.stepMs ? `${m.stepMs.toFixed(2)} ms` : '–';
      break;
    case 'threads':
      rd.activeThreads = m.active;
      $('stat-pool').textContent = `${m.active}/${rd.poolSize}`;
      keepInLink();
      break;
    case 'hash':
      rd.hash = { hex: m.hex, step: m.step };
      $('hash').textContent = `state_hash ${m.hex} at step ${m.step}`;
      break;
    case 'file': {
      rd.lastFile = { kind: m.kind, buffer: m.buffer };
      const format = schema.formats.find((f) => f.ext === m.kind); // a mesh; else a state file
      const mime = format ? format.mime : 'application/octet-stream';
      const name = download(m.buffer, fileName(m.kind, '', Number.isFinite(m.step) ? m.step : undefined), mime);
      // A trace of an idle engine holds only its threads' names: say so rather than hand it over mute.
      const idle = m.kind === 'json' && !/"ph":"X"/.test(new TextDecoder().decode(m.buffer));
      // A mesh is the whole isosurface at full resolution: the clip plane and a hidden
      // surface are the view's alone.
      const v = rd.view || {}, viewOnly = format && (v.clip !== 'none' || v.surface === false);
      say(`Saved ${name} (${rd.sizeText(m.buffer.byteLength)}).` +
        (idle ? ' It holds no pool work: the engine was idle in that time (run it, then save again).' : '') +
        (viewOnly ? ' It is the whole isosurface: the clip plane and "show the isosurface" change only the view.' : '') +
        (m.kind === 'vti' ? ' U and V at every grid point, for ParaView, VisIt or VTK.' : ''));
      break;
    }
    case 'error':
      rd.errors.push(m.message);
      if (/^load/.test(m.message)) rd.loading = null;
      say(m.message, true);
      if (/simulation stopped/.test(m.message)) setRunning(false);
      if (rd.starting && /^new/.test(m.message)) startAnyway(m.message);
      if (window.rdLab) window.rdLab.onMessage(m);
      break;
    default: // the threads lab and timeline (web/lab.js); time series, paint history, probe (plots.js, paint.js, probe.js)
      if (window.rdLab) window.rdLab.onMessage(m);
      for (const tool of [window.rdPlots, window.rdProfile, window.rdPaint, window.rdProbe]) if (tool) tool.onMessage(m);
  }
}

// The link's values were each valid but the engine refused them together (e.g. a dt
// beyond the stability limit of the link's Du): the start uses the preset's reaction
// settings instead, and then every default, so that a link always opens a running
// simulation; the message names what was replaced.
function startAnyway(why) {
  const preset = rd.presets.find((x) => x.name === $('preset').value) || rd.presets[0];
  const differs = presetDiffers(preset, readControls());
  if (differs.length) {
    rd.linkReplaced.push(`${differs.join(', ')} (${why}; the preset's values)`);
    applyPreset(preset.name);
  } else {
    rd.linkReplaced.push(`${keysOf('reset').join(', ')} (${why}; the defaults)`);
    const defaults = {};
    for (const k of keysOf('reset')) defaults[k] = P[k].default;
    writeControls(defaults);
    rd.starting = false; // the last try
  }
  newSimulation();
  linkMessage();
}

function linkMessage() {
  say(`This link held values that cannot be used; replaced: ${rd.linkReplaced.join('; ')}.`, true);
}

const START_ATTEMPTS = 5;
const START_TIMEOUT_MS = 15000;   // a normal start takes about a second

// One bar per pool thread: its busy share since the previous stats message, and
// how many tasks it stole from others in that time.
function showWorkers(before, now) {
  if (!before || !now || before.length !== now.length) return;
  $('workers').innerHTML = now.map((w, i) => {
    const busy = w.busy_ms - before[i].busy_ms, idle = w.idle_ms - before[i].idle_ms;
    const share = busy + idle > 0 ? busy / (busy + idle) : 0;
    const stolen = w.stolen - before[i].stolen;
    return `<span>${i}</span><div class="bar" title="thread ${i}: ${(share * 100).toFixed(0)}% busy, ` +
      `${stolen} steals"><span style="width:${(share * 100).toFixed(1)}%"></span></div><span>${stolen} st</span>`;
  }).join('');
}

// The engine: the compute worker and, for a pool of n threads, n - 1 thread workers
// (emscripten pthreads, web/thread_worker.js), all started here and joined by one
// MessageChannel each, the compute worker holding one end of every channel. Firefox (153)
// can hang for good inside `new Worker()` when a worker creates the workers itself (as
// emscripten does): seen at one of the 15 constructors in 5 of 12 starts at ?threads=16,
// in a fresh browser too (tests/e2e/starts.mjs). Started by the page, none hung.
function startEngineWorkers(threads) {
  const worker = new Worker('compute_worker.js');
  const threadWorkers = [], ports = [];
  // One per pool thread but the compute worker's own; at least one, as emscripten's pool
  // (PTHREAD_POOL_SIZE in the Makefile) always holds one and waits for it to load.
  for (let i = 0; i < Math.max(1, threads - 1); i++) {
    const t = new Worker('thread_worker.js');
    const channel = new MessageChannel();
    t.postMessage({ port: channel.port1 }, [channel.port1]);
    t.onerror = (e) => showProblem('An engine thread failed', `<p>${esc(e.message || 'engine.worker.js could not be loaded')}.</p>`);
    threadWorkers.push(t);
    ports.push(channel.port2);
  }
  const terminate = worker.terminate.bind(worker);
  worker.terminate = () => { terminate(); for (const t of threadWorkers) t.terminate(); };
  worker.postMessage({ type: 'init', threads, ports }, ports);
  return worker;
}

// The engine's start is watched: one that has not reported ready after START_TIMEOUT_MS
// is abandoned and tried again with fresh workers.
function startWorker(threads, attempt = 1) {
  const worker = startEngineWorkers(threads);
  rd.worker = worker;
  rd.startAttempts = attempt;
  worker.onmessage = onWorkerMessage;
  worker.onerror = (e) => showProblem('The compute worker failed',
    `<p>${esc(e.message || 'engine.js could not be loaded')}. Rebuild and serve with <code>make serve</code>.</p>`);
  // Stop the engine and its thread workers as soon as the page goes away.
  window.addEventListener('pagehide', () => worker.terminate());
  const errorsBefore = rd.errors.length;
  const started = performance.now();
  const watch = setInterval(() => {
    if (rd.poolSize || rd.worker !== worker || rd.errors.length > errorsBefore) { clearInterval(watch); return; }
    const now = performance.now();
    if (now - started <= START_TIMEOUT_MS) return;
    clearInterval(watch);
    worker.terminate();
    rd.stalls.push({ stage: rd.stage, threadWorkers: rd.threadWorkers, ms: Math.round(now - started) });
    if (attempt < START_ATTEMPTS) {
      say(`The engine stalled at “${rd.stage || 'loading'}”; starting it again (${attempt + 1}/${START_ATTEMPTS})…`);
      startWorker(threads, attempt + 1);
    } else {
      showProblem('The engine did not start', `<p>The compute worker stalled at “${esc(rd.stage || 'loading')}” ` +
        `${START_ATTEMPTS} times. Close other tabs of this app and reload; if it persists, try fewer threads ` +
        `with <code>?threads=2</code>.</p>`);
    }
  }, 250);
}

// ---- app (C + SDL2 + WebGL2) -----------------------------------------------------------

let pictureWanted = false;

// The app's frames sleep while nothing changes (app/main.c): what reaches it other than
// through its own calls wakes it here, a mesh or slice from the worker, input SDL reads on
// the canvas (and the release of a drag anywhere), a new canvas size.
function wakeApp() { if (rd.app) rd.app._app_wake(); }

function wakeAppOnInput() {
  const canvas = $('canvas'), opts = { capture: true, passive: true };
  for (const t of ['pointerdown', 'pointermove', 'pointerup', 'pointerenter', 'pointerleave', 'wheel',
    'touchstart', 'touchmove', 'touchend', 'touchcancel', 'keydown', 'keyup', 'focus', 'blur']) {
    canvas.addEventListener(t, wakeApp, opts);
  }
  for (const t of ['pointerup', 'mouseup']) document.addEventListener(t, wakeApp, opts);
  window.addEventListener('resize', wakeApp);
  window.addEventListener('resize', placeFoot);
  if (window.ResizeObserver) new ResizeObserver(wakeApp).observe(canvas); // a panel shown or hidden
}

function startApp() {
  let fpsFrames = 0, fpsSince = performance.now(), fpsIdle = 0;
  wakeAppOnInput();
  rd.onAsleep = () => {
    rd.appAsleep = true;
    rd.appSleeps++;
    clearTimeout(fpsIdle); // still asleep a second later: no frames drawn per second
    fpsIdle = setTimeout(() => {
      if (!rd.appAsleep) return;
      $('stat-fps').textContent = '0';
      fpsFrames = 0;
      fpsSince = performance.now();
    }, 1000);
  };
  rd.onReady = (glVersion) => { rd.glVersion = glVersion; };
  rd.onFail = (message) => showProblem('The 3D view failed', `<p>${esc(message)}</p>`);
  rd.onPaint = (origin, dir, plane) => { // plane: the slice under the pointer, or null
    if (rd.worker) {
      const { values, bad } = checked(keysOf('paint'));
      if (bad.length) { refuse(bad); return; }
      if (rd.strokeStart) say(''); // a new stroke: the last outcome (a refused paint, say) is past
      const { paintRadius: radius, paintAmount: amount, ...brush } = values; // brush: shape, target
      send({ type: 'paint_ray', origin, dir, plane, radius, amount, ...brush, newStroke: rd.strokeStart === true });
      rd.strokeStart = false; // web/paint.js sets it when a stroke begins
    }
  };
  rd.onFrame = (triangles, hadNewMesh, drew, changed) => {
    rd.frames++;
    rd.appAsleep = false;
    if (drew) rd.framesDrawn++;
    if (window.rdBudget) window.rdBudget.onFrame(triangles, hadNewMesh, drew);
    if (rd.app && !rd.appSetUp) { // the first frame with the app's exports: the link's camera, the legend
      rd.appSetUp = true;
      if (window.rdBudget) window.rdBudget.startBudget(); // software GL: a smaller drawing budget
      if (rd.linkCamera) setLinkCamera(rd.linkCamera);
      showLegend();
      followCamera();
      setInterval(followCamera, 500);
    }
    if (hadNewMesh) {
      rd.meshesDrawn++;
      send({ type: 'mesh_taken', hold: window.rdBudget ? window.rdBudget.holdsDrawing() : false });
    }
    rd.triangles = triangles;
    if (drew && rd.onFrameHook) rd.onFrameHook(hadNewMesh, changed); // web/record.js: right after the draw
    if (hadNewMesh) { // say why the view is empty, rather than showing nothing
      viewNote(triangles > 0 ? '' : `Nothing in V reaches the isovalue ${$('iso').value}` + (rd.running
        ? ': at these settings the pattern may be dying out; lower the isovalue, or try a preset.'
        : ' yet: press Play to let the pattern grow, or lower the isovalue.'));
    }
    rd.ready = rd.poolSize > 0 && rd.glVersion !== '';
    if (pictureWanted && drew) { // right after the draw, while the drawing buffer holds the frame
      pictureWanted = false;
      $('canvas').toBlob((blob) => {
        if (!blob) { say('Picture: the canvas could not be read.', true); return; }
        const name = download(blob, fileName('png', '', rd.meshStep), 'image/png');
        say(`Saved ${name} (${rd.sizeText(blob.size)}).`);
      }, 'image/png');
      if (window.rdBudget) window.rdBudget.pictureFrame(false); // drawn at every pixel: back to the budget's
    }
    if (drew) fpsFrames++; // frames drawn per second (0 while nothing changes)
    // The triangles drawn, as soon as they change (a paused page may draw no other frame).
    const tris = triangles.toLocaleString('en');
    if ($('stat-tris').textContent !== tris) $('stat-tris').textContent = tris;
    const now = performance.now();
    if (now - fpsSince >= 1000) {
      $('stat-fps').textContent = (fpsFrames * 1000 / (now - fpsSince)).toFixed(0);
      fpsFrames = 0;
      fpsSince = now;
    }
  };
  const script = document.createElement('script');
  script.src = 'app.js';
  script.onload = () => {
    createApp({ canvas: $('canvas'), rd, print: (t) => console.log(t), printErr: (t) => console.warn(t) })
      .then((app) => { rd.app = app; app._app_wake(); })
      .catch((e) => rd.onFail(e && e.message ? e.message : String(e)));
  };
  script.onerror = () => showProblem('app.js failed to load', '<p>Rebuild and serve with <code>make serve</code>.</p>');
  document.body.appendChild(script);
}

// ---- controls -------------------------------------------------------------------------

// Arrow keys move a slider by the schema's step (PageUp/PageDown by ten), onto the step's
// grid, as its input and change events: a slider has step="any" (buildPanel), with which
// Firefox's arrows jump by 1, i.e. to an end of F's 0..0.1. Home and End stay the browser's.
const SLIDER_KEYS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
function stepSlider(e, el, p) {
  if (!own(SLIDER_KEYS, e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
  e.preventDefault();
  const decimals = Math.max(0, -Math.floor(Math.log10(p.step)) + 1);
  const moved = Math.round((Number(el.value) + SLIDER_KEYS[e.key] * p.step) / p.step) * p.step;
  const next = Math.min(p.uiMax, Math.max(p.uiMin, Number(moved.toFixed(decimals))));
  if (String(next) === el.value) return;
  el.value = String(next);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

function wireControls() {
  $('btn-run').onclick = () => setRunning(!rd.running);
  $('btn-step').onclick = () => { setRunning(false); send({ type: 'step', n: 1 }); };
  $('btn-reset').onclick = () => newSimulation();
  $('preset').onchange = () => { applyPreset($('preset').value); newSimulation(); };
  // Each setting is sent when it applies: live ones at once (sliders while they move),
  // view ones at once (the worker re-meshes, rebuilds only the slices, or neither, as the
  // setting needs); reset ones wait for Reset; the brush for the next paint.
  for (const p of schema.params) {
    const el = $(p.key);
    if (p.control === 'range') el.addEventListener('input', () => writeControls({}));
    if (p.control === 'range') el.addEventListener('keydown', (e) => stepSlider(e, el, p));
    if (p.apply === 'live') el.addEventListener(p.control === 'range' ? 'input' : 'change', sendParams);
    if (p.apply === 'view') el.addEventListener(p.control === 'range' ? 'input' : 'change', () => { say(''); sendView(); });
    if (p.apply === 'paint') el.addEventListener('change', keepInLink);
    if (p.apply === 'reset') el.addEventListener('change', () => checkPending(p.key));
  }
  $('threads').addEventListener('input', () => { writeControls({}); send({ type: 'threads', n: Number($('threads').value) }); });
  $('btn-hash').onclick = () => { say(''); send({ type: 'hash' }); };
  $('speed').onchange = () => { send({ type: 'speed', stepsPerSecond: Number($('speed').value) }); keepInLink(); };
  $('stopAt').addEventListener('change', changeStopAt);
  for (const b of document.querySelectorAll('#camera-views [data-view]')) b.onclick = () => cameraView(Number(b.dataset.view));
  $('btn-full').onclick = toggleFullscreen;
  wirePinch();
  $('btn-save').onclick = () => { say(''); send({ type: 'save' }); };
  $('btn-volume').onclick = () => { say(''); send({ type: 'export_volume' }); };
  $('btn-mesh').onclick = () => { say(''); send({ type: 'export_mesh', format: $('mesh-format').value }); };
  $('btn-png').onclick = () => {
    say('');
    pictureWanted = true;
    if (window.rdBudget) window.rdBudget.pictureFrame(true); // every pixel, whatever the drawing budget
    if (rd.app) rd.app._app_request_redraw();
  };
  // The app draws only when the view changed; a page shown again draws once in case the
  // browser let go of the last frame while it was hidden.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && rd.app) rd.app._app_request_redraw();
  });
  $('btn-link').onclick = async () => {
    const url = location.href.split('#')[0] + settingsToHash(inForce());
    history.replaceState(null, '', url);
    try { await navigator.clipboard.writeText(url); say('Link copied.'); } catch { say(`Link: ${url}`); }
  };
  // The Load label is a button for the keyboard too (its file input is hidden).
  $('load-label').addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && !$('load').disabled) { e.preventDefault(); $('load').click(); }
  });
  $('load').onchange = async () => {
    const f = $('load').files[0];
    if (!f) return;
    const buffer = await f.arrayBuffer();
    $('load').value = '';
    const load = () => { say(''); $('hash').textContent = ''; rd.loading = f.name; send({ type: 'load', buffer }, [buffer]); };
    // A state file holds 8 bytes per cell: a much smaller grid gets a fresh engine.
    if (wantsFreshEngine(buffer.byteLength / 8)) restartEngine(load); else load();
  };
  // The view takes the keyboard when it is used with the mouse (R resets the camera:
  // SDL reads keys on the canvas only).
  $('canvas').addEventListener('pointerdown', () => $('canvas').focus());
  // Painting (Alt or paint mode, pointer events, undo/redo): web/paint.js.
  // Tab leaves the view: SDL reads keys on the canvas and cancels their default, so without
  // this a keyboard user (or anyone who clicked the view) could never Tab out of it.
  addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && e.target === $('canvas')) e.stopPropagation();
  }, true);
  // The view's focus ring only when Tab brought the focus there (CSS's :focus-visible also
  // lights up when a key is pressed after a click on the canvas).
  let tabbed = false;
  addEventListener('keydown', (e) => { if (e.key === 'Tab') tabbed = true; }, true);
  addEventListener('pointerdown', () => { tabbed = false; $('canvas').classList.remove('keys-here'); }, true);
  $('canvas').addEventListener('focus', () => $('canvas').classList.toggle('keys-here', tabbed));
  $('canvas').addEventListener('blur', () => $('canvas').classList.remove('keys-here'));
  document.addEventListener('keydown', (e) => {
    if (rd.keysTaken(e) || !rd.worker) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return; // the browser's (Ctrl+F finds, Ctrl+3 a tab)
    // Space and Enter press a focused button; Backspace there must not throw the run away.
    if ((e.key === ' ' || e.key === 'Backspace') && e.target instanceof Element &&
      e.target.closest('button, a[href], summary, [role=button]')) return;
    if (e.key === ' ') { e.preventDefault(); setRunning(!rd.running); }
    else if (e.key === '.') $('btn-step').click(); // pauses, then one step, as the button does
    else if (e.key === 'Backspace') newSimulation();
    else if (e.key >= '1' && e.key <= '4') cameraView(Number(e.key) - 1);
    else if (cameraKey(e)) e.preventDefault();
    else if (e.key === 'f' || e.key === 'F') toggleFullscreen();
    else if (e.key === '?') showHelp();
  });
}

const missing = checkBrowser();
if (missing.length) {
  for (const m of missing) showProblem(m.title, m.html);
} else {
  viewNote('Starting the engine…');
  $('btn-help').onclick = showHelp;
  $('btn-panel').onclick = () => togglePanel();
  if (innerWidth < 700) togglePanel(false); // a phone: the view first, the panel on ☰
  if (matchMedia('(pointer: coarse)').matches) { // a touch screen first: its own gestures
    $('hint').textContent = 'Drag to orbit · pinch to zoom · Paint mode and Move planes are in the panel (☰)';
  }
  loadSchema().then(() => {
    buildPanel();
    const start = settingsFromLink(); // the panel shows the link's settings while the engine starts
    rd.linkReplaced = start.replaced;
    rd.startPaused = start.paused;
    wireControls();
    // The page writes its address with replaceState (no event); a hashchange is a person
    // editing the link or going back to another: open that link as a link is opened.
    addEventListener('hashchange', () => location.reload());
    startWorker(requestedThreads());
    startApp();
  }).catch((e) => showProblem('The page could not start', `<p>${esc(e.message)}. Rebuild and serve with ` +
    '<code>make serve</code>.</p>'));
}
