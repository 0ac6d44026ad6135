// Dev server (Node stdlib only): serves dist/ like the real server will (SPA
// fallback, immutable /assets, .br/.gz by Accept-Encoding, the same CSP) and
// proxies /api and /cal to a running PlanÉtude server, so the cookie is same-origin
// (the Host header is passed on as is: the server checks Origin against it).
// Usage: BACKEND=http://127.0.0.1:5000 PORT=5173 node scripts/dev.mjs [--watch]
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const backend = new URL(process.env.BACKEND ?? 'http://127.0.0.1:5000');
const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? '127.0.0.1';

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
};

if (process.argv.includes('--watch')) {
  spawn(process.execPath, [path.join(root, 'build.mjs'), '--watch'], { stdio: 'inherit' });
}

function proxy(req, res) {
  const upstream = http.request(
    { host: backend.hostname, port: backend.port || 80, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'Le serveur PlanÉtude ne répond pas (dev).' } }));
  });
  req.pipe(upstream);
}

function serveFile(req, res, rel) {
  const file = path.join(dist, rel);
  const ext = path.extname(file);
  const headers = {
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    Vary: 'Accept-Encoding',
  };
  const accept = String(req.headers['accept-encoding'] ?? '');
  let send = file;
  if (/\bbr\b/.test(accept) && existsSync(file + '.br')) {
    send = file + '.br';
    headers['Content-Encoding'] = 'br';
  } else if (/\bgzip\b/.test(accept) && existsSync(file + '.gz')) {
    send = file + '.gz';
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = statSync(send).size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(send).pipe(res);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = decodeURIComponent(url.pathname);
  if (p.startsWith('/api/') || p.startsWith('/cal/') || p === '/healthz') return proxy(req, res);
  const rel = path.normalize(p).replace(/^([/\\])+/, '');
  if (rel.includes('..')) {
    res.writeHead(400).end();
    return;
  }
  if (rel && existsSync(path.join(dist, rel)) && statSync(path.join(dist, rel)).isFile()) return serveFile(req, res, rel);
  if (!path.extname(rel) && !rel.startsWith('assets/')) return serveFile(req, res, 'index.html');
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('introuvable');
});

if (!existsSync(path.join(dist, 'index.html')) && !process.argv.includes('--watch')) {
  console.error('dist/ is missing: run npm run build first (or use --watch)');
  process.exit(1);
}
server.listen(port, host, () => {
  console.log(`PlanÉtude web: http://${host}:${port}  (API → ${backend.origin})`);
});
