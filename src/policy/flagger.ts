import { Hono } from 'hono';
import { SloeError, badRequest, callerOrOpen, holds } from '../core/index.js';
import type { GateService } from './gate-service.js';
import { parseAction, parseEnvironment, parseLabels, readJsonObject } from './release.js';

/**
 * `POST /api/v1/hooks/flagger`: a Flagger webhook (pre-rollout, rollout, confirm-rollout, confirm-promotion...).
 * Flagger sends `{name, namespace, phase, checksum, metadata}` and proceeds on 2xx; anything else holds or fails
 * the step. The service is `metadata.service`, else the canary's name; `metadata.environment` (or `env`) and
 * `metadata.action` narrow the question, and every metadata entry is a release label (so overrides work).
 */
export function flaggerRoutes(gates: GateService): Hono {
  const app = new Hono();
  app.post('/api/v1/hooks/flagger', async (c) => {
    const body = await readJsonObject(c.req.raw, 'Flagger webhook');
    if (typeof body.name !== 'string' || body.name.length === 0) throw badRequest('Flagger webhook: name (the canary\'s name) is required');
    const metadata = parseLabels(body.metadata, 'metadata');
    const service = metadata.service ?? body.name;
    const environment = parseEnvironment(metadata.environment ?? metadata.env ?? c.req.query('env'), 'metadata.environment') ;
    const action = parseAction(metadata.action ?? c.req.query('action'), 'metadata.action');
    // The same path as a gate question: the verdict is looked up, the answer body spliced around its id.
    const decided = gates.decideJson({
      service,
      ...(environment === undefined ? {} : { environment }),
      ...(action === undefined ? {} : { action }),
      labels: metadata,
      admin: holds(callerOrOpen(c.get('caller')), 'admin'),
      release: { canary: body.name, namespace: body.namespace, phase: body.phase, checksum: body.checksum, metadata },
      via: 'flagger',
    });
    const { verdict } = decided.judged;
    if (!verdict.allowed) {
      throw new SloeError('gate_denied', `${verdict.service} held by policy ${verdict.policy} (decision ${decided.id}): ${verdict.reasons.join('; ')}`, { status: 403 });
    }
    return c.body(decided.body, 200, { 'content-type': 'application/json' });
  });
  return app;
}
