import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { MINUTE } from '../../src/core/index.js';
import { logSink, workspace } from '../app/daemon-fixture.js';
import { startAlertmanager } from './alertmanager-process.js';
import { freePort } from '../helpers/ports.js';
import { FakeServer, waitFor } from './fake-server.js';

const SPEC = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  window: 30d
  objectives:
    - targetPercent: 99.9
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
  alerting:
    name: CheckoutAvailability
    runbookUrl: https://runbooks.example.com/checkout
    noDataFor: 2m
`;

interface WebhookMessage {
  status: 'firing' | 'resolved';
  alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the daemon pages through a real Alertmanager', () => {
  it('evaluation → notification → Alertmanager: no data raises an alert once, a restart does not repeat it, and removing the SLO resolves it', async () => {
    const hook = await new FakeServer(() => ({ status: 200, body: '' })).start();
    cleanups.push(() => hook.stop());
    const port = await freePort();
    const alertmanager = await startAlertmanager(port, `${hook.url}/hook`);
    cleanups.push(() => alertmanager.stop());
    const space = workspace();
    cleanups.push(() => rmSync(space.root, { recursive: true, force: true }));
    space.write('checkout.yaml', SPEC);
    const config = space.config(
      {},
      { SLOE_EVALUATION_INTERVAL: '100ms', SLOE_NOTIFIERS_ALERTMANAGER: `[{ url: "http://127.0.0.1:${port}" }]`, SLOE_NOTIFIERS_RESEND_INTERVAL: '1s', SLOE_PUBLIC_URL: 'https://sloe.example.com' },
    );
    // The daemon's clock runs in the past and is moved by the test; Alertmanager reads the times against its own.
    let now = Date.now() - 10 * MINUTE;
    let daemon: Daemon | undefined = await startDaemon(config, { env: {}, clock: () => now, logDestination: logSink().stream });
    cleanups.push(() => daemon?.stop());
    const messages = () => hook.requests.map((request) => JSON.parse(request.body) as WebhookMessage);
    const noData = (status: string) => messages().filter((message) => message.status === status && message.alerts.some((alert) => alert.labels.alertname === 'CheckoutAvailabilityNoData'));

    // No events at all: after noDataFor (2m) of evaluations the no-data alert fires.
    await waitFor(async () => ((await (await fetch(`${daemon!.url}/api/v1/slos/checkout-availability`)).json()) as { status: string }).status === 'nodata', 'a first evaluation');
    now += 3 * MINUTE;
    const [fired] = await waitFor(() => (noData('firing').length > 0 ? noData('firing') : undefined), 'the no-data alert at the webhook');
    expect(fired!.alerts[0]!.labels).toMatchObject({ slo_name: 'checkout-availability', slo_service: 'checkout', severity: 'ticket' });
    expect(fired!.alerts[0]!.annotations).toMatchObject({ runbook_url: 'https://runbooks.example.com/checkout', slo_url: 'https://sloe.example.com/#/slo/checkout-availability' });
    const journal = (await (await fetch(`${daemon.url}/api/v1/notifications?slo=checkout-availability`)).json()) as { data: { data: { event: string } }[] };
    expect(JSON.stringify(journal)).toContain('"event":"delivered"');

    // Restart on the same data: the alert is still firing and is not raised again.
    await daemon.stop();
    daemon = await startDaemon(config, { env: {}, clock: () => now, logDestination: logSink().stream });
    now += MINUTE;
    const sentBefore = hook.requests.length;
    await waitFor(async () => (await (await fetch(`${daemon.url}/metrics`)).text()).includes('sloe_notifications_total{receiver="alertmanager",outcome="sent"} 2'), 'two lease re-sends after the restart', 10_000, 100);
    expect(hook.requests.length).toBe(sentBefore);
    expect(noData('firing')).toHaveLength(1);

    // The SLO is removed from the specs: its open alert is resolved.
    rmSync(join(space.specs, 'checkout.yaml'));
    space.write('search.yaml', SPEC.replace('checkout-availability', 'search-availability').replace('service: checkout', 'service: search'));
    expect((await fetch(`${daemon.url}/-/reload`, { method: 'POST' })).status).toBe(200);
    await waitFor(() => (noData('resolved').length > 0 ? true : undefined), 'the resolve at the webhook');
    expect(noData('firing')).toHaveLength(1);
  });

  it('a burn fed through the daemon\'s ingest appender pages once through Alertmanager and resolves after it stops', async () => {
    const hook = await new FakeServer(() => ({ status: 200, body: '' })).start();
    cleanups.push(() => hook.stop());
    const port = await freePort();
    const alertmanager = await startAlertmanager(port, `${hook.url}/hook`);
    cleanups.push(() => alertmanager.stop());
    const space = workspace();
    cleanups.push(() => rmSync(space.root, { recursive: true, force: true }));
    space.write('checkout.yaml', SPEC);
    const config = space.config({}, { SLOE_EVALUATION_INTERVAL: '20ms', SLOE_NOTIFIERS_ALERTMANAGER: `[{ url: "http://127.0.0.1:${port}" }]`, SLOE_NOTIFIERS_RESEND_INTERVAL: '1s' });
    let now = Date.now() - 80 * MINUTE;
    const daemon = await startDaemon(config, { env: {}, clock: () => now, logDestination: logSink().stream });
    cleanups.push(() => daemon.stop());
    let ok = 0;
    let errors = 0;
    /** A minute of 1,000 checkout requests, `errorRatio` of them 5xx, then waits for an evaluation at that time. */
    const minutes = async (count: number, errorRatio: number) => {
      for (let i = 0; i < count; i++) {
        now += MINUTE;
        const bad = Math.round(1000 * errorRatio);
        ok += 1000 - bad;
        errors += bad;
        daemon.appender.append(
          [
            { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps: [now], values: [ok] },
            { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps: [now], values: [errors] },
          ],
          'remote_write',
        );
        const at = new Date(now).toISOString();
        await waitFor(async () => ((await (await fetch(`${daemon.url}/api/v1/slos/checkout-availability`)).json()) as { evaluatedAt: string }).evaluatedAt >= at, `an evaluation at ${at}`, 5000, 10);
      }
    };
    const pages = (status: string) =>
      hook.requests.map((request) => JSON.parse(request.body) as WebhookMessage).filter((message) => message.status === status && message.alerts.some((alert) => alert.labels.alertname === 'CheckoutAvailability' && alert.labels.severity === 'page'));
    await minutes(10, 0);
    await minutes(25, 0.05);
    const [page] = await waitFor(() => (pages('firing').length > 0 ? pages('firing') : undefined), 'the page at the webhook');
    expect(page!.alerts[0]!.labels).toMatchObject({ slo_name: 'checkout-availability', slo_service: 'checkout' });
    expect(page!.alerts[0]!.annotations.description).toContain('above the page threshold 14.4×');
    await minutes(30, 0);
    await waitFor(() => (pages('resolved').length > 0 ? true : undefined), 'the resolve at the webhook');
    expect(pages('firing')).toHaveLength(1);
  });
});
