import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/core/index.js';
import { AlertmanagerNotifier, Notifications, leaseFor } from '../../src/notify/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { startAlertmanager } from './alertmanager-process.js';
import type { RunningAlertmanager } from './alertmanager-process.js';
import { BurnScenario, SLO_NAME, checkoutSlo } from './burn.js';
import { freePort } from '../helpers/ports.js';
import { FakeServer, waitFor } from './fake-server.js';

/** What Alertmanager's webhook receiver posts (webhook_config, payload version 4). */
interface WebhookMessage {
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function pagesAt(hook: FakeServer): WebhookMessage[] {
  return hook.requests
    .map((request) => JSON.parse(request.body) as WebhookMessage)
    .filter((message) => message.groupLabels.slo_name === SLO_NAME && message.groupLabels.severity === 'page');
}

async function setup(options: { startAlertmanager: boolean; pair?: boolean }) {
  const hook = await new FakeServer(() => ({ status: 200, body: '' })).start();
  cleanups.push(() => hook.stop());
  const port = await freePort();
  let alertmanager: RunningAlertmanager | undefined;
  const start = async (): Promise<RunningAlertmanager> => {
    alertmanager = await startAlertmanager(port, `${hook.url}/hook`);
    cleanups.push(() => alertmanager!.stop());
    return alertmanager;
  };
  if (options.startAlertmanager) await start();
  // The second of an HA pair, with its own webhook, always up.
  const secondHook = await new FakeServer(() => ({ status: 200, body: '' })).start();
  cleanups.push(() => secondHook.stop());
  let secondPort: number | undefined;
  if (options.pair) {
    secondPort = await freePort();
    const second = await startAlertmanager(secondPort, `${secondHook.url}/hook`);
    cleanups.push(() => second.stop());
  }
  const store = openMemoryStore();
  const registry = new Registry();
  // Re-send every second with endsAt four seconds ahead: the lease, at the short intervals this test runs at.
  const lease = leaseFor(1000, 1000);
  const notifiers = [new AlertmanagerNotifier({ name: 'alertmanager', url: `http://127.0.0.1:${port}`, leaseMs: lease, timeoutMs: 2000 })];
  if (secondPort !== undefined) notifiers.push(new AlertmanagerNotifier({ name: 'alertmanager-2', url: `http://127.0.0.1:${secondPort}`, leaseMs: lease, timeoutMs: 2000 }));
  const notifications = new Notifications({
    notifiers,
    store: store.documents,
    journal: store.journal,
    registry,
    alerting: (slo) => (slo === SLO_NAME ? checkoutSlo().alerting : undefined),
    publicUrl: 'http://127.0.0.1:9797',
    resendIntervalMs: 1000,
    backoff: { initialMs: 200, maxMs: 1000, jitter: 0.2 },
  });
  notifications.start();
  cleanups.push(() => notifications.shutdown(2000));
  // Scenario time runs in the past and catches up with real time by its end, so Alertmanager reads startsAt and a
  // resolve's endsAt as the past, as it would from a live sloe.
  const scenario = new BurnScenario(store, Date.now() - 80 * MINUTE, (statuses, now) => notifications.evaluated(statuses, now));
  const pages = () => pagesAt(hook);
  const sent = async (receiver = 'alertmanager') => {
    const metric = await registry.getSingleMetric('sloe_notifications_total')!.get();
    return (outcome: string) => metric.values.find((value) => value.labels.receiver === receiver && value.labels.outcome === outcome)?.value ?? 0;
  };
  return { hook, secondHook, start, store, notifications, scenario, pages, sent, alertmanager: () => alertmanager };
}

describe('paging through a real Alertmanager 0.25', () => {
  it('a burn fed through the engine pages the right SLO through Alertmanager and its webhook, and resolves after the burn stops', async () => {
    const { scenario, pages, store } = await setup({ startAlertmanager: true });
    await scenario.run(10, 0);
    // 5 % errors: burn rate 50, above every page threshold; page-fast fires after its `for` of 2 minutes.
    const burning = await scenario.run(25, 0.05);
    expect(BurnScenario.pageStates(burning)).toBe('page-fast=firing page-slow=firing');
    const firing = await waitFor(() => pages().find((message) => message.status === 'firing'), 'the page at the webhook');
    expect(firing.alerts).toHaveLength(1);
    const [alert] = firing.alerts;
    expect(alert!.labels).toMatchObject({ alertname: 'CheckoutAvailabilityBurn', slo_name: SLO_NAME, slo_service: 'checkout', severity: 'page', category: 'availability' });
    // The figures are those of the evaluation that fired: page-fast fires at minute 17, when the 1h window burns 20×.
    expect(alert!.annotations.summary).toBe('checkout-availability (checkout) is burning its error budget 20.0× too fast (page); budget exhausted (1900.0% overspent)');
    expect(alert!.annotations.description).toContain('above the page threshold 14.4× (tier page-fast)');
    expect(alert!.annotations.runbook_url).toBe('https://runbooks.example.com/checkout');
    expect(alert!.generatorURL).toBe('http://127.0.0.1:9797/#/slo/checkout-availability');

    // The burn stops: the fast tier resolves within minutes, the slow one once its 30-minute window is clean.
    const calm = await scenario.run(30, 0);
    expect(BurnScenario.pageStates(calm)).not.toContain('firing');
    const resolved = await waitFor(() => pages().find((message) => message.status === 'resolved'), 'the resolve at the webhook');
    expect(resolved.alerts[0]!.labels.slo_name).toBe(SLO_NAME);
    expect(pages().filter((message) => message.status === 'firing')).toHaveLength(1);
    const journal = store.journal.query('notification', { subject: SLO_NAME, limit: 50 }).map((entry) => entry.data as { event: string; state: string });
    expect(journal.filter((entry) => entry.event === 'delivered').map((entry) => entry.state)).toEqual(['resolved', 'firing']);
  });

  it('Alertmanager down for a while: the page is delivered once it is back, once, and resolved after', async () => {
    const { scenario, pages, start, sent } = await setup({ startAlertmanager: false });
    await scenario.run(10, 0);
    await scenario.run(25, 0.05);
    // Nobody listens: the firing alert waits in the queue, retried with backoff.
    await waitFor(async () => (await sent())('retried') >= 3, 'three failed attempts', 10_000, 100);
    expect((await sent())('sent')).toBe(0);
    await start();
    await waitFor(() => pages().find((message) => message.status === 'firing'), 'the page at the webhook');
    // Lease re-sends keep arriving; Alertmanager must treat them as the same alert, not a second page.
    const deliveredBefore = (await sent())('sent');
    await waitFor(async () => (await sent())('sent') >= deliveredBefore + 3, 'three lease re-sends', 10_000, 100);
    expect(pages().filter((message) => message.status === 'firing')).toHaveLength(1);
    await scenario.run(30, 0);
    await waitFor(() => pages().find((message) => message.status === 'resolved'), 'the resolve at the webhook');
    expect(pages().filter((message) => message.status === 'firing')).toHaveLength(1);
  });

  it('an HA pair: each Alertmanager gets every alert, and one being down holds up neither the other nor its own delivery', async () => {
    const { scenario, pages, secondHook, start, sent } = await setup({ startAlertmanager: false, pair: true });
    await scenario.run(10, 0);
    await scenario.run(25, 0.05);
    const atSecond = await waitFor(() => pagesAt(secondHook).find((message) => message.status === 'firing'), 'the page through the Alertmanager that is up');
    expect(atSecond.alerts[0]!.labels).toMatchObject({ slo_name: SLO_NAME, severity: 'page' });
    await waitFor(async () => (await sent('alertmanager'))('retried') >= 2, 'failed attempts to the one that is down', 10_000, 100);
    await start();
    await waitFor(() => pages().find((message) => message.status === 'firing'), 'the page through the Alertmanager that came back');
    await scenario.run(30, 0);
    await waitFor(() => pages().find((message) => message.status === 'resolved') && pagesAt(secondHook).find((message) => message.status === 'resolved'), 'the resolve through both');
    expect(pages().filter((message) => message.status === 'firing')).toHaveLength(1);
    expect(pagesAt(secondHook).filter((message) => message.status === 'firing')).toHaveLength(1);
  });
});
