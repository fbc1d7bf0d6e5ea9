import { Hono } from 'hono';
import { notFound } from '../core/index.js';

export interface SpecExcerpt {
  readonly name: string;
  readonly file: string;
  /** 1-based line of the SLO's document in its file. */
  readonly line: number;
  readonly format: string;
  /** The YAML document the SLO was loaded from, as written. */
  readonly yaml: string;
}

/** GET /api/v1/slos/{name}/spec: the spec an SLO (or one of its objectives) was loaded from, for the web UI. */
export function specRoutes(lookup: (name: string) => SpecExcerpt | undefined): Hono {
  const app = new Hono();
  app.get('/api/v1/slos/:name/spec', (c) => {
    const excerpt = lookup(c.req.param('name'));
    if (!excerpt) throw notFound(`no spec source for an SLO named ${c.req.param('name')}`);
    return c.json(excerpt);
  });
  return app;
}
