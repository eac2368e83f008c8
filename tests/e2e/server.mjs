// server.mjs: starts Caddy from the project's Caddyfile on a free localhost port,
// serving build/web, for the end-to-end tests; and a plain server WITHOUT the
// isolation headers, to check that the page explains what is wrong.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// RD_WEBROOT serves another build's web root (a helper's scratch build, say).
export const WEBROOT = process.env.RD_WEBROOT ? path.resolve(process.env.RD_WEBROOT) : path.join(ROOT, 'build/web');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`server at ${url} did not answer within ${ms} ms: ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// Caddy exactly as `make serve` runs it. Returns {url, stop()}.
export async function startCaddy() {
  const port = await freePort();
  const proc = spawn('caddy', ['run', '--config', 'Caddyfile', '--adapter', 'caddyfile'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), WEBROOT },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const url = `http://localhost:${port}`;
  try {
    await waitForHttp(`${url}/`, 15000);
  } catch (e) {
    proc.kill();
    throw new Error(`${e.message}\ncaddy said:\n${log}`);
  }
  return {
    url,
    stop: () => new Promise((resolve) => { proc.once('exit', resolve); proc.kill(); }),
  };
}

// A bare static server over build/web with no COOP/COEP headers.
export async function startPlainServer() {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer(async (req, res) => {
    const rel = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '') || 'index.html';
    const file = path.join(WEBROOT, path.normalize(rel));
    if (!file.startsWith(WEBROOT)) { res.writeHead(404).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
