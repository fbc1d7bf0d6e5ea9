import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeTimers } from '../../test/notify/fake-timers.js';
import type { DocumentStore } from '../core/index.js';
import { DurableQueue } from './durable-queue.js';
import type { QueueSettlement } from './durable-queue.js';
import { MemoryDocumentStore } from '../store/index.js';
import { deliveryMetrics } from './metrics.js';
import type { DeliveryResult } from './result.js';

/** A receiver answering from a script (then accepting), recording what it was sent. */
function receiver(script: DeliveryResult[] = []) {
  const sent: string[] = [];
  let release: (() => void) | undefined;
  let holding = false;
  const deliver = async (item: string): Promise<DeliveryResult> => {
    sent.push(item);
    if (holding) await new Promise<void>((resolve) => (release = resolve));
    return script.shift() ?? { outcome: 'delivered', status: 200 };
  };
  return { sent, deliver, hold: () => (holding = true), release: () => ((holding = false), release?.()) };
}

/** Coalescing for test messages `subject:state@n`: the same subject and state replace the one waiting. */
const SAME_SUBJECT_AND_STATE = {
  subject: (item: string) => item.split(':')[0]!,
  replaces: (waiting: string, incoming: string) => waiting.split('@')[0] === incoming.split('@')[0],
};

function queueOn(store: DocumentStore, registry: Registry, deliver: (item: string) => Promise<DeliveryResult>, extra: { capacity?: number; maxAttempts?: number; timers?: FakeTimers; coalesce?: typeof SAME_SUBJECT_AND_STATE } = {}) {
  const settled: [string, QueueSettlement][] = [];
  const logged: string[] = [];
  const queue = new DurableQueue<string>({
    name: 'test',
    store,
    capacity: extra.capacity ?? 10,
    deliver,
    ...(extra.maxAttempts === undefined ? {} : { maxAttempts: extra.maxAttempts }),
    ...(extra.coalesce === undefined ? {} : { coalesce: extra.coalesce }),
    backoff: { initialMs: 1000, maxMs: 8000, jitter: 0 },
    metrics: deliveryMetrics(registry),
    timers: extra.timers ?? new FakeTimers(),
    logger: { warn: (_object, message) => logged.push(message), error: (_object, message) => logged.push(message) },
    onSettled: (item, settlement) => settled.push([item, settlement]),
  });
  return { queue, settled, logged };
}

async function metricValue(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.filter((value) => value.labels.queue === 'test').reduce((sum, value) => sum + value.value, 0);
}

