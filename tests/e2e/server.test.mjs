// server.test.mjs: what Caddy serves (no browser needed): isolation headers on
// every response, application/wasm, compression, and nothing but the web root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCaddy } from './server.mjs';

let server;
before(async () => { server = await startCaddy(); });
after(async () => { await server.stop(); });

const BUILT = ['/', '/index.html', '/main.js', '/compute_worker.js', '/style.css',
  '/engine.js', '/engine.wasm', '/engine.worker.js', '/app.js', '/app.wasm', '/build.json', '/favicon.svg'];

test('every built file is served with COOP same-origin and COEP require-corp', async () => {
  for (const p of BUILT) {
    const r = await fetch(server.url + p);
    await r.arrayBuffer();
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin', p);
    assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp', p);
  }
});

test('.wasm is application/wasm and large responses are compressed', async () => {
  for (const p of ['/engine.wasm', '/app.wasm', '/app.js']) {
    const r = await fetch(server.url + p, { headers: { 'Accept-Encoding': 'gzip' } });
    await r.arrayBuffer();
    if (p.endsWith('.wasm')) assert.equal(r.headers.get('content-type'), 'application/wasm');
    assert.equal(r.headers.get('content-encoding'), 'gzip', p);
  }
});

test('source files, dotfiles and directories are not served', async () => {
  const forbidden = ['/Makefile', '/Caddyfile', '/README.md', '/engine/api.c', '/app/main.c',
    '/web/main.js', '/.git/config', '/.gitignore', '/.ci/run', '/.env', '/node_modules/',
    '/build/web/index.html', '/%2e%2e/Makefile', '/../Makefile', '/tests/', '/engine/'];
  for (const p of forbidden) {
    const r = await fetch(server.url + p);
    const body = await r.text();
    assert.equal(r.status, 404, `${p} answered ${r.status}`);
    assert.ok(!/<a href/i.test(body), `${p} looks like a directory listing`);
  }
});
