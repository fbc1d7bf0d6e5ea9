import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notifier } from '../../src/notify/index.js';
import { Notifications, PagerDutyNotifier, SlackNotifier, WebhookNotifier } from '../../src/notify/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../../src/store/index.js';
import type { FakeServer } from './fake-server.js';
import { waitFor } from './fake-server.js';
import { PAGERDUTY_THROTTLED, SLACK_RATE_LIMITED, fakePagerDuty, fakeSlack, fakeWebhook, verifySignature } from './fakes.js';
import { alerting, status } from './fixtures.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const SLO = 'checkout-availability';
const servers: FakeServer[] = [];
const running: Notifications[] = [];
afterEach(async () => {
  for (const notifications of running.splice(0)) await notifications.shutdown(1000);
  for (const server of servers.splice(0)) await server.stop();
});

async function serve(server: FakeServer): Promise<FakeServer> {
  servers.push(await server.start());
  return server;
}

function notificationsFor(notifiers: Notifier[]) {
  const journal = new MemoryJournal();
  const registry = new Registry();
  const notifications = new Notifications({
    notifiers,
    store: new MemoryDocumentStore(),
    journal,
    registry,
    alerting: () => alerting(),
    publicUrl: 'http://127.0.0.1:9797',
    resendIntervalMs: 60_000,
    backoff: { initialMs: 100, maxMs: 400, jitter: 0.2 },
  });
  notifications.start();
  running.push(notifications);
  const count = async (receiver: string, outcome: string) =>
    (await registry.getSingleMetric('sloe_notifications_total')!.get()).values.find((value) => value.labels.receiver === receiver && value.labels.outcome === outcome)?.value ?? 0;
  return { notifications, journal, count };
}

describe('deliveries to PagerDuty, Slack and a webhook, through their queues', () => {
  it('PagerDuty: 429 is retried with backoff until the 202; the resolve follows with the same dedup key', async () => {
    const pagerduty = await serve(fakePagerDuty());
    pagerduty.overrides.push(PAGERDUTY_THROTTLED, PAGERDUTY_THROTTLED);
    const { notifications, count } = notificationsFor([new PagerDutyNotifier({ name: 'pagerduty', routingKey: ROUTING_KEY, url: `${pagerduty.url}/v2/enqueue`, severities: ['page'] })]);
    notifications.evaluated([status(SLO, { 'page-fast': 'firing' })], Date.now());
    await expect(notifications.flush(5000)).resolves.toBe(true);
    expect(pagerduty.requests).toHaveLength(3);
    const gaps = [pagerduty.requests[1]!.at - pagerduty.requests[0]!.at, pagerduty.requests[2]!.at - pagerduty.requests[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(75);
    expect(gaps[1]).toBeGreaterThanOrEqual(150);
    expect(await count('pagerduty', 'retried')).toBe(2);
    expect(await count('pagerduty', 'sent')).toBe(1);
    notifications.evaluated([status(SLO, {})], Date.now());
    await expect(notifications.flush(5000)).resolves.toBe(true);
    const events = pagerduty.requests.map((request) => JSON.parse(request.body) as { event_action: string; dedup_key: string });
    expect(events.map((event) => `${event.event_action} ${event.dedup_key}`)).toEqual([
      `trigger sloe/${SLO}/page`,
      `trigger sloe/${SLO}/page`,
      `trigger sloe/${SLO}/page`,
      `resolve sloe/${SLO}/page`,
    ]);
  });

  it('PagerDuty: a 400 is not retried; it is counted, journalled and reported with PagerDuty\'s errors', async () => {
    const pagerduty = await serve(fakePagerDuty());
    const { notifications, journal, count } = notificationsFor([new PagerDutyNotifier({ name: 'pagerduty', routingKey: 'not-an-integration-key', url: `${pagerduty.url}/v2/enqueue` })]);
    notifications.evaluated([status(SLO, { 'page-fast': 'firing' })], Date.now());
    await expect(notifications.flush(5000)).resolves.toBe(true);
    expect(pagerduty.requests).toHaveLength(1);
    expect(await count('pagerduty', 'failed')).toBe(1);
    const [entry] = journal.query('notification', { subject: SLO, limit: 1 });
    expect(entry!.data).toMatchObject({ event: 'rejected', receiver: 'pagerduty', attempts: 1, detail: expect.stringContaining("HTTP 400: {\"status\":\"invalid event\"") as unknown });
  });

  it('Slack: 429 waits out Retry-After, then one message per change of state; tickets reach Slack but not PagerDuty', async () => {
    const slack = await serve(fakeSlack());
    const pagerduty = await serve(fakePagerDuty());
    slack.overrides.push(SLACK_RATE_LIMITED);
    const { notifications } = notificationsFor([
      new SlackNotifier({ name: 'slack', webhookUrl: `${slack.url}/services/T0/B0/secret` }),
      new PagerDutyNotifier({ name: 'pagerduty', routingKey: ROUTING_KEY, url: `${pagerduty.url}/v2/enqueue`, severities: ['page'] }),
    ]);
    notifications.evaluated([status(SLO, { 'ticket-fast': 'firing' })], Date.now());
    await waitFor(() => slack.requests.length === 2, 'the retried Slack message', 5000);
    expect(slack.requests[1]!.at - slack.requests[0]!.at).toBeGreaterThanOrEqual(950);
    notifications.evaluated([status(SLO, { 'ticket-fast': 'firing', 'ticket-slow': 'firing' })], Date.now());
    notifications.evaluated([status(SLO, {})], Date.now());
    await expect(notifications.flush(5000)).resolves.toBe(true);
    const texts = slack.requests.map((request) => (JSON.parse(request.body) as { text: string }).text.split(':')[0]);
    expect(texts).toEqual(['FIRING ticket', 'FIRING ticket', 'RESOLVED ticket']);
    expect(pagerduty.requests).toHaveLength(0);
  });

  it('webhook: every delivery is signed; a 503 is retried', async () => {
    const hook = await serve(fakeWebhook('hook-secret'));
    hook.overrides.push({ status: 503, body: 'busy' });
    const { notifications } = notificationsFor([new WebhookNotifier({ name: 'ops-hook', url: `${hook.url}/sloe`, secret: 'hook-secret' })]);
    notifications.evaluated([status(SLO, { 'page-fast': 'firing' })], Date.now());
    notifications.evaluated([status(SLO, {})], Date.now());
    await expect(notifications.flush(5000)).resolves.toBe(true);
    expect(hook.requests).toHaveLength(3);
    expect(hook.requests.every((request) => verifySignature(request, 'hook-secret'))).toBe(true);
    expect(hook.requests.map((request) => (JSON.parse(request.body) as { status: string }).status)).toEqual(['firing', 'firing', 'resolved']);
  });
});
