import { Hono } from 'hono';
import { DEFAULT_FREEZE_ACTIONS, badRequest, callerOrOpen, holds, notFound, parseDuration, positiveInteger, requestHeader } from '../core/index.js';
import type { GateAction, ManualFreeze } from '../core/index.js';
import type { DecisionCursor } from './decision-journal.js';
import type { FreezeTracker } from './freezes.js';
import type { GateService } from './gate-service.js';
import { gateQuestion, parseGateQuery } from './gate-query.js';
import { ACTIONS, parseAction, parseEnvironment, parseRelease, readJsonObject } from './release.js';

const MAX_LIMIT = 1000;

/** The body of `PUT /api/v1/freezes/{service}`. */
function parseManualFreeze(service: string, body: Record<string, unknown>, defaultEnvironment: string, now: number): ManualFreeze {
  for (const key of Object.keys(body)) {
    if (!['environment', 'reason', 'actions', 'until', 'by'].includes(key)) throw badRequest(`${key}: unknown field; expected environment, reason, actions, until, by`);
  }
  if (typeof body.reason !== 'string' || body.reason.trim().length === 0 || body.reason.length > 1000) throw badRequest('reason: expected the reason for the freeze (1 to 1000 characters)');
  const environment = body.environment === '*' ? '*' : (parseEnvironment(body.environment, 'environment') ?? defaultEnvironment);
  if (body.actions !== undefined && !Array.isArray(body.actions)) throw badRequest(`actions: expected a list of ${ACTIONS.join(', ')}`);
  const listed = ((body.actions as unknown[] | undefined) ?? []).map((action, index) => parseAction(action, `actions[${index}]`)).filter((action): action is GateAction => action !== undefined);
  // The default written out, so the answer and GET /api/v1/freezes say what the freeze holds rather than `[]`.
  const actions = listed.length > 0 ? listed : DEFAULT_FREEZE_ACTIONS;
  let until: string | undefined;
  if (body.until !== undefined) {
    const text = typeof body.until === 'string' ? body.until : '';
    const duration = parseDuration(text);
    const at = duration === undefined ? Date.parse(text) : now + duration;
    if (!Number.isFinite(at) || at <= now) throw badRequest(`until: expected a time in the future (RFC 3339) or a duration such as 2h, got ${JSON.stringify(body.until)}`);
    until = new Date(at).toISOString();
  }
  if (body.by !== undefined && typeof body.by !== 'string') throw badRequest(`by: expected a string, got ${JSON.stringify(body.by)}`);
  return { service, environment, actions, reason: body.reason.trim(), ...(typeof body.by === 'string' ? { by: body.by } : {}), since: new Date(now).toISOString(), ...(until === undefined ? {} : { until }) };
}

/** The wire form of a decisions cursor: the entry's `lastAt` in Unix ms and its `lastId`, as `1795694460000.mi1r9k-2f`. */
function formatCursor(cursor: DecisionCursor): string {
  return `${cursor.lastAt}.${cursor.lastId}`;
}

/**
 * `?before=`: the `next` of the previous page. Earlier versions handed out `open.N` (an offset among the entries still
 * counting) and bare journal ids; neither names a place in the trail as it is ordered now, so they are refused with
 * the way out rather than read as something else.
 */
function parseCursor(text: string | undefined): DecisionCursor | undefined {
  if (text === undefined || text === '') return undefined;
  const cursor = /^(\d{1,15})\.(.{1,200})$/s.exec(text);
  if (cursor) return { lastAt: Number(cursor[1]), lastId: cursor[2]! };
  const earlier = /^(open\.\d+|\d+)$/.test(text) ? ' (a cursor of an earlier sloe version, which paged in another order: start again without before)' : '';
  throw badRequest(`before: expected the next of a previous page (Unix ms, a dot, the last id, e.g. 1795694460000.mi1r9k-2f), got ${JSON.stringify(text.slice(0, 100))}${earlier}`);
}

export interface GateRouteOptions {
  readonly now?: () => number;
  /** Called after a manual freeze is set or lifted, so the freeze or thaw is announced at once. */
  readonly afterChange?: () => void;
}

/**
 * The gate, decision and freeze endpoints: `GET|POST /api/v1/gates/{service}`, `GET /api/v1/decisions`,
 * `GET /api/v1/freezes`, `PUT|DELETE /api/v1/freezes/{service}`. A gate answers 200 with the verdict in the body
 * whatever it is, so Argo Rollouts' `web` provider can judge `result.allowed`. Who may call which is the daemon's
 * route table (read for questions, admin for manual freezes); a gate reads the caller the auth middleware set to
 * decide whether overrides apply.
 */
export function gateRoutes(gates: GateService, freezes: FreezeTracker, options: GateRouteOptions = {}): Hono {
  const now = options.now ?? Date.now;
  const app = new Hono();

  app.on(['GET', 'POST'], '/api/v1/gates/:service', async (c) => {
    const service = c.req.param('service');
    if (!gates.knows(service)) throw notFound(`no SLO or policy covers service ${service}`, 'unknown_service');
    // This is the hot path: one pass over the query string, headers read from what Node parsed, no body for GET.
    const query = parseGateQuery(c.req.url);
    const release = c.req.method === 'POST' ? parseRelease(await readJsonObject(c.req.raw, 'release metadata')) : undefined;
    const { body } = gates.decideJson(gateQuestion(service, query, holds(callerOrOpen(c.get('caller')), 'admin'), requestHeader(c, 'user-agent'), release));
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  // Each entry is one distinct verdict for one caller, with how often it was given (`count`, `firstAt`, `lastAt`).
  app.get('/api/v1/decisions', async (c) => {
    // Answers given on the front thread are reported in batches; count them first, so a trail read after an answer has it.
    await gates.settled();
    const limit = Math.min(positiveInteger(c.req.query('limit'), 'limit', 100) ?? 100, MAX_LIMIT);
    const from = parseCursor(c.req.query('before'));
    const service = c.req.query('service');
    const page = gates.decisions({ limit, ...(from === undefined ? {} : { from }), ...(service ? { service } : {}) });
    return c.json({ data: page.data, ...(page.next === undefined ? {} : { next: formatCursor(page.next) }) });
  });

  app.get('/api/v1/freezes', (c) => {
    return c.json({ data: freezes.current(), manual: gates.manualFreezes() });
  });

  // Policy administration: freezes set and lifted by hand (admin token).
  app.put('/api/v1/freezes/:service', async (c) => {
    const freeze = parseManualFreeze(c.req.param('service'), await readJsonObject(c.req.raw, 'freeze'), gates.defaultEnvironment, now());
    gates.freeze(freeze);
    options.afterChange?.();
    return c.json(freeze, 201);
  });

  app.delete('/api/v1/freezes/:service', (c) => {
    const service = c.req.param('service');
    const environment = c.req.query('env') === '*' ? '*' : (parseEnvironment(c.req.query('env'), 'env') ?? gates.defaultEnvironment);
    if (!gates.lift(service, environment)) throw notFound(`no manual freeze of ${service} in ${environment}`);
    options.afterChange?.();
    return c.body(null, 204);
  });

  return app;
}
