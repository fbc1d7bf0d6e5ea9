import { Hono } from 'hono';
import { SloeError } from '../core/index.js';

/** The outcome of a reload as /-/reload reports it (the app's reloader returns this shape). */
export interface ReloadReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: number;
}

export interface Operations {
  /** The Prometheus exposition of every registered metric. */
  metrics(): Promise<{ contentType: string; body: string }>;
  reload(trigger: string): Promise<ReloadReport>;
}

/** GET /metrics and POST /-/reload (SIGHUP does the same). */
export function operationsRoutes(operations: Operations): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const { contentType, body } = await operations.metrics();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
  app.post('/-/reload', async (c) => {
    const report = await operations.reload('http');
    if (!report.ok) {
      // 422: the request was fine, the specs on disk are not. The running set stays in force.
      throw new SloeError('specs_invalid', `reload refused; the running specs stay in force:\n${report.problems.join('\n')}`, { status: 422 });
    }
    return c.json({ status: 'reloaded', added: report.added, removed: report.removed, changed: report.changed, unchanged: report.unchanged });
  });
  return app;
}
