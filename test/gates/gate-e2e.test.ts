import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, verifySignature } from '../../src/policy/index.js';
import { sloStatus } from '../policy/status-fixture.js';
import { startGateApp, startReceiver, until } from './harness.js';
import type { GateHarness } from './harness.js';

const SECRET = 'freeze-hook-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function checkout(consumed: number, burnRate: number, firing: string[] = []) {
  return [
    sloStatus({ name: 'checkout-availability', service: 'checkout', consumed, burnRate, firing, objective: 0.999 }),
    sloStatus({ name: 'checkout-latency', service: 'checkout', consumed: 0.05, burnRate: 0.2, objective: 0.99 }),
    sloStatus({ name: 'search-availability', service: 'search', consumed: 0.1, burnRate: 0.5 }),
  ];
}

async function gate(harness: GateHarness, service: string, init?: { method: 'POST'; body: unknown }) {
  const response = await fetch(`${harness.url}/api/v1/gates/${service}?env=production`, init ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : undefined);
  expect(response.status).toBe(200);
  return (await response.json()) as { decision: string; allowed: boolean; reasons: string[]; slos: string[]; policy: string; id: string; evaluatedAt: string; override?: string };
}

describe('release gate end to end over HTTP', () => {
  it('allows, warns, denies as the budget burns; a security fix passes as an override; freeze and thaw reach the webhook signed', async () => {
    // The receiver fails the first delivery with a 503, so the freeze event arrives through a retry.
    const receiver = await startReceiver([503]);
    cleanups.push(receiver.close);
    const harness = await startGateApp({ webhooks: [{ url: receiver.url, secret: SECRET }] });
    cleanups.push(() => harness.close());

    harness.statuses.evaluate(checkout(0.1, 0.5));
    expect(harness.policy.checkFreezes()).toEqual([]);
    const healthy = await gate(harness, 'checkout');
    expect(healthy).toMatchObject({ decision: 'allow', allowed: true, policy: 'sloe-default', slos: ['checkout-availability', 'checkout-latency'] });
    expect(healthy.id).toMatch(/^[0-9a-z]+-[0-9a-z]+$/);
    expect(healthy.evaluatedAt).toBe('2026-11-26T12:00:00.000Z');

    harness.statuses.evaluate(checkout(0.82, 3.4, ['ticket-fast']));
    harness.policy.checkFreezes();
    const warned = await gate(harness, 'checkout');
    expect(warned).toMatchObject({ decision: 'warn', allowed: true });
    expect(warned.reasons).toEqual(['checkout-availability: only 18% of the error budget remaining (below 25%)']);

    harness.statuses.evaluate(checkout(1.07, 16.2, ['page-fast', 'ticket-fast']));
    const [freeze] = harness.policy.checkFreezes();
    expect(freeze?.type).toBe('freeze');
    const denied = await gate(harness, 'checkout');
    expect(denied).toMatchObject({ decision: 'deny', allowed: false });
    expect(denied.reasons).toEqual(['checkout-availability: error budget spent (-7% remaining of 30d; SLI 99.893% against objective 99.9%); changes are frozen until it recovers']);

    const securityFix = await gate(harness, 'checkout', { method: 'POST', body: { version: '1.4.2', labels: { type: 'security' }, requester: 'ci' } });
    expect(securityFix).toMatchObject({ decision: 'allow', allowed: true, override: 'type=security' });
    expect(securityFix.reasons[0]).toMatch(/^override: type=security lets the change through; it would have been denied: checkout-availability: error budget spent/);

    const trail = (await (await fetch(`${harness.url}/api/v1/decisions?service=checkout`)).json()) as { data: { id: string; decision: string; override?: string; release?: { version?: string }; figures: unknown[] }[] };
    expect(trail.data.map((entry) => entry.decision)).toEqual(['allow', 'deny', 'warn', 'allow']);
    expect(trail.data[0]).toMatchObject({ id: securityFix.id, override: 'type=security', release: { version: '1.4.2' } });
    // Every decision is stored with its inputs: the figures of each SLO it read.
    expect(trail.data[1]).toMatchObject({ id: denied.id, figures: [{ name: 'checkout-availability', decision: 'deny', budgetRemaining: expect.closeTo(-0.07, 5) }, { name: 'checkout-latency', decision: 'allow' }] });

    const freezes = (await (await fetch(`${harness.url}/api/v1/freezes`)).json()) as { data: { service: string; environment: string }[] };
    expect(freezes.data).toMatchObject([{ service: 'checkout', environment: 'production' }]);

    await until(() => receiver.received.length === 1, 'the freeze event');
    expect(receiver.attempts()).toBe(2);
    const [frozen] = receiver.received;
    expect(frozen?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(verifySignature(frozen!.body, SECRET, frozen!.headers[SIGNATURE_HEADER] as string)).toBe(true);
    expect(verifySignature(frozen!.body, 'another-secret', frozen!.headers[SIGNATURE_HEADER] as string)).toBe(false);
    const event = JSON.parse(frozen!.body);
    expect(event).toMatchObject({ specversion: '1.0', type: 'dev.sloe.freeze', source: 'urn:sloe:test', subject: 'checkout', datacontenttype: 'application/json' });
    expect(event.id).toEqual(expect.any(String));
    expect(Date.parse(event.time)).not.toBeNaN();
    expect(event.data).toMatchObject({ service: 'checkout', environment: 'production', policy: 'sloe-default', decision: 'deny' });
    expect(event.data.slos[0]).toMatchObject({ name: 'checkout-availability', decision: 'deny', budgetRemaining: expect.closeTo(-0.07, 5), firing: ['page', 'ticket'] });

    // Recovery: the budget is back above zero and nothing pages; the freeze thaws and says so.
    harness.statuses.evaluate(checkout(0.6, 0.4));
    const [thaw] = harness.policy.checkFreezes();
    expect(thaw?.type).toBe('thaw');
    expect((await gate(harness, 'checkout')).decision).toBe('allow');
    await until(() => receiver.received.length === 2, 'the thaw event');
    const thawed = receiver.received[1]!;
    expect(verifySignature(thawed.body, SECRET, thawed.headers[SIGNATURE_HEADER] as string)).toBe(true);
    expect(JSON.parse(thawed.body)).toMatchObject({ type: 'dev.sloe.thaw', subject: 'checkout', data: { service: 'checkout', environment: 'production', decision: 'allow', frozenSince: event.data.frozenSince } });
    expect(((await (await fetch(`${harness.url}/api/v1/freezes`)).json()) as { data: unknown[] }).data).toEqual([]);

    const journal = harness.journal.query('freeze', { subject: 'checkout', limit: 10 }).map((entry) => (entry.data as { type: string }).type);
    expect(journal).toEqual(['thaw', 'freeze']);
  });
});
