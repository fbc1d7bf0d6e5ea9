import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventDelivery, SIGNATURE_HEADER, cloudEvent, verifySignature } from '../../src/policy/index.js';
import type { CloudEvent } from '../../src/policy/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SloeStore } from '../../src/store/index.js';
import { freePort } from '../helpers/ports.js';
import { FakeServer, waitFor } from '../notify/fake-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SECRET = 'events-secret';

/** The policy component's event delivery as one sloe process has it: on the store opened from the file. */
function deliveryOn(store: SloeStore, url: string, failures: string[]): EventDelivery {
  const delivery = new EventDelivery({
    webhooks: [{ url, secret: SECRET }],
    store: store.documents,
    registry: new Registry(),
    backoffMs: 50,
    maxBackoffMs: 200,
    attempts: 1000,
    timeoutMs: 1000,
    onFailure: ({ error }) => failures.push(error),
  });
  delivery.start();
  return delivery;
}

const event = (type: string, subject: string, time: number): CloudEvent => cloudEvent({ type, source: 'urn:sloe:test', subject, time, data: { service: subject } });

describe('freeze/thaw CloudEvents across a restart', () => {
  it('delivers, in order and signed, events queued while the receiver was down once the next process starts on the same SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-events-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'sloe.db');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/events`;
    const failures: string[] = [];

    // First process: the receiver is down, so the freeze and its thaw wait (retrying) when the process stops.
    const store = openSqliteStore(path);
    const first = deliveryOn(store, url, failures);
    first.publish(event('dev.sloe.freeze', 'checkout', Date.UTC(2026, 10, 26, 12)));
    first.publish(event('dev.sloe.thaw', 'checkout', Date.UTC(2026, 10, 26, 13)));
    await waitFor(() => first.stats.retries >= 2, 'two failed attempts against the receiver that is down');
    await first.shutdown();
    store.close();
    expect(first.stats.delivered).toBe(0);

    // The receiver comes up; the next process, on the same file, sends what the last one could not.
    const receiver = await new FakeServer(() => ({ status: 202 })).start(port);
    cleanups.push(() => receiver.stop());
    const reopened = openSqliteStore(path);
    cleanups.push(() => reopened.close());
    const second = deliveryOn(reopened, url, failures);
    cleanups.push(() => second.shutdown());
    await waitFor(() => receiver.requests.length >= 2, 'the queued events at the receiver');
    expect(await second.flush(5000)).toBe(true);
    expect(receiver.requests.map((request) => receiver.json<CloudEvent>(receiver.requests.indexOf(request)).type)).toEqual(['dev.sloe.freeze', 'dev.sloe.thaw']);
    for (const request of receiver.requests) {
      expect(request.path).toBe('/events');
      expect(request.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(verifySignature(request.body, SECRET, request.headers[SIGNATURE_HEADER] as string)).toBe(true);
    }
    expect(second.stats.delivered).toBe(2);
    expect(failures).toEqual([]);
    // Delivered means gone: a third start sends nothing again.
    expect(second.pending).toBe(0);
  });
});
