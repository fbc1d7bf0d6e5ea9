/**
 * Gate questions of every kind (answered plainly, overridden, by group, and each kind the fast path leaves to hono),
 * the specs and samples they are asked about, and a raw HTTP GET: shared by the fast path's test and the front
 * thread's (gate-fast-path.test.ts, front-thread.test.ts).
 */
import { request } from 'node:http';
import type { Daemon } from '../../src/app/index.js';

export const READ = 'Bearer reader';
export const ADMIN = 'Bearer admin';

export const ORDERS = `apiVersion: sloe/v1
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
export const POLICY = `apiVersion: sloe/v1
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

export interface Answer {
  readonly status: number;
  /** Raw header lines in the order sent, Date's value blanked (the only one that follows the wall clock). */
  readonly headers: readonly string[];
  readonly body: string;
}

/** One GET of `path` as written (no normalization) with these headers (plus Host), on its own connection. */
export function ask(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
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
export function feed(daemon: Daemon, at: number, minute: number): void {
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
export const QUESTIONS: readonly { path: string; headers?: Record<string, string>; status: number }[] = [
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

