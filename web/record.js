// record.js: the "Record" section (index.html #record). A clip: MediaRecorder on the
// canvas's captureStream (WebM, VP9 or VP8 as the browser has), started and stopped
// by the button or ended by the time limit, with its progress shown, then downloaded.
// Exact frames: a PNG of each of the next N frames drawn with a new mesh (or, while
// paused, of each frame whose picture changed: the camera moved, a slice, a setting; a
// paused view that stays still waits, and says so), taken right after the draw (main.js rd.onFrameHook),
// downloaded one by one, named by the grid and the step they start at (main.js
// rd.fileName): grayscott-64x64x64-step1200-frame0001.png, ...-frame0002.png, ...,
// at every pixel of the canvas (web/budget.js holdFullPixels); a clip as the view is drawn.
// The app draws only when the view changed (app/main.c); while a clip or frames are
// recorded it draws every frame (app_set_continuous), so a paused view still records.
// Test hooks: window.rdRecord (state, clip {blob, mime, ms}, frames [Blob], error).
'use strict';

(() => {
  const rd = window.rd;
  const $ = (id) => document.getElementById(id);
  const FPS = 30;

  const rec = (window.rdRecord = {
    state: 'idle',  // idle | recording | frames
    clip: null,     // {blob, mime, ms} of the last clip
    clips: 0,
    frames: [],     // Blobs of the last PNG sequence
    error: '',
    mimeType,
  });

  // stoppedAt: when the clip was asked to end (its last frame); the recorder's onstop comes
  // later (Firefox: about 0.6 s), after it has written out what it holds.
  let recorder = null, startedAt = 0, stoppedAt = 0, limitTimer = 0, tick = 0;
  let wanted = 0, taken = 0, pending = 0;
  let frameName = null; // (k) => the k-th PNG's name, fixed when the sequence starts
  let firstSaved = '';  // the first frame's name as downloaded
  let resizeRedraw = false; // the next paused draw only re-draws the view at every pixel

  function mimeType() {
    if (!window.MediaRecorder) return '';
    for (const t of ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm']) {
      if (MediaRecorder.isTypeSupported(t)) return t;
    }
    return '';
  }

  // The section's status line (progress); outcomes (refusals, a file saved) also in the
  // page's message over the view, as every other outcome is (tell).
  function say(text, bad = false) {
    const p = $('record-status');
    p.textContent = text;
    p.classList.toggle('bad', bad);
    if (bad) rec.error = text;
  }
  function tell(text, bad = false) { say(text, bad); rd.say(text, bad); }

  // Draw every frame while recording (a canvas not drawn gives captureStream no frames).
  function setState(s) {
    rec.state = s;
    if (rd.app) rd.app._app_set_continuous(s === 'idle' ? 0 : 1);
    if (window.rdBudget) window.rdBudget.holdFullPixels(s === 'frames'); // frames at the canvas' size, as Picture
  }

  // The page's one download path (main.js).
  const download = (blob, name) => rd.download(blob, name, blob.type);

  // A field's whole number in [lo, hi], or null; the field is marked while it is not one.
  function wholeIn(id, lo, hi) {
    const text = $(id).value.trim(), n = Number(text), ok = /^\d+$/.test(text) && n >= lo && n <= hi;
    rd.markInvalid($(id), !ok);
    return ok ? n : null;
  }

  function start() {
    const seconds = wholeIn('record-seconds', 1, 600);
    if (seconds === null) { tell(`Time limit '${$('record-seconds').value}': a whole number of seconds, 1..600.`, true); return; }
    const type = mimeType();
    const canvas = $('canvas');
    if (!type || !canvas.captureStream) { tell('This browser cannot record the canvas (MediaRecorder, WebM).', true); return; }
    let stream;
    try {
      stream = canvas.captureStream(FPS);
      recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 8e6 });
    } catch (e) {
      tell(`Recording failed: ${e.message}`, true);
      return;
    }
    const chunks = [];
    const name = rd.fileName('webm', 'clip');
    recorder.ondataavailable = (e) => { if (e.data && e.data.size > 0) chunks.push(e.data); };
    recorder.onstop = () => {
      const ms = (stoppedAt || performance.now()) - startedAt; // the span the clip covers
      stoppedAt = 0;
      for (const t of stream.getTracks()) t.stop();
      const blob = new Blob(chunks, { type: type.split(';')[0] });
      rec.clip = { blob, mime: type, ms };
      rec.clips++;
      setState('idle');
      clearInterval(tick);
      clearTimeout(limitTimer);
      $('record-progress').value = Math.min(ms / 1000, Number($('record-progress').max)); // the share of the limit used
      $('record-clip').textContent = 'Record clip';
      if (blob.size === 0) { tell('The clip is empty (nothing was drawn while recording).', true); return; }
      const saved = download(blob, name);
      const pixels = rd.budget && rd.budget.pixels < 1 ? // the drawing budget's (web/budget.js): said, as the view says it
        ` (drawn at ${rd.budget.pixels === 0.5 ? '½' : '¼'} of the pixels, as the view; press "full" there first for every pixel)` : '';
      tell(`Recorded ${(ms / 1000).toFixed(1)} s, ${rd.sizeText(blob.size)}: ${saved}${pixels}`);
    };
    recorder.start(250); // a chunk every 250 ms
    startedAt = performance.now();
    stoppedAt = 0;
    setState('recording');
    rec.error = '';
    rd.say('');
    $('record-clip').textContent = 'Stop';
    $('record-progress').max = seconds;
    limitTimer = setTimeout(stop, seconds * 1000);
    tick = setInterval(() => {
      const s = (performance.now() - startedAt) / 1000;
      $('record-progress').value = Math.min(s, seconds);
      say(`Recording: ${s.toFixed(1)} of ${seconds} s`);
    }, 200);
    say(`Recording: 0.0 of ${seconds} s`);
  }

  function stop() {
    if (!recorder || recorder.state === 'inactive') return;
    if (!stoppedAt) stoppedAt = performance.now();
    recorder.stop();
  }

  function startFrames() {
    const n = wholeIn('record-frames', 1, 1000);
    if (n === null) { tell(`Frames '${$('record-frames').value}': a whole number, 1..1000.`, true); return; }
    rec.frames = [];
    rec.error = '';
    wanted = n;
    taken = 0;
    const first = rd.fileName('png', 'frame0001');
    frameName = (k) => first.replace(/frame0001\.png$/, `frame${String(k).padStart(4, '0')}.png`);
    pending = 0;
    // Paused at fewer pixels: the frames' first draw (at every pixel) shows the same view again.
    resizeRedraw = !rd.running && !!rd.budget && rd.budget.pixels < 1;
    setState('frames');
    $('record-progress').max = n;
    $('record-progress').value = 0;
    rd.say('');
    framesProgress();
  }

  // "PNG frames: 3 of 10", and while paused what a frame waits for.
  function framesProgress() {
    const got = rec.frames.filter(Boolean).length;
    say(`PNG frames: ${got} of ${wanted}` + (rd.running ? '' : ' (paused: a frame is taken each time the view changes; press Play or move the camera)'));
  }

  // Called by main.js right after each draw, while the drawing buffer holds the frame.
  rd.onFrameHook = (hadNewMesh, changed) => {
    if (rec.state !== 'frames' || taken >= wanted) return;
    if (!rd.running && changed && resizeRedraw) { resizeRedraw = false; framesProgress(); return; }
    if (rd.running ? !hadNewMesh : !changed) { framesProgress(); return; } // one frame per mesh while it runs, per change paused
    const k = ++taken;
    pending++;
    $('canvas').toBlob((blob) => {
      pending--;
      if (!blob) { // the sequence ends here (and with it the continuous drawing it asked for)
        taken = wanted;
        if (pending === 0) setState('idle');
        tell(`PNG frames: frame ${k} could not be read from the canvas; stopped.`, true);
        return;
      }
      rec.frames[k - 1] = blob;
      const saved = download(blob, frameName(k));
      if (k === 1) firstSaved = saved;
      $('record-progress').value = k;
      framesProgress();
      if (taken >= wanted && pending === 0) { setState('idle'); tell(`Saved ${wanted} PNG frames (${firstSaved} …).`); }
    }, 'image/png');
  };

  $('record-clip').addEventListener('click', () => { if (rec.state === 'recording') stop(); else if (rec.state === 'idle') start(); });
  $('record-png').addEventListener('click', () => { if (rec.state === 'idle') startFrames(); });
})();
