/**
 * The release gate in the real daemon: samples go in through the engine's appender (what ingest calls), the engine
 * evaluates them every 200 ms, the gate answers from its statuses over HTTP, and freezes and thaws reach a webhook
 * receiver, signed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/policy/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { startReceiver, until } from './harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const READ = { authorization: 'Bearer reader' };
const ADMIN = { authorization: 'Bearer admin', 'content-type': 'application/json' };

interface Gate {
  decision: string;
  allowed: boolean;
  reasons: string[];
  override?: string;
  figures: { name: string; budgetRemaining: number }[];
}

const SECONDS_OF_DATA_POLICY = `apiVersion: sloe/v1
kind: BudgetPolicy
metadata:
  name: checkout-releases
spec:
  selector: { services: [checkout] }
  evidence: { minBudgetEvents: 10, minCoverage: 0, minCoverageDuration: 0s }
  rules:
    - { name: budget-exhausted, decision: deny, when: { status: [exhausted] }, reason: "{slo}: error budget spent ({budgetRemaining} remaining of {period}; SLI {sli} against objective {objective}); changes are frozen until it recovers" }
    - { name: page-alert-firing, decision: deny, when: { alertFiring: [page] }, reason: "{slo}: page alert firing" }
    - { name: budget-low, decision: warn, when: { budgetRemainingBelow: 0.25 }, reason: "{slo}: only {budgetRemaining} of the error budget remaining (below 25%)" }
    - { name: ticket-alert-firing, decision: warn, when: { alertFiring: [ticket] }, reason: "{slo}: ticket alert firing" }
  overrides:
    - { label: type, values: [security] }
`;

describe('release gate in the daemon, on the real engine', () => {
  it('a fresh daemon does not deny on a few hundred events under the default policy, and says why', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const daemon: Daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '200ms' }), { env: {}, logDestination: logSink().stream });
    cleanups.push(() => daemon.stop());
    const at = Date.now() - 30_000;
    const sample = (offset: number, total: number, errors: number) => [
      { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps: [at + offset], values: [total - errors] },
      { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps: [at + offset], values: [errors] },
    ];
    daemon.appender.append(sample(0, 0, 0), 'remote_write');
    // 300 requests, 5 failed: -1567 % of a 99.9 % budget, but a budget of 0.3 bad events.
    daemon.appender.append(sample(1_000, 300, 5), 'remote_write');
    let answer: Gate | undefined;
    for (let round = 0; round < 100 && answer?.figures[0]?.budgetRemaining === undefined; round++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const body = (await (await fetch(`${daemon.url}/api/v1/gates/checkout?env=production`)).json()) as Gate;
      if (body.figures[0]?.budgetRemaining !== undefined && body.figures[0].budgetRemaining !== null && body.figures[0].budgetRemaining < 0) answer = body;
    }
    expect(answer).toMatchObject({ decision: 'warn', allowed: true, policy: 'sloe-default' });
    expect(answer?.reasons[0]).toMatch(/^checkout-availability: too little data for a budget-based deny \(rule budget-exhausted would deny: .*\): 300 events in the period make an error budget of 0\.3 bad events at objective 99\.9%; a budget deny needs a budget of at least 10 \(10,000 events\); data for \d+[sm] of the 30d period; it needs 1h; policy sloe-default answers warn until then$/);
  });

  it('allows, warns, denies as the budget burns, lets a security fix through, and sends freeze then thaw', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    // The default policy's rules, with a coverage floor of zero: this test's data spans seconds, not the hour a
    // budget deny needs by default (that default is tested in 'a fresh daemon' below and in core/policy).
    space.write('policy.yaml', SECONDS_OF_DATA_POLICY);
    const config = space.config(
      {},
      { SLOE_EVALUATION_INTERVAL: '200ms', SLOE_AUTH_READ_TOKEN: 'reader', SLOE_AUTH_ADMIN_TOKEN: 'admin', SLOE_EVENTS_WEBHOOKS: `[{ url: "${receiver.url}", secret: hook-secret }]` },
    );
    const daemon: Daemon = await startDaemon(config, { env: {}, logDestination: logSink().stream });
    cleanups.push(() => daemon.stop());

    let timestamp = Date.now() - 60_000;
    /** Appends cumulative counters (all requests, 5xx) through the engine's appender, as ingest does. */
    const send = (total: number, errors: number): void => {
      timestamp += 1_000;
      const result = daemon.appender.append(
        [
          { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps: [timestamp], values: [total - errors] },
          { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps: [timestamp], values: [errors] },
        ],
        'remote_write',
      );
      expect(result.applied).toBe(2);
    };
    const evaluated = async (total: number): Promise<void> => {
      let seen = -1;
      for (let round = 0; round < 200 && seen !== total; round++) {
        const status = (await (await fetch(`${daemon.url}/api/v1/slos/checkout-availability`, { headers: READ })).json()) as { events: { total: number } };
        seen = status.events.total;
        if (seen !== total) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toBe(total);
    };
    const gate = async (init?: RequestInit): Promise<Gate> => {
      const response = await fetch(`${daemon.url}/api/v1/gates/checkout?env=production`, { headers: READ, ...init });
      expect(response.status).toBe(200);
      return (await response.json()) as Gate;
    };

    // The first sample of a series is its baseline; 100 000 requests with 10 errors use 10 % of a 99.9 % budget.
    send(0, 0);
    send(100_000, 10);
    await evaluated(100_000);
    expect(await gate()).toMatchObject({ decision: 'allow', allowed: true });

    // 150 more errors in the next 100 000: 80 % of the budget used.
    send(200_000, 160);
    await evaluated(200_000);
    const warned = await gate();
    expect(warned).toMatchObject({ decision: 'warn', allowed: true });
    expect(warned.reasons).toContain('checkout-availability: only 20% of the error budget remaining (below 25%)');

    // 500 more: the budget is spent; the gate denies naming the SLO and its figures, and the freeze goes out.
    send(300_000, 660);
    await evaluated(300_000);
    const denied = await gate();
    expect(denied).toMatchObject({ decision: 'deny', allowed: false });
    expect(denied.reasons[0]).toBe('checkout-availability: error budget spent (-120% remaining of 30d; SLI 99.78% against objective 99.9%); changes are frozen until it recovers');
    expect(denied.figures[0]).toMatchObject({ name: 'checkout-availability', budgetRemaining: expect.closeTo(-1.2, 6) });

    const fix = await gate({ method: 'POST', headers: ADMIN, body: JSON.stringify({ version: '2.3.1', labels: { type: 'security' } }) });
    expect(fix).toMatchObject({ decision: 'allow', allowed: true, override: 'type=security' });
    const readerFix = await gate({ method: 'POST', headers: { ...READ, 'content-type': 'application/json' }, body: JSON.stringify({ labels: { type: 'security' } }) });
    expect(readerFix.decision).toBe('deny');

    await until(() => receiver.received.length >= 1, 'the freeze event', 10_000);
    const freeze = receiver.received[0]!;
    expect(verifySignature(freeze.body, 'hook-secret', freeze.headers[SIGNATURE_HEADER] as string)).toBe(true);
    expect(JSON.parse(freeze.body)).toMatchObject({ specversion: '1.0', type: 'dev.sloe.freeze', subject: 'checkout', data: { environment: 'production', decision: 'deny' } });
    const freezes = (await (await fetch(`${daemon.url}/api/v1/freezes`, { headers: READ })).json()) as { data: { service: string }[] };
    expect(freezes.data.map((entry) => entry.service)).toEqual(['checkout']);

    // Ten million good requests dilute the errors to 6 % of the budget: the freeze thaws.
    send(10_300_000, 660);
    await evaluated(10_300_000);
    await until(() => receiver.received.length >= 2, 'the thaw event', 10_000);
    const thaw = receiver.received[1]!;
    expect(verifySignature(thaw.body, 'hook-secret', thaw.headers[SIGNATURE_HEADER] as string)).toBe(true);
    expect(JSON.parse(thaw.body)).toMatchObject({ type: 'dev.sloe.thaw', subject: 'checkout' });
    expect((await gate()).allowed).toBe(true);

    const trail = (await (await fetch(`${daemon.url}/api/v1/decisions?service=checkout`, { headers: READ })).json()) as { data: { decision: string; override?: string }[] };
    // Newest first: after the thaw (allow or, while a ticket alert still fires, warn), the reader's refused override,
    // the security fix, the deny, the warn and the first allow.
    expect(trail.data.slice(1).map((entry) => entry.decision)).toEqual(['deny', 'allow', 'deny', 'warn', 'allow']);
    expect(trail.data.find((entry) => entry.override)).toMatchObject({ override: 'type=security' });
  });
});
