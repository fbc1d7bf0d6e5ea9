import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertNotification, Notifier } from '../../src/notify/index.js';
import { buildNotification } from '../../src/notify/index.js';
import { freePort } from '../helpers/ports.js';
import type { FakeServer, RecordedRequest, Reply } from './fake-server.js';
import { alerting, status, tiers } from './fixtures.js';

export interface ContractSubject {
  /** A fake of the receiver's service, following its documented payloads and replies. */
  readonly server: () => FakeServer;
  /** The notifier under test, pointed at `baseUrl`. */
  readonly notifier: (baseUrl: string, timeoutMs: number) => Notifier;
  /** Reads what the receiver got: the state and the SLO it is about. */
  readonly decode: (request: RecordedRequest) => { state: 'firing' | 'resolved'; slo: string };
  /** The service's own throttling reply. */
  readonly throttled: Reply;
}

const AT = Date.UTC(2026, 10, 26, 12);

export function firingNotification(name = 'checkout-availability'): AlertNotification {
  const tier = tiers({ 'page-fast': 'firing' })[0]!;
  return buildNotification(status(name, { 'page-fast': 'firing' }), alerting(), { incident: `${name}/page`, severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: AT, at: AT, tier }, { publicUrl: 'http://sloe.test' });
}

export function resolvedNotification(name = 'checkout-availability'): AlertNotification {
  return buildNotification(status(name, {}), alerting(), { incident: `${name}/page`, severity: 'page', urgency: 'page', kind: 'burn', state: 'resolved', startsAt: AT, at: AT + 600_000 }, { publicUrl: 'http://sloe.test' });
}

/** The one contract every notifier keeps: what it sends, and how it reads every kind of reply. */
export function describeNotifierContract(name: string, subject: ContractSubject): void {
  describe(`${name} notifier contract`, () => {
    let server: FakeServer;
    let notifier: Notifier;

    beforeEach(async () => {
      server = await subject.server().start();
      notifier = subject.notifier(server.url, 500);
    });
    afterEach(() => server.stop());

    it('delivers a firing notification the service accepts, about the right SLO', async () => {
      const result = await notifier.send(firingNotification());
      expect(result).toMatchObject({ outcome: 'delivered' });
      expect(server.requests).toHaveLength(1);
      expect(subject.decode(server.requests[0]!)).toEqual({ state: 'firing', slo: 'checkout-availability' });
    });

    it('delivers a resolve for the same incident', async () => {
      await notifier.send(firingNotification());
      expect(await notifier.send(resolvedNotification())).toMatchObject({ outcome: 'delivered' });
      expect(subject.decode(server.requests[1]!)).toEqual({ state: 'resolved', slo: 'checkout-availability' });
    });

    it('a throttled reply is retried, after Retry-After when the service sends one', async () => {
      server.overrides.push(subject.throttled);
      const result = await notifier.send(firingNotification());
      expect(result).toMatchObject({ outcome: 'retry', status: 429 });
      const retryAfter = subject.throttled.headers?.['retry-after'];
      if (retryAfter !== undefined) expect(result).toMatchObject({ retryAfterMs: Number(retryAfter) * 1000 });
    });

    it('a server error is retried', async () => {
      server.overrides.push({ status: 503, body: 'upstream unavailable' });
      expect(await notifier.send(firingNotification())).toEqual({ outcome: 'retry', status: 503, reason: 'HTTP 503: upstream unavailable' });
    });

    it('a 400 is refused for good, with the service\'s reason', async () => {
      server.overrides.push({ status: 400, body: 'invalid_payload' });
      expect(await notifier.send(firingNotification())).toEqual({ outcome: 'rejected', status: 400, reason: 'HTTP 400: invalid_payload' });
    });

    it('an unreachable service and a reply slower than the timeout are retried, never thrown', async () => {
      const nobody = subject.notifier(`http://127.0.0.1:${await freePort()}`, 500);
      expect(await nobody.send(firingNotification())).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/ECONNREFUSED|fetch failed/) as unknown });
      server.overrides.push({ status: 200, body: 'ok', delayMs: 1500 });
      expect(await notifier.send(firingNotification())).toEqual({ outcome: 'retry', reason: 'timed out after 500 ms' });
    });
  });
}
