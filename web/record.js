// record.js: the "Record" section (index.html #record). A clip: MediaRecorder on the
// canvas's captureStream (WebM, VP9 or VP8 as the browser has), started and stopped
// by the button or ended by the time limit, with its progress shown, then downloaded.
// Exact frames: a PNG of each of the next N frames drawn with a new mesh (or, while
// paused, of each frame drawn), taken right after the draw (main.js rd.onFrameHook),
// downloaded one by one, named by the grid and the step they start at (main.js
// rd.fileName): grayscott-64x64x64-step1200-frame0001.png, ...-frame0002.png, ...
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

  let recorder = null, startedAt = 0, limitTimer = 0, tick = 0;
  let wanted = 0, taken = 0, pending = 0;
  let frameName = null; // (k) => the k-th PNG's name, fixed when the sequence starts

  function mimeType() {
    if (!window.MediaRecorder) return '';
    for (const t of ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm']) {
      if (MediaRecorder.isTypeSupported(t)) return t;
    }
    return '';
  }

  function say(text, bad = false) {
    const p = $('record-status');
    p.textContent = text;
    p.classList.toggle('bad', bad);
    if (bad) rec.error = text;
  }

  // Draw every frame while recording (a canvas not drawn gives captureStream no frames).
  function setState(s) {
    rec.state = s;
    if (rd.app) rd.app._app_set_continuous(s === 'idle' ? 0 : 1);
  }

  // The page's one download path (main.js).
  const download = (blob, name) => rd.download(blob, name, blob.type);

  function limitSeconds() {
    const s = Number($('record-seconds').value);
    return Number.isFinite(s) && s >= 1 && s <= 600 ? s : null;
  }

  function start() {
    const seconds = limitSeconds();
    if (seconds === null) { say('Time limit: a number of seconds, 1..600.', true); return; }
    const type = mimeType();
    const canvas = $('canvas');
    if (!type || !canvas.captureStream) { say('This browser cannot record the canvas (MediaRecorder, WebM).', true); return; }
    let stream;
    try {
      stream = canvas.captureStream(FPS);
      recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 8e6 });
    } catch (e) {
      say(`Recording failed: ${e.message}`, true);
      return;
    }
    const chunks = [];
    const name = rd.fileName('webm', 'clip');
    recorder.ondataavailable = (e) => { if (e.data && e.data.size > 0) chunks.push(e.data); };
    recorder.onstop = () => {
      const ms = performance.now() - startedAt;
      for (const t of stream.getTracks()) t.stop();
      const blob = new Blob(chunks, { type: type.split(';')[0] });
      rec.clip = { blob, mime: type, ms };
      rec.clips++;
      setState('idle');
      clearInterval(tick);
      clearTimeout(limitTimer);
      $('record-progress').value = Math.min(ms / 1000, Number($('record-progress').max)); // the share of the limit used
      $('record-clip').textContent = 'Record clip';
      if (blob.size === 0) { say('The clip is empty (nothing was drawn while recording).', true); return; }
      say(`Recorded ${(ms / 1000).toFixed(1)} s, ${(blob.size / 1048576).toFixed(2)} MB: ${name}`);
      download(blob, name);
    };
    recorder.start(250); // a chunk every 250 ms
    startedAt = performance.now();
    setState('recording');
    rec.error = '';
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
    if (recorder && recorder.state !== 'inactive') recorder.stop();
  }

  function startFrames() {
    const n = Number($('record-frames').value);
    if (!Number.isInteger(n) || n < 1 || n > 1000) { say('Frames: a whole number, 1..1000.', true); return; }
    rec.frames = [];
    rec.error = '';
    wanted = n;
    taken = 0;
    const first = rd.fileName('png', 'frame0001');
    frameName = (k) => first.replace(/frame0001\.png$/, `frame${String(k).padStart(4, '0')}.png`);
    pending = 0;
    setState('frames');
    $('record-progress').max = n;
    $('record-progress').value = 0;
    say(`PNG frames: 0 of ${n}`);
  }

  // Called by main.js right after each draw, while the drawing buffer holds the frame.
  rd.onFrameHook = (hadNewMesh) => {
    if (rec.state !== 'frames' || taken >= wanted) return;
    if (!hadNewMesh && rd.running) return; // one frame per mesh while it runs
    const k = ++taken;
    pending++;
    $('canvas').toBlob((blob) => {
      pending--;
      if (!blob) { // the sequence ends here (and with it the continuous drawing it asked for)
        taken = wanted;
        if (pending === 0) setState('idle');
        say(`PNG frames: frame ${k} could not be read from the canvas; stopped.`, true);
        return;
      }
      rec.frames[k - 1] = blob;
      download(blob, frameName(k));
      $('record-progress').value = k;
      say(`PNG frames: ${rec.frames.filter(Boolean).length} of ${wanted}`);
      if (taken >= wanted && pending === 0) { setState('idle'); say(`Saved ${wanted} PNG frames (${frameName(1)} …).`); }
    }, 'image/png');
  };

  $('record-clip').addEventListener('click', () => { if (rec.state === 'recording') stop(); else if (rec.state === 'idle') start(); });
  $('record-png').addEventListener('click', () => { if (rec.state === 'idle') startFrames(); });
})();
