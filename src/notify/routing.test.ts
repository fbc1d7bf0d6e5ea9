import { describe, expect, it } from 'vitest';
import { RecordingNotifier } from '../../test/notify/fixtures.js';
import { Router } from './routing.js';
import type { AlertNotification } from './types.js';

const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty', false, ['page']);
const slack = new RecordingNotifier('slack', 'slack', false, ['page', 'ticket']);
const payments = new RecordingNotifier('payments-slack', 'slack', false, ['page', 'ticket']);
const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
const receivers = [pagerduty, slack, payments, alertmanager];

function note(service: string, slo: string, severity: string, labels: Record<string, string> = {}, urgency = severity): AlertNotification {
  return { service, slo, severity, urgency, labels: { ...labels, severity } } as unknown as AlertNotification;
}

function names(router: Router, notification: AlertNotification): string[] {
  return router.receiversFor(notification).map((receiver) => receiver.name);
}

describe('routing', () => {
  it('without routes every receiver hears, within its severities: pages and tickets kept apart', () => {
    const router = new Router([], receivers);
    expect(names(router, note('checkout', 'a', 'page'))).toEqual(['pagerduty', 'slack', 'payments-slack', 'alertmanager']);
    expect(names(router, note('checkout', 'a', 'ticket'))).toEqual(['slack', 'payments-slack', 'alertmanager']);
  });

  it('the first matching route decides, by service, SLO, severity and labels', () => {
    const router = new Router(
      [
        { match: { services: ['payments'], labels: { team: 'payments' } }, receivers: ['payments-slack', 'pagerduty'] },
        { match: { slos: ['checkout-availability'], severities: ['page'] }, receivers: ['pagerduty'] },
        { match: { services: ['checkout'] }, receivers: ['slack'] },
      ],
      receivers,
    );
    expect(names(router, note('payments', 'p', 'page', { team: 'payments' }))).toEqual(['pagerduty', 'payments-slack']);
    expect(names(router, note('payments', 'p', 'ticket', { team: 'payments' }))).toEqual(['payments-slack']);
    expect(names(router, note('checkout', 'checkout-availability:fast', 'page'))).toEqual(['pagerduty']);
    expect(names(router, note('checkout', 'checkout-latency', 'page'))).toEqual(['slack']);
    expect(names(router, note('search', 's', 'page'))).toEqual(['pagerduty', 'slack', 'payments-slack', 'alertmanager']);
  });

  it('continue collects several routes; an empty receiver list sends nowhere', () => {
    const router = new Router(
      [
        { match: { services: ['checkout'] }, receivers: ['slack'], continue: true },
        { match: { severities: ['page'] }, receivers: ['alertmanager'] },
        { match: { services: ['sandbox'] }, receivers: [] },
      ],
      receivers,
    );
    expect(names(router, note('checkout', 'a', 'page'))).toEqual(['slack', 'alertmanager']);
    expect(names(router, note('sandbox', 'a', 'ticket'))).toEqual([]);
  });

  it('a severity the SLO renamed keeps its urgency: `critical` pages go where pages go, `warning` tickets where tickets go', () => {
    const router = new Router([{ match: { severities: ['page'] }, receivers: ['pagerduty', 'slack'] }], receivers);
    expect(names(router, note('checkout', 'a', 'critical', {}, 'page'))).toEqual(['pagerduty', 'slack']);
    expect(names(new Router([], receivers), note('checkout', 'a', 'warning', {}, 'ticket'))).toEqual(['slack', 'payments-slack', 'alertmanager']);
  });

  it('a route naming an unknown receiver is a configuration error that lists the known ones', () => {
    expect(() => new Router([{ match: {}, receivers: ['pager-duty'] }], receivers)).toThrow(/notifiers.routes\[0\].receivers: no receiver named pager-duty \(known: pagerduty, slack/);
  });
});