describe('DurableQueue', () => {
  it('holds at most its capacity waiting, dropping the oldest waiting one, counted in a metric and logged', async () => {
    const registry = new Registry();
    const store = new MemoryDocumentStore();
    const target = receiver();
    const { queue, settled, logged } = queueOn(store, registry, target.deliver, { capacity: 2 });
    for (const item of ['a', 'b', 'c', 'd']) queue.enqueue(item);
    expect(queue.length).toBe(2);
    expect(settled).toEqual([['a', 'dropped'], ['b', 'dropped']]);
    expect(await metricValue(registry, 'sloe_delivery_dropped_total')).toBe(2);
    expect(logged.filter((message) => message.includes('queue full'))).toHaveLength(2);
    // What is left is what the store keeps, and what is delivered, in order.
    expect(store.list('delivery.test')).toHaveLength(2);
    queue.start();
    await queue.flush();
    expect(target.sent).toEqual(['c', 'd']);
    expect(store.list('delivery.test')).toEqual([]);
  });

  it('never drops the message in flight', async () => {
    const registry = new Registry();
    const target = receiver();
    target.hold();
    const { queue, settled } = queueOn(new MemoryDocumentStore(), registry, target.deliver, { capacity: 1 });
    queue.start();
    queue.enqueue('first');
    queue.enqueue('second');
    queue.enqueue('third');
    expect(settled).toEqual([['second', 'dropped']]);
    target.release();
    await queue.flush();
    expect(target.sent).toEqual(['first', 'third']);
  });

  it('retries in order with backoff, gives up after maxAttempts, and refuses at once on a final status', async () => {
    const timers = new FakeTimers();
    const retry: DeliveryResult = { outcome: 'retry', reason: 'HTTP 503', status: 503 };
    const target = receiver([retry, retry, retry, { outcome: 'rejected', reason: 'HTTP 404', status: 404 }]);
    const registry = new Registry();
    const { queue, settled } = queueOn(new MemoryDocumentStore(), registry, target.deliver, { maxAttempts: 3, timers });
    queue.start();
    queue.enqueue('x');
    queue.enqueue('y');
    await timers.advance(999);
    expect(target.sent).toEqual(['x']);
    await timers.advance(1);
    expect(target.sent).toEqual(['x', 'x']);
    await timers.advance(2000);
    expect(settled).toEqual([['x', 'abandoned'], ['y', 'rejected']]);
    expect(target.sent).toEqual(['x', 'x', 'x', 'y']);
    expect(await metricValue(registry, 'sloe_delivery_abandoned_total')).toBe(2);
  });

  it('keeps what waits in the store: a queue built on the same store after a shutdown delivers it', async () => {
    const store = new MemoryDocumentStore();
    const down = receiver([{ outcome: 'retry', reason: 'ECONNREFUSED' }]);
    const first = queueOn(store, new Registry(), down.deliver);
    first.queue.start();
    first.queue.enqueue('freeze');
    first.queue.enqueue('thaw');
    await first.queue.flush(0);
    await first.queue.shutdown();
    expect(down.sent).toEqual(['freeze']);
    expect(store.namespaces('delivery.')).toEqual(['delivery.test']);
    const up = receiver();
    const second = queueOn(store, new Registry(), up.deliver);
    expect(second.queue.length).toBe(2);
    second.queue.start();
    await second.queue.flush();
    expect(up.sent).toEqual(['freeze', 'thaw']);
    second.queue.enqueue('later');
    await second.queue.flush();
    expect(up.sent).toEqual(['freeze', 'thaw', 'later']);
  });

  it('keeps a message enqueued as not durable in memory only: delivered, but not restored after a restart', async () => {
    const store = new MemoryDocumentStore();
    const down = receiver([{ outcome: 'retry', reason: 'ECONNREFUSED' }]);
    const first = queueOn(store, new Registry(), down.deliver);
    first.queue.start();
    first.queue.enqueue('lease', { durable: false });
    first.queue.enqueue('firing');
    expect(store.list('delivery.test').map(({ value }) => (value as { item: string }).item)).toEqual(['firing']);
    await first.queue.flush(0);
    await first.queue.shutdown();
    const up = receiver();
    const second = queueOn(store, new Registry(), up.deliver);
    second.queue.start();
    await second.queue.flush();
    expect(up.sent).toEqual(['firing']);
    expect(first.settled).toEqual([]);
  });

  it('with coalescing, a newer message replaces the newest waiting one about its subject, never one in flight nor across a later change', async () => {
    const timers = new FakeTimers();
    const store = new MemoryDocumentStore();
    const target = receiver([{ outcome: 'retry', reason: 'HTTP 503', status: 503 }]);
    target.hold();
    const { queue, settled } = queueOn(store, new Registry(), target.deliver, { timers, coalesce: SAME_SUBJECT_AND_STATE });
    queue.start();
    queue.enqueue('a:firing@1');
    // In flight: the same message queues behind it rather than replacing it.
    queue.enqueue('a:firing@2', { durable: false });
    queue.enqueue('a:firing@3', { durable: false });
    expect(queue.waiting()).toEqual(['a:firing@1', 'a:firing@3']);
    queue.enqueue('a:resolved@4');
    queue.enqueue('a:firing@5', { durable: false });
    queue.enqueue('b:firing@6');
    queue.enqueue('b:firing@7');
    expect(queue.waiting()).toEqual(['a:firing@1', 'a:firing@3', 'a:resolved@4', 'a:firing@5', 'b:firing@7']);
    expect(settled).toEqual([['a:firing@2', 'superseded'], ['b:firing@6', 'superseded']]);
    // b@6 was durable: its replacement is stored in its place; a's in-memory re-sends are not stored.
    expect(store.list('delivery.test').map(({ value }) => (value as { item: string }).item)).toEqual(['a:firing@1', 'a:resolved@4', 'b:firing@7']);
    target.release();
    await timers.advance(1000);
    await queue.flush();
    expect(target.sent).toEqual(['a:firing@1', 'a:firing@1', 'a:firing@3', 'a:resolved@4', 'a:firing@5', 'b:firing@7']);
    expect(store.list('delivery.test')).toEqual([]);
  });

  it('checks its options once', () => {
    const options = { name: 'q', store: new MemoryDocumentStore(), deliver: () => Promise.resolve({ outcome: 'delivered', status: 200 } as const), metrics: deliveryMetrics(new Registry()) };
    expect(() => new DurableQueue({ ...options, capacity: 0 })).toThrow(/q: capacity must be a positive integer, got 0/);
    expect(() => new DurableQueue({ ...options, capacity: 1, maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
