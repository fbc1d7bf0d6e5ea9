import { Hono } from 'hono';
import type { Injected, Recorded } from './serve.js';

interface StoredDashboard {
  dashboard: Record<string, unknown>;
  folderUid: string;
  version: number;
  id: number;
  message: string;
}

/**
 * A fake Grafana following its HTTP API documentation (Folder API, Dashboard API, Search API): Bearer service account
 * tokens (401 `Unauthorized` otherwise), `POST /api/dashboards/db` with `{dashboard, folderUid, overwrite, message}`
 * answering `{id, uid, url, status, version, slug}`, 400 for an empty title or an unknown folder, 412 with
 * `status: version-mismatch` when overwrite is false and the version is stale, or `name-exists` for a same-titled
 * dashboard in the folder, 404 `Dashboard not found`.
 */
export class FakeGrafana {
  readonly requests: Recorded[] = [];
  readonly injected: Injected[] = [];
  readonly folders = new Map<string, { uid: string; title: string; id: number }>();
  readonly dashboards = new Map<string, StoredDashboard>();
  private nextId = 1;

  constructor(readonly token: string) {}

  app(): Hono {
    const app = new Hono();
    app.use('*', async (c, next) => {
      const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
      this.requests.push({ method: c.req.method, path: new URL(c.req.url).pathname + new URL(c.req.url).search, headers: c.req.header(), body });
      const index = this.injected.findIndex((entry) => entry.method === c.req.method && new URL(c.req.url).pathname.startsWith(entry.pathPrefix));
      if (index >= 0) {
        const [reply] = this.injected.splice(index, 1);
        return new Response(reply!.body, { status: reply!.status, headers: { 'Content-Type': reply!.contentType ?? 'application/json' } });
      }
      if (c.req.header('Authorization') !== `Bearer ${this.token}`) return c.json({ message: 'Unauthorized' }, 401);
      return next();
    });
    app.get('/api/folders', (c) => c.json([...this.folders.values()]));
    app.post('/api/folders', async (c) => {
      const { title, uid } = await c.req.json<{ title?: string; uid?: string }>();
      if (!title) return c.json({ message: 'Folder title cannot be empty' }, 400);
      if ([...this.folders.values()].some((folder) => folder.title === title)) return c.json({ message: 'a folder or dashboard in the general folder with the same name already exists' }, 409);
      const folder = { id: this.nextId++, uid: uid ?? `folder-${this.nextId}`, title };
      this.folders.set(folder.uid, folder);
      return c.json({ ...folder, url: `/dashboards/f/${folder.uid}/`, version: 1 });
    });
    app.get('/api/dashboards/uid/:uid', (c) => {
      const stored = this.dashboards.get(c.req.param('uid'));
      if (stored === undefined) return c.json({ message: 'Dashboard not found' }, 404);
      const folder = this.folders.get(stored.folderUid);
      return c.json({
        dashboard: { ...stored.dashboard, id: stored.id, version: stored.version },
        meta: { type: 'db', canSave: true, slug: 'x', url: `/d/${c.req.param('uid')}/x`, version: stored.version, folderUid: stored.folderUid, folderTitle: folder?.title ?? 'General', provisioned: false },
      });
    });
    app.post('/api/dashboards/db', async (c) => {
      const body = await c.req.json<{ dashboard?: Record<string, unknown>; folderUid?: string; overwrite?: boolean; message?: string }>();
      const dashboard = body.dashboard;
      if (dashboard === undefined || typeof dashboard.title !== 'string' || dashboard.title === '') return c.json({ message: 'Dashboard title cannot be empty' }, 400);
      const folderUid = body.folderUid ?? '';
      if (folderUid !== '' && !this.folders.has(folderUid)) return c.json({ message: 'folder not found' }, 400);
      const uid = typeof dashboard.uid === 'string' ? dashboard.uid : `generated-${this.nextId}`;
      const existing = this.dashboards.get(uid);
      if (body.overwrite !== true) {
        if (existing !== undefined && dashboard.version !== existing.version) return c.json({ message: 'The dashboard has been changed by someone else', status: 'version-mismatch' }, 412);
        const sameName = [...this.dashboards.entries()].find(([otherUid, other]) => otherUid !== uid && other.folderUid === folderUid && other.dashboard.title === dashboard.title);
        if (sameName !== undefined) return c.json({ message: 'A dashboard with the same name in the folder already exists', status: 'name-exists' }, 412);
      }
      const { id: _id, version: _version, ...content } = dashboard;
      const stored: StoredDashboard = { dashboard: content, folderUid, version: (existing?.version ?? 0) + 1, id: existing?.id ?? this.nextId++, message: body.message ?? '' };
      this.dashboards.set(uid, stored);
      return c.json({ id: stored.id, uid, url: `/d/${uid}/x`, status: 'success', version: stored.version, slug: 'x' });
    });
    app.get('/api/search', (c) => {
      const tag = c.req.query('tag');
      const found = [...this.dashboards.entries()].filter(([, stored]) => tag === undefined || ((stored.dashboard.tags as string[] | undefined) ?? []).includes(tag));
      return c.json(found.map(([uid, stored]) => ({ id: stored.id, uid, title: stored.dashboard.title, type: 'dash-db', tags: stored.dashboard.tags, folderUid: stored.folderUid })));
    });
    app.delete('/api/dashboards/uid/:uid', (c) => {
      const stored = this.dashboards.get(c.req.param('uid'));
      if (stored === undefined) return c.json({ message: 'Dashboard not found' }, 404);
      this.dashboards.delete(c.req.param('uid'));
      return c.json({ title: stored.dashboard.title, message: `Dashboard ${String(stored.dashboard.title)} deleted`, id: stored.id });
    });
    return app;
  }

  /** Requests that change something (every POST and DELETE). */
  writes(): Recorded[] {
    return this.requests.filter((request) => request.method === 'POST' || request.method === 'DELETE');
  }
}
