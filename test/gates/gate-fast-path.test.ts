/**
 * The gate's fast path (src/policy/gate-fast-path.ts) answers exactly what the hono route answers. Two daemons with
 * the same specs, the same samples and the same frozen clock, one with the fast path and one without, are asked the
 * same gate questions in the same order over HTTP: status, headers (all but Date) and body bytes must be equal, and
 * so must what each then holds in its audit trail and its request metrics. The frozen clock makes decision ids and
 * times equal too, so bodies are compared whole.
 */
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { MINUTE } from '../../src/core/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const READ = 'Bearer reader';
const ADMIN = 'Bearer admin';

const ORDERS = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: orders-availability
spec:
  service: orders
  window: 30d
  groupBy: [route]
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(req_total{job="orders",code=~"5.."}[{{.window}}]))
      total: sum(rate(req_total{job="orders"}[{{.window}}]))
`;

// Little evidence needed, so the budget rules decide on this test's two hours of data.
const POLICY = `apiVersion: sloe/v1
kind: BudgetPolicy
metadata:
  name: releases
spec:
  selector: { services: [checkout, orders] }
  evidence: { minBudgetEvents: 10, minCoverage: 0, minCoverageDuration: 0s }
  rules:
    - { name: budget-exhausted, decision: deny, when: { status: [exhausted] }, environments: [production], reason: "{slo}: error budget spent ({budgetRemaining} remaining)" }
    - { name: budget-low, decision: warn, when: { budgetRemainingBelow: 0.25 }, reason: "{slo}: {budgetRemaining} of the error budget left" }
  overrides:
    - { label: type, values: [security] }
`;

interface Answer {
  readonly status: number;
  /** Raw header lines in the order sent, Date's value blanked (the only one that follows the wall clock). */
  readonly headers: readonly string[];
  readonly body: string;
}

/** One GET of `path` as written (no normalization) with these headers (plus Host), on its own connection. */
function ask(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const lines: string[] = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          const name = response.rawHeaders[i] ?? '';
          lines.push(`${name}: ${name.toLowerCase() === 'date' ? '-' : response.rawHeaders[i + 1]}`);
        }
        resolve({ status: response.statusCode ?? 0, headers: lines, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Cumulative counters at `at` for checkout (one series pair) and orders (per route). */
function feed(daemon: Daemon, at: number, minute: number): void {
  const checkoutTotal = 10_000 * minute;
  const checkoutErrors = 8 * minute;
  daemon.appender.append(
    [
      { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps: [at], values: [checkoutTotal - checkoutErrors] },
      { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps: [at], values: [checkoutErrors] },
      ...['/a', '/b'].flatMap((route) => [
        { labels: { __name__: 'req_total', job: 'orders', route, code: '200' }, timestamps: [at], values: [1000 * minute - (route === '/a' ? 30 * minute : 0)] },
        { labels: { __name__: 'req_total', job: 'orders', route, code: '500' }, timestamps: [at], values: [route === '/a' ? 30 * minute : 0] },
      ]),
    ],
    'remote_write',
  );
}

/** The questions: plain ones the fast path answers, and every kind it must leave to hono. */
const QUESTIONS: readonly { path: string; headers?: Record<string, string>; status: number }[] = [
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: READ, 'user-agent': 'pipeline/1' }, status: 200 },
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: READ, 'user-agent': 'pipeline/1' }, status: 200 },
  { path: '/api/v1/gates/checkout', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/checkout?env=staging&action=config', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/checkout?environment=production&action=provision&unrelated=1', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/orders?env=production&label=type=security', headers: { authorization: ADMIN }, status: 200 },
  { path: '/api/v1/gates/orders?env=production&label=type=security', headers: { authorization: READ }, status: 200 },
  // Basic with the token as the password, as Prometheus' basic_auth sends it.
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: `Basic ${Buffer.from('ci:reader').toString('base64')}` }, status: 200 },
  { path: '/api/v1/gates/orders?env=production', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/orders?env=production&group.route=/a', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/orders?env=production&group.route=/b', headers: { authorization: READ }, status: 200 },
  // Left to hono: a refused caller, an unknown service, a bad query, and URLs hono decodes or normalizes (the fast path
  // declines them; the answers must still be the same).
  { path: '/api/v1/gates/checkout?env=production', status: 401 },
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: 'Bearer wrong' }, status: 401 },
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: 'Token x' }, status: 401 },
  { path: '/api/v1/gates/nosuch?env=production', headers: { authorization: READ }, status: 404 },
  { path: '/api/v1/gates/checkout?action=ship', headers: { authorization: READ }, status: 400 },
  { path: '/api/v1/gates/checkout?env=production&label=broken', headers: { authorization: READ }, status: 400 },
  { path: '/api/v1/gates/orders?env=production&group.route=/nope', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/orders?group.bad-name=x', headers: { authorization: READ }, status: 400 },
  { path: '/api/v1/gates/check%6Fut?env=production', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/checkout?env=prod%75ction', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/checkout/', headers: { authorization: READ }, status: 404 },
  { path: '/api/v1/gates/x/../checkout?env=production', headers: { authorization: READ }, status: 200 },
  { path: '/api/v1/gates/', headers: { authorization: READ }, status: 404 },
  { path: '/api/v1/gates/checkout?env=production', headers: { authorization: READ, host: 'LocalHost' }, status: 200 },
];

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
