import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';
import { SloeError, notFound } from '../core/index.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Bundles are named by content hash (`app-3WIBR3OS.js`), so they never change under their name. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;

interface StaticFile {
  readonly body: Uint8Array;
  readonly type: string;
  readonly etag: string;
}

/**
 * The web UI: `GET /` is index.html (revalidated on every load, so a new build is picked up at once), `GET /ui/*` the
 * bundles (cached for a year, immutable: their names change with their content). Files are read once and kept in
 * memory; nothing is fetched from the network. `root` is ui/dist, built by `npm run build`.
 */
export function uiRoutes(root: string): Hono {
  const app = new Hono();
  const cache = new Map<string, StaticFile | null>();
  const load = (relative: string): StaticFile | null => {
    const cached = cache.get(relative);
    if (cached !== undefined) return cached;
    const path = normalize(join(root, relative));
    let file: StaticFile | null = null;
    if (path.startsWith(normalize(root) + sep) && existsSync(path) && statSync(path).isFile()) {
      const body = readFileSync(path);
      const stats = statSync(path);
      file = { body, type: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', etag: `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"` };
    }
    cache.set(relative, file);
    return file;
  };

  app.get('/', (c) => {
    const index = load('index.html');
    if (!index) throw new SloeError('ui_not_built', `the web UI is not built (no ${join(root, 'index.html')}): run npm run build`, { status: 503 });
    if (c.req.header('if-none-match') === index.etag) return c.body(null, 304);
    return c.body(index.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': index.type, 'Cache-Control': 'no-cache', ETag: index.etag, 'X-Content-Type-Options': 'nosniff' });
  });

  app.get('/ui/*', (c) => {
    const relative = c.req.path.replace(/^\/+/, '');
    if (relative.includes('..') || relative.includes('\0')) throw notFound(`no file ${c.req.path}`);
    const file = load(relative);
    if (!file) throw notFound(`no file ${c.req.path}`);
    const caching = HASHED.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304);
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.type, 'Cache-Control': caching, ETag: file.etag, 'X-Content-Type-Options': 'nosniff' });
  });
  return app;
}
