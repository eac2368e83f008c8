// thread_worker.js: one of the engine's pool threads (an emscripten pthread worker),
// started by the page rather than by the compute worker, and talking to the compute
// worker over the MessagePort the page hands it (web/main.js, startEngineWorkers).
//
// Why: Firefox (ESR 153, seen here) can hang for good inside `new Worker()` when a worker
// creates a worker: 5 of 12 starts at ?threads=16 hung at one of the 15 constructors,
// even in a fresh browser, each costing a 3 s watchdog restart and, now and then, all 5
// restarts. Created by the page, the thread workers are plain workers; the compute
// worker's emscripten code gets a stand-in Worker per port (web/compute_worker.js).
//
// The first message carries the port. From then on this worker's postMessage goes to
// the port, and the port's messages go to emscripten's own handler (engine.worker.js,
// which sets self.onmessage and calls postMessage, as in any pthread worker).
'use strict';

self.onmessage = (first) => {
  const port = first.data && first.data.port;
  if (!(port instanceof MessagePort)) throw new Error('thread_worker.js: the first message must carry a port');
  self.postMessage = (message, transfer) => port.postMessage(message, transfer || []);
  self.onmessage = null;
  importScripts('engine.worker.js'); // sets self.onmessage
  const handle = self.onmessage;
  port.onmessage = (e) => handle(e);
};
