import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SloStatus } from '../../src/core/index.js';
import { Notifications, PagerDutyNotifier } from '../../src/notify/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SloeStore } from '../../src/store/index.js';
import { BurnScenario, SLO_NAME, checkoutSlo } from './burn.js';
import { waitFor } from './fake-server.js';
import { freePort } from '../helpers/ports.js';
import { fakePagerDuty } from './fakes.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Event {
  event_action: string;
  dedup_key: string;
}

/** One sloe process as far as paging goes: the notifier on a store opened from the file. */
function notifierOn(store: SloeStore, pagerdutyUrl: string): Notifications {
  const notifications = new Notifications({
    notifiers: [new PagerDutyNotifier({ name: 'pagerduty', routingKey: ROUTING_KEY, url: `${pagerdutyUrl}/v2/enqueue`, severities: ['page'] })],
    store: store.documents,
    journal: store.journal,
    registry: new Registry(),
    alerting: (slo) => (slo === SLO_NAME ? checkoutSlo().alerting : undefined),
    publicUrl: 'http://127.0.0.1:9797',
    resendIntervalMs: 60_000,
    backoff: { initialMs: 100, maxMs: 500, jitter: 0.2 },
  });
  notifications.start();
  return notifications;
}

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-notify-restart-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sloe.db');
  const pagerduty = await fakePagerDuty().start();
  cleanups.push(() => pagerduty.stop());
  const store = openSqliteStore(path);
  const notifications = notifierOn(store, pagerduty.url);
  const scenario = new BurnScenario(store, Date.UTC(2026, 10, 26, 9), (statuses, now) => notifications.evaluated(statuses, now));
  const events = () => pagerduty.requests.map((request) => JSON.parse(request.body) as Event);
  await scenario.run(10, 0);
  await scenario.run(25, 0.05);
  await waitFor(() => events().length === 1, 'the trigger at PagerDuty');
  expect(events()[0]).toMatchObject({ event_action: 'trigger', dedup_key: `sloe/${SLO_NAME}/page` });
  /** Stops this process (the notifier flushes, the database closes) and starts the next on the same file. */
  const restart = async (between?: () => Promise<void>) => {
    await between?.();
    await notifications.shutdown(1000);
    store.close();
    const reopened = openSqliteStore(path);
    cleanups.push(() => reopened.close());
    const next = notifierOn(reopened, pagerduty.url);
    cleanups.push(() => next.shutdown(1000));
    scenario.reopen(reopened, (statuses, now) => next.evaluated(statuses, now));
    return next;
  };
  return { scenario, events, restart };
}

describe('restart with state in a SQLite file', () => {
  it('a firing page stays firing without a new page, and resolves normally', async () => {
    const { scenario, events, restart } = await setup();
    const next = await restart();
    const stillBurning = await scenario.run(5, 0.05);
    expect(BurnScenario.pageStates(stillBurning)).toContain('firing');
    await expect(next.flush(2000)).resolves.toBe(true);
    expect(events()).toHaveLength(1);
    expect(next.firing().map((record) => record.incident)).toEqual([`${SLO_NAME}/page`]);
    await scenario.run(35, 0);
    await waitFor(() => events().length === 2, 'the resolve at PagerDuty');
    expect(events()[1]).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: `sloe/${SLO_NAME}/page` });
    await expect(next.flush(2000)).resolves.toBe(true);
    expect(events()).toHaveLength(2);
  });

  it('a clear the notifier missed before going down is sent on the first evaluation after the restart', async () => {
    const { scenario, events, restart } = await setup();
    let cleared: SloStatus | undefined;
    // The notifier is gone (crashed) while the engine evaluates the burn away and persists that.
    await restart(async () => {
      scenario.onEvaluated = () => undefined;
      cleared = await scenario.run(35, 0);
    });
    expect(BurnScenario.pageStates(cleared!)).not.toMatch(/firing|pending/);
    expect(events()).toHaveLength(1);
    await scenario.run(1, 0);
    await waitFor(() => events().length === 2, 'the resolve at PagerDuty');
    expect(events()[1]).toMatchObject({ event_action: 'resolve', dedup_key: `sloe/${SLO_NAME}/page` });
  });

  it('a page that fired while PagerDuty was down is delivered, once, by the next process on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-notify-down-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'sloe.db');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    // First process: nothing listens at PagerDuty's address, so the trigger waits in its queue, retrying.
    const store = openSqliteStore(path);
    const first = notifierOn(store, url);
    const scenario = new BurnScenario(store, Date.UTC(2026, 10, 26, 9), (statuses, now) => first.evaluated(statuses, now));
    await scenario.run(10, 0);
    await scenario.run(25, 0.05);
    expect(first.firing().map((record) => record.incident)).toEqual([`${SLO_NAME}/page`]);
    await expect(first.flush(500)).resolves.toBe(false);
    await first.shutdown(0);
    store.close();

    // PagerDuty is back; the next process on the same file sends the trigger it never got, and nothing else.
    const pagerduty = await fakePagerDuty().start(port);
    cleanups.push(() => pagerduty.stop());
    const reopened = openSqliteStore(path);
    cleanups.push(() => reopened.close());
    const next = notifierOn(reopened, url);
    cleanups.push(() => next.shutdown(1000));
    await waitFor(() => pagerduty.requests.length >= 1, 'the queued trigger at PagerDuty');
    await expect(next.flush(5000)).resolves.toBe(true);
    expect(pagerduty.requests.map((request) => JSON.parse(request.body) as Event)).toEqual([expect.objectContaining({ event_action: 'trigger', dedup_key: `sloe/${SLO_NAME}/page` })]);
    // The firing incident is remembered too: the next evaluations that still burn page no one again.
    scenario.reopen(reopened, (statuses, now) => next.evaluated(statuses, now));
    await scenario.run(3, 0.05);
    await expect(next.flush(5000)).resolves.toBe(true);
    expect(pagerduty.requests).toHaveLength(1);
  });
});
