// Serves the built studio (dist/) on the loopback interface, compressed the way a
// static host would (brotli or gzip), with the right MIME types for WebAssembly and
// the response headers of the build's `_headers` file (the one a static host reads).
// Used by `make serve`, by the Playwright suite, and by the load benchmark.
//
//   node e2e/serve.mjs [--dir dist] [--port 8080] [--host 127.0.0.1]

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.csv', '.txt']);

// Reads a `_headers` file: a path pattern (`*` matches any run of characters) on a
// line of its own, then its headers indented below it.
export function parseHeaders(text) {
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const pattern = line.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      rules.push({ pattern: new RegExp(`^${pattern}$`), headers: {} });
    } else if (rules.length) {
      const at = line.indexOf(':');
      rules.at(-1).headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return rules;
}

// The headers for `path`: every matching rule in order, later values replacing earlier ones.
export function headersFor(rules, path) {
  const headers = {};
  for (const rule of rules) if (rule.pattern.test(path)) Object.assign(headers, rule.headers);
  return headers;
}

export async function startServer({ dir, port = 8080, host = '127.0.0.1', onResponse }) {
  const root = resolve(dir);
  const cache = new Map();
  // A folder without one (a benchmark's own page) is served with no extra headers.
  const rules = parseHeaders(await readFile(join(root, '_headers'), 'utf8').catch(() => ''));

  async function load(path, encoding) {
    const key = `${path}|${encoding}`;
    const info = await stat(path);
    const hit = cache.get(key);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit.body;
    const raw = await readFile(path);
    let body = raw;
    if (encoding === 'br') {
      body = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    } else if (encoding === 'gzip') {
      body = gzipSync(raw, { level: 9 });
    }
    cache.set(key, { mtimeMs: info.mtimeMs, body });
    return body;
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, `http://${req.headers.host ?? host}`);
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const path = normalize(join(root, rel));
      if (path !== root && !path.startsWith(root + sep) || rel === '/_headers') {
        res.writeHead(403).end('forbidden');
        return;
      }
      const ext = extname(path);
      const accepts = String(req.headers['accept-encoding'] ?? '');
      const encoding = !COMPRESSIBLE.has(ext)
        ? 'identity'
        : /\bbr\b/.test(accepts)
          ? 'br'
          : /\bgzip\b/.test(accepts)
            ? 'gzip'
            : 'identity';
      const body = await load(path, encoding);
      const headers = {
        ...headersFor(rules, decodeURIComponent(url.pathname)),
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        'Content-Length': body.length,
        Vary: 'Accept-Encoding',
      };
      if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      onResponse?.({ path: rel, encoding, bytes: body.length });
    } catch (error) {
      const missing = error && error.code === 'ENOENT';
      res.writeHead(missing ? 404 : 500, { 'Content-Type': 'text/plain' });
      res.end(missing ? 'not found' : 'server error');
    }
  });
  return new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready(server));
  });
}

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dir = option('dir', join(here, '..', 'dist'));
  const port = Number(option('port', '8080'));
  const host = option('host', '127.0.0.1');
  try {
    await stat(join(dir, 'index.html'));
  } catch {
    console.error(`No build in ${dir}: run \`make build\` first.`);
    process.exit(1);
  }
  await startServer({ dir, port, host });
  console.log(`Studio is being served at http://${host}:${port}/ (Ctrl-C stops it)`);
}
