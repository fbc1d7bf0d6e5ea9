/**
 * The gate's fast path (src/policy/gate-fast-path.ts) answers exactly what the hono route answers. Two daemons with
 * the same specs, the same samples and the same frozen clock, one with the fast path and one without, are asked the
 * same gate questions in the same order over HTTP: status, headers (all but Date) and body bytes must be equal, and
 * so must what each then holds in its audit trail and its request metrics. The frozen clock makes decision ids and
 * times equal too, so bodies are compared whole.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { MINUTE } from '../../src/core/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { ORDERS, POLICY, QUESTIONS, READ, ask, feed } from './gate-questions.js';
import type { Answer } from './gate-questions.js';

const NOW = Date.UTC(2026, 11, 1, 12);
describe('the gate fast path answers byte for byte what the hono route answers', () => {
  const daemons: { fast?: Daemon; hono?: Daemon } = {};
  const roots: string[] = [];

  beforeAll(async () => {
    for (const which of ['fast', 'hono'] as const) {
      const space = workspace();
      roots.push(space.root);
      space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
      space.write('orders.yaml', ORDERS);
      space.write('policy.yaml', POLICY);
      const config = space.config({}, { SLOE_EVALUATION_INTERVAL: '50ms', SLOE_AUTH_READ_TOKEN: 'reader', SLOE_AUTH_ADMIN_TOKEN: 'admin' });
      const daemon = await startDaemon(config, { env: {}, clock: () => NOW, logDestination: logSink().stream, gateFastPath: which === 'fast' });
      daemons[which] = daemon;
      // Two hours of a minute's counts each, ending at the frozen clock.
      for (let minute = 0; minute <= 120; minute++) feed(daemon, NOW - (120 - minute) * MINUTE, minute);
    }
    for (const daemon of [daemons.fast, daemons.hono]) {
      let total = 0;
      for (let round = 0; round < 400 && total !== 1_200_000; round++) {
        const status = (await (await fetch(`${daemon?.url}/api/v1/slos/checkout-availability`, { headers: { authorization: READ } })).json()) as { events: { total: number } };
        total = status.events.total;
        if (total !== 1_200_000) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(total).toBe(1_200_000);
    }
  }, 120_000);

  afterAll(async () => {
    await daemons.fast?.stop();
    await daemons.hono?.stop();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('the same status, headers and body for every question, answered and refused', async () => {
    const fast = daemons.fast!;
    const hono = daemons.hono!;
    const answered: Answer[] = [];
    for (const question of QUESTIONS) {
      const viaFast = await ask(fast.url, question.path, question.headers);
      const viaHono = await ask(hono.url, question.path, question.headers);
      expect({ question, ...viaFast }).toEqual({ question, ...viaHono });
      expect({ question, status: viaFast.status }).toEqual({ question, status: question.status });
      answered.push(viaFast);
    }
    // The questions cover what they should: answers of every decision, and each kind of refusal.
    const decisions = answered.filter((answer) => answer.status === 200).map((answer) => (JSON.parse(answer.body) as { decision: string }).decision);
    expect(new Set(decisions)).toEqual(new Set(['allow', 'warn', 'deny']));
    // The override is honoured for the admin token only; the group questions name their group.
    const overridden = answered.filter((answer) => answer.status === 200 && answer.body.includes('"override":"type=security"'));
    expect(overridden).toHaveLength(1);
    expect(answered[10]?.body).toContain('"route":"/a"');
  });

  it('the same audit trail and request metrics afterwards', async () => {
    const fast = daemons.fast!;
    const hono = daemons.hono!;
    const trail = async (daemon: Daemon) => (await ask(daemon.url, '/api/v1/decisions?limit=1000', { authorization: READ })).body;
    const fastTrail = await trail(fast);
    expect(fastTrail).toBe(await trail(hono));
    // Dedupe: pipeline/1's two identical questions are one entry counted twice.
    const entries = (JSON.parse(fastTrail) as { data: { caller: string; count: number }[] }).data;
    expect(entries.filter((entry) => entry.caller === 'gate:pipeline/1').map((entry) => entry.count)).toEqual([2]);

    const gateSeries = async (daemon: Daemon) =>
      (await ask(daemon.url, '/metrics', { authorization: READ })).body
        .split('\n')
        .filter((line) => line.includes('route="/api/v1/gates/:service"') && (line.startsWith('sloe_http_requests_total') || line.startsWith('sloe_http_request_duration_seconds_count')))
        .sort();
    const fastSeries = await gateSeries(fast);
    expect(fastSeries).toEqual(await gateSeries(hono));
    // Answers and the route's own refusals are counted under the gate's pattern; auth refuses (401) before a route is
    // matched, so those are `unmatched`, as are the paths no route serves.
    const onRoute = (status: number) => QUESTIONS.filter((question) => question.status === status && !/\/(checkout\/|gates\/)$/.test(question.path)).length;
    expect(fastSeries).toEqual([
      `sloe_http_request_duration_seconds_count{method="GET",route="/api/v1/gates/:service"} ${onRoute(200) + onRoute(400) + onRoute(404)}`,
      ...[200, 400, 404].map((status) => `sloe_http_requests_total{method="GET",route="/api/v1/gates/:service",code="${status}"} ${onRoute(status)}`),
    ]);
  });
});
