// A static file server for the page: the repository root as it is, nothing else.
// Used by `scripts/serve` (the README's first command) and by the browser tests.
// Usage: node scripts/serve.mjs [ROOT]   (port from PORT, default 8080; 0 picks a free one)
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gsk': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/** Starts serving `root`; resolves to { server, url } once listening. */
export function startServer({ root = process.cwd(), port = 8080, host = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== base && !file.startsWith(base + sep)) {
      response.writeHead(403).end('outside the served directory');
      return;
    }
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) throw new Error('not a file');
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': stat.size,
        'Cache-Control': 'no-cache',
      });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      done({ server, url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? process.cwd();
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await startServer({ root, port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(`gansketch is served at ${url}  (Ctrl+C to stop)`);
}
