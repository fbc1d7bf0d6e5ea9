import { Hono } from 'hono';
import { SloeError } from '../core/index.js';
import { checkAccess } from './auth.js';
import type { GateTokens } from './auth.js';
import type { FreezeTracker } from './freezes.js';
import type { GateService } from './gate-service.js';
import { parseAction, parseEnvironment, parseLabelPairs, parseRelease, readJsonObject } from './release.js';

const MAX_LIMIT = 1000;

function positiveInteger(text: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new SloeError('bad_request', `${name}: expected a positive integer, got ${JSON.stringify(text)}`, { status: 400 });
  return value;
}

/**
 * `GET|POST /api/v1/gates/{service}`, `GET /api/v1/decisions`, `GET /api/v1/freezes`. A gate answers 200 with the
 * verdict in the body whatever it is, so Argo Rollouts' `web` provider can judge `result.allowed`.
 */
export function gateRoutes(gates: GateService, freezes: FreezeTracker, tokens: GateTokens): Hono {
  const app = new Hono();

  app.on(['GET', 'POST'], '/api/v1/gates/:service', async (c) => {
    const access = checkAccess(c, tokens);
    const service = c.req.param('service');
    if (!gates.knows(service)) throw new SloeError('unknown_service', `no SLO or policy covers service ${service}`, { status: 404 });
    // One parse of the query string for every parameter (this is the hot path).
    const query = c.req.queries();
    const queryEnvironment = parseEnvironment(query.env?.[0] ?? query.environment?.[0], 'env');
    const queryAction = parseAction(query.action?.[0], 'action');
    const queryLabels = query.label ? parseLabelPairs(query.label, 'label') : {};
    const release = c.req.method === 'POST' ? parseRelease(await readJsonObject(c.req.raw, 'release metadata')) : undefined;
    const environment = release?.environment ?? queryEnvironment;
    const action = release?.action ?? queryAction;
    const { body } = gates.decideJson({
      service,
      ...(environment === undefined ? {} : { environment }),
      ...(action === undefined ? {} : { action }),
      labels: { ...queryLabels, ...release?.labels },
      admin: access.admin,
      ...(release ? { release: release.release } : {}),
      ...(release?.requester === undefined ? {} : { requester: release.requester }),
      via: 'gate',
    });
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  app.get('/api/v1/decisions', (c) => {
    checkAccess(c, tokens);
    const limit = Math.min(positiveInteger(c.req.query('limit'), 'limit', 100) ?? 100, MAX_LIMIT);
    const before = positiveInteger(c.req.query('before'), 'before', undefined);
    const service = c.req.query('service');
    const page = gates.decisions({ limit, ...(before === undefined ? {} : { before }), ...(service ? { service } : {}) });
    return c.json({ data: page.data, ...(page.next === undefined ? {} : { next: String(page.next) }) });
  });

  app.get('/api/v1/freezes', (c) => {
    checkAccess(c, tokens);
    return c.json({ data: freezes.current() });
  });

  return app;
}
