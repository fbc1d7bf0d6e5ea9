import { describe, expect, it } from 'vitest';
import { FakeTimers, settle } from '../../test/notify/fake-timers.js';
import { RecordingNotifier } from '../../test/notify/fixtures.js';
import { DeliveryQueue } from './queue.js';
import type { Settlement } from './queue.js';
import type { AlertNotification } from './types.js';

function note(incident: string, state: 'firing' | 'resolved', at = 0): AlertNotification {
  return { incident, state, at } as unknown as AlertNotification;
}

function setup(capacity = 10) {
  const timers = new FakeTimers();
  const notifier = new RecordingNotifier('r');
  const settled: [string, Settlement][] = [];
  const queue = new DeliveryQueue({
    notifier,
    capacity,
    timers,
    backoff: { initialMs: 1000, maxMs: 8000, jitter: 0 },
    random: () => 0.5,
    onSettled: (entry, settlement) => settled.push([`${entry.notification.incident} ${entry.notification.state} @${entry.notification.at}`, settlement]),
  });
  queue.start();
  return { timers, notifier, settled, queue };
}

describe('delivery queue', () => {
  // Backoff itself (cap, jitter, Retry-After) is delivery/'s and tested in src/delivery/backoff.test.ts.
  it('retries a retryable failure after its backoff, in order, until delivered', async () => {
    const { timers, notifier, settled, queue } = setup();
    notifier.script.push({ outcome: 'retry', reason: 'HTTP 503' }, { outcome: 'retry', reason: 'HTTP 503' });
    queue.enqueue(note('a/page', 'firing'), true);
    queue.enqueue(note('a/page', 'resolved'), true);
    await settle();
    expect(notifier.states()).toEqual(['a/page firing']);
    await timers.advance(999);
    expect(notifier.received).toHaveLength(1);
    await timers.advance(1);
    expect(notifier.received).toHaveLength(2);
    await timers.advance(2000);
    expect(notifier.states()).toEqual(['a/page firing', 'a/page firing', 'a/page firing', 'a/page resolved']);
    expect(settled.map(([, s]) => s)).toEqual(['delivered', 'delivered']);
    expect(queue.length).toBe(0);
  });

  it('a refusal is final and does not block what follows', async () => {
    const { notifier, settled, queue } = setup();
    notifier.script.push({ outcome: 'rejected', status: 400, reason: 'HTTP 400: invalid event' });
    queue.enqueue(note('a/page', 'firing'), true);
    queue.enqueue(note('b/page', 'firing'), true);
    await settle();
    expect(notifier.states()).toEqual(['a/page firing', 'b/page firing']);
    expect(settled.map(([, s]) => s)).toEqual(['rejected', 'delivered']);
  });

  it('when full drops the oldest waiting notification (never the one in flight) and reports it', async () => {
    const { timers, notifier, settled, queue } = setup(3);
    notifier.script.push({ outcome: 'retry', reason: 'down' }, { outcome: 'retry', reason: 'down' });
    queue.enqueue(note('a/page', 'firing'), true);
    await settle();
    queue.enqueue(note('b/page', 'firing'), true);
    queue.enqueue(note('c/page', 'firing'), true);
    queue.enqueue(note('d/page', 'firing'), true);
    expect(settled).toEqual([['a/page firing @0', 'dropped']]);
    expect(queue.pending().map((entry) => entry.notification.incident)).toEqual(['b/page', 'c/page', 'd/page']);
    await timers.advance(10_000);
    expect(notifier.states().slice(-3)).toEqual(['b/page firing', 'c/page firing', 'd/page firing']);
  });

  it('a newer notification of the same incident and state replaces the waiting one, but never jumps a later change', async () => {
    const { timers, notifier, settled, queue } = setup();
    notifier.script.push({ outcome: 'retry', reason: 'down' });
    queue.enqueue(note('a/page', 'firing', 1), true);
    await settle();
    // The first attempt failed; two lease re-sends arrive while it waits: one entry, the newest content.
    queue.enqueue(note('a/page', 'firing', 2), false);
    queue.enqueue(note('a/page', 'firing', 3), false);
    expect(queue.length).toBe(1);
    queue.enqueue(note('a/page', 'resolved', 4), true);
    queue.enqueue(note('a/page', 'firing', 5), true);
    expect(queue.pending().map((entry) => `${entry.notification.state}@${entry.notification.at}`)).toEqual(['firing@3', 'resolved@4', 'firing@5']);
    await timers.advance(5000);
    expect(notifier.received.map((n) => n.at)).toEqual([1, 3, 4, 5]);
    expect(settled.filter(([, s]) => s === 'superseded')).toHaveLength(2);
  });

  it('flush resolves when empty, or false at the deadline while a receiver is down', async () => {
    const { timers, notifier, queue } = setup();
    await expect(queue.flush(100)).resolves.toBe(true);
    for (let i = 0; i < 10; i++) notifier.script.push({ outcome: 'retry', reason: 'down' });
    queue.enqueue(note('a/page', 'firing'), true);
    const flushed = queue.flush(5000);
    await timers.advance(5000);
    await expect(flushed).resolves.toBe(false);
    await queue.shutdown(0);
    const attempts = notifier.received.length;
    await timers.advance(60_000);
    expect(notifier.received.length).toBe(attempts);
  });

  it('a notifier that throws is retried, not fatal', async () => {
    const { timers, settled, queue } = setup();
    let calls = 0;
    Object.assign(queue.notifier, {
      send: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve({ outcome: 'delivered', status: 200 });
      },
    });
    queue.enqueue(note('a/page', 'firing'), true);
    await timers.advance(1000);
    expect(calls).toBe(2);
    expect(settled.map(([, s]) => s)).toEqual(['delivered']);
  });
});
