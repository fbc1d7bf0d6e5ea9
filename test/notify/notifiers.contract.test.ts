import { describe, expect, it } from 'vitest';
import { AlertmanagerNotifier, PagerDutyNotifier, SlackNotifier, WebhookNotifier } from '../../src/notify/index.js';
import { PAGERDUTY_THROTTLED, SLACK_RATE_LIMITED, fakeAlertmanager, fakePagerDuty, fakeSlack, fakeWebhook, verifySignature } from './fakes.js';
import { describeNotifierContract, firingNotification, resolvedNotification } from './notifier-contract.js';

interface PagerDutyEvent {
  links: { text: string }[];
  payload: { severity: string; custom_details: Record<string, unknown> };
}

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const SECRET = 's3cret';

describeNotifierContract('alertmanager', {
  server: fakeAlertmanager,
  notifier: (url, timeoutMs) => new AlertmanagerNotifier({ name: 'alertmanager', url, leaseMs: 240_000, timeoutMs }),
  decode: (request) => {
    const [alert] = JSON.parse(request.body) as { labels: Record<string, string>; endsAt: string }[];
    return { state: Date.parse(alert!.endsAt) > Date.now() ? 'firing' : 'resolved', slo: alert!.labels.slo_name! };
  },
  throttled: { status: 429, body: 'too many requests' },
});

describeNotifierContract('pagerduty', {
  server: fakePagerDuty,
  notifier: (url, timeoutMs) => new PagerDutyNotifier({ name: 'pagerduty', routingKey: ROUTING_KEY, url: `${url}/v2/enqueue`, timeoutMs }),
  decode: (request) => {
    const event = JSON.parse(request.body) as { event_action: string; dedup_key: string };
    return { state: event.event_action === 'trigger' ? 'firing' : 'resolved', slo: event.dedup_key.split('/')[1]! };
  },
  throttled: PAGERDUTY_THROTTLED,
});

describeNotifierContract('slack', {
  server: fakeSlack,
  notifier: (url, timeoutMs) => new SlackNotifier({ name: 'slack', webhookUrl: `${url}/services/T000/B000/XXXX`, timeoutMs }),
  decode: (request) => {
    const message = JSON.parse(request.body) as { text: string };
    const match = /^(FIRING|RESOLVED) \w+: (\S+):/.exec(message.text);
    return { state: match?.[1] === 'FIRING' ? 'firing' : 'resolved', slo: match?.[2] ?? '' };
  },
  throttled: SLACK_RATE_LIMITED,
});

describeNotifierContract('webhook', {
  server: () => fakeWebhook(SECRET),
  notifier: (url, timeoutMs) => new WebhookNotifier({ name: 'webhook', url: `${url}/hook`, secret: SECRET, timeoutMs }),
  decode: (request) => {
    const body = JSON.parse(request.body) as { status: 'firing' | 'resolved'; alert: { slo: string } };
    return { state: body.status, slo: body.alert.slo };
  },
  throttled: { status: 429, headers: { 'retry-after': '2' }, body: 'slow down' },
});

