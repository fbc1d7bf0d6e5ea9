import { describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, cloudEvent, verifySignature } from './cloudevents.js';
import type { CloudEvent } from './cloudevents.js';
import { MemoryDocumentStore } from '../store/index.js';
import { EventDelivery } from './delivery.js';
import type { DeliveryOptions } from './delivery.js';

/** A started EventDelivery on a store of its own. */
function started(options: Omit<DeliveryOptions, 'store'>): EventDelivery {
  const delivery = new EventDelivery({ ...options, store: new MemoryDocumentStore() });
  delivery.start();
  return delivery;
}

/** A receiver following a script of answers (status codes, or 'network' for a refused connection). */
function scriptedFetch(script: (number | 'network')[]) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetchImpl = ((url: string, init: RequestInit & { body: string }) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: init.body });
    const next = script.shift() ?? 200;
    if (next === 'network') return Promise.reject(new TypeError('fetch failed'));
    return Promise.resolve(new Response(null, { status: next }));
  }) as unknown as typeof fetch;
  return { fetchImpl, calls };
}

const event = (subject: string): CloudEvent => cloudEvent({ type: 'dev.sloe.freeze', source: 'urn:sloe:test', subject, time: Date.parse('2026-11-26T12:00:00Z'), data: { service: subject } });

describe('EventDelivery', () => {
  it('retries network failures and 5xx, then delivers, signed', async () => {
    const { fetchImpl, calls } = scriptedFetch(['network', 503, 200]);
    const delivered: number[] = [];
    const delivery = started({ webhooks: [{ url: 'http://127.0.0.1:1/hook', secret: 'k' }], fetch: fetchImpl, backoffMs: 0, onDelivered: ({ attempts }) => delivered.push(attempts) });
    delivery.publish(event('checkout'));
    await delivery.flush();
    expect(calls).toHaveLength(3);
    expect(delivered).toEqual([3]);
    expect(delivery.stats).toEqual({ delivered: 1, failed: 0, dropped: 0, retries: 2 });
    const last = calls[2]!;
    expect(last.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(verifySignature(last.body, 'k', last.headers[SIGNATURE_HEADER])).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({ specversion: '1.0', type: 'dev.sloe.freeze', subject: 'checkout', datacontenttype: 'application/json', time: '2026-11-26T12:00:00.000Z' });
  });

  it('gives up after the attempts, and at once on a 4xx other than 408 and 429', async () => {
    const failures: string[] = [];
    const exhausted = scriptedFetch([500, 500, 500]);
    const first = started({ webhooks: [{ url: 'http://127.0.0.1:1/a' }], fetch: exhausted.fetchImpl, backoffMs: 0, attempts: 3, onFailure: ({ error }) => failures.push(error) });
    first.publish(event('a'));
    await first.flush();
    expect(exhausted.calls).toHaveLength(3);
    const rejected = scriptedFetch([404]);
    const second = started({ webhooks: [{ url: 'http://127.0.0.1:1/b' }], fetch: rejected.fetchImpl, backoffMs: 0, onFailure: ({ error }) => failures.push(error) });
    second.publish(event('b'));
    await second.flush();
    expect(rejected.calls).toHaveLength(1);
    expect(failures).toEqual(['HTTP 500', 'HTTP 404']);
    expect(rejected.calls[0]!.headers[SIGNATURE_HEADER]).toBeUndefined();
  });

  it('keeps each receiver\'s order through retries and drops the oldest when the queue is full', async () => {
    const { fetchImpl, calls } = scriptedFetch([503]);
    const dropped: string[] = [];
    const delivery = started({ webhooks: [{ url: 'http://127.0.0.1:1/c' }], fetch: fetchImpl, backoffMs: 0, maxQueue: 2, onFailure: (failure) => failure.dropped && dropped.push(failure.event.subject) });
    for (const subject of ['one', 'two', 'three', 'four']) delivery.publish(event(subject));
    await delivery.flush();
    // `one` was taken off the queue at once (in flight); of two, three and four only the newest two fit.
    expect(dropped).toEqual(['two']);
    expect(calls.map((call) => (JSON.parse(call.body) as CloudEvent).subject)).toEqual(['one', 'one', 'three', 'four']);
    expect(delivery.stats.dropped).toBe(1);
  });
});