describe('wire formats', () => {
  it('alertmanager: a firing alert leases endsAt ahead of the send time; a resolve ends at its time', async () => {
    const server = await fakeAlertmanager().start();
    try {
      const sentAt = Date.UTC(2026, 10, 26, 12, 5);
      const notifier = new AlertmanagerNotifier({ name: 'am', url: `${server.url}/`, leaseMs: 240_000, now: () => sentAt });
      await notifier.send(firingNotification());
      await notifier.send(resolvedNotification());
      const [firing] = server.json<{ labels: object; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string }[]>(0);
      expect(firing).toMatchObject({
        labels: { alertname: 'CheckoutAvailabilityBurn', slo_name: 'checkout-availability', slo_service: 'checkout', severity: 'page', category: 'availability', team: 'payments' },
        startsAt: '2026-11-26T12:00:00.000Z',
        endsAt: '2026-11-26T12:09:00.000Z',
        generatorURL: 'http://sloe.test/#/slo/checkout-availability',
      });
      expect(firing!.annotations.runbook_url).toBe('https://runbooks.example.com/checkout');
      expect(server.json<{ endsAt: string }[]>(1)[0]!.endsAt).toBe('2026-11-26T12:10:00.000Z');
      expect(server.requests[0]!.path).toBe('/api/v2/alerts');
    } finally {
      await server.stop();
    }
  });

  it('pagerduty: a stable dedup key per SLO and severity, page → critical, ticket → warning, links and details', async () => {
    const server = await fakePagerDuty().start();
    try {
      const notifier = new PagerDutyNotifier({ name: 'pd', routingKey: ROUTING_KEY, url: `${server.url}/v2/enqueue` });
      await notifier.send(firingNotification());
      await notifier.send({ ...firingNotification(), severity: 'ticket', urgency: 'ticket', incident: 'checkout-availability/ticket' });
      await notifier.send(resolvedNotification());
      const trigger = server.json<PagerDutyEvent>(0);
      expect(trigger).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'sloe/checkout-availability/page', payload: { severity: 'critical', component: 'checkout', group: 'checkout-availability' } });
      expect(trigger.payload.custom_details).toMatchObject({ burn_rate_long: 20, burn_rate_threshold: 14.4, budget_remaining: 0.8, runbook_url: 'https://runbooks.example.com/checkout' });
      expect(trigger.links.map((link) => link.text)).toEqual(['SLO checkout-availability in sloe', 'Dashboard', 'Runbook']);
      expect(server.json<PagerDutyEvent>(1)).toMatchObject({ dedup_key: 'sloe/checkout-availability/ticket', payload: { severity: 'warning' } });
      expect(server.json(2)).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'sloe/checkout-availability/page' });
      // A severity the SLO renamed maps by its urgency.
      await notifier.send({ ...firingNotification(), severity: 'sev1', urgency: 'page', incident: 'checkout-availability/sev1' });
      expect(server.json<PagerDutyEvent>(3)).toMatchObject({ payload: { severity: 'critical' } });
      // The fake refuses what PagerDuty refuses: a key that is not an integration key is a 400, reported.
      const wrong = new PagerDutyNotifier({ name: 'pd', routingKey: 'short', url: `${server.url}/v2/enqueue` });
      expect(await wrong.send(firingNotification())).toMatchObject({ outcome: 'rejected', status: 400, reason: expect.stringContaining("'routing_key' must be a 32-character integration key") as unknown });
    } finally {
      await server.stop();
    }
  });

  it('slack: one readable message with the SLO, budget, burn rates and links', async () => {
    const server = await fakeSlack().start();
    try {
      await new SlackNotifier({ name: 'slack', webhookUrl: `${server.url}/services/T/B/X` }).send(firingNotification());
      const message = server.json<{ text: string; blocks: unknown[] }>(0);
      expect(message.text).toMatch(/^FIRING page: checkout-availability: checkout-availability \(checkout\) is burning its error budget 20.0× too fast/);
      const rendered = JSON.stringify(message.blocks);
      expect(rendered).toContain('*Budget remaining*\\n80.0%');
      expect(rendered).toContain('20.0× over 1h, 22.0× over 5m (threshold 14.4×)');
      expect(rendered).toContain('<http://sloe.test/#/slo/checkout-availability|Open in sloe>');
      expect(rendered).toContain('<https://grafana.example.com/d/checkout|Dashboard>');
      expect(rendered).toContain('<https://runbooks.example.com/checkout|Runbook>');
    } finally {
      await server.stop();
    }
  });

  it('webhook: the full alert, signed over the raw body, with a timestamp; unsigned without a secret', async () => {
    const server = await fakeWebhook().start();
    try {
      const sentAt = Date.UTC(2026, 10, 26, 12, 1);
      await new WebhookNotifier({ name: 'hook', url: `${server.url}/hook`, secret: SECRET, now: () => sentAt }).send(firingNotification());
      await new WebhookNotifier({ name: 'plain', url: `${server.url}/hook` }).send(firingNotification());
      const [signed, plain] = server.requests;
      expect(verifySignature(signed!, SECRET)).toBe(true);
      expect(verifySignature(signed!, 'other')).toBe(false);
      expect(signed!.headers['x-sloe-timestamp']).toBe(String(sentAt / 1000));
      expect(JSON.parse(signed!.body)).toMatchObject({ version: '1', receiver: 'hook', status: 'firing', sentAt: '2026-11-26T12:01:00.000Z', alert: { incident: 'checkout-availability/page', figures: { budgetRemaining: 0.8 } } });
      expect(plain!.headers['x-sloe-signature']).toBeUndefined();
    } finally {
      await server.stop();
    }
  });
});
