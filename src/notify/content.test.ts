import { describe, expect, it } from 'vitest';
import { alerting, status, tiers } from '../../test/notify/fixtures.js';
import { buildNotification, durationText, labelName, sloUrl } from './content.js';

const AT = Date.UTC(2026, 10, 26, 12);

describe('alert content', () => {
  const firing = status('checkout-availability', { 'page-fast': 'firing' }, { burnRate: 20.13, remaining: 0.625 });
  const tier = tiers({ 'page-fast': 'firing' }, 20.13)[0];
  const notification = buildNotification(firing, alerting(), { incident: 'checkout-availability/page', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: AT, at: AT, ...(tier ? { tier } : {}) }, { publicUrl: 'https://sloe.example.com' });

  it('says what burns, how fast against which threshold, what is left and when it runs out', () => {
    expect(notification.summary).toBe('checkout-availability (checkout) is burning its error budget 20.1× too fast (page); 62.5% of the budget left');
    expect(notification.description).toContain('objective 99.9% over 30d, SLI now 99.8%');
    expect(notification.description).toContain('Burn rate 20.1× over 1h and 22.1× over 5m, both above the page threshold 14.4× (tier page-fast)');
    expect(notification.description).toContain('Error budget remaining: 62.5% (consumed 37.5%). At the current burn the budget is exhausted in 1h 30m.');
  });

  it('says when the budget is already overspent', () => {
    const overspent = status('a', { 'page-fast': 'firing' }, { remaining: -0.5 });
    const text = buildNotification(overspent, undefined, { incident: 'a/page', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: AT, at: AT }, { publicUrl: 'http://h' }).summary;
    expect(text).toBe('a (checkout) is burning its error budget too fast (page); budget exhausted (50.0% overspent)');
  });

  it('links the SLO page in the UI, the dashboard and the runbook from the spec', () => {
    expect(notification.links).toEqual({ ui: 'https://sloe.example.com/#/slo/checkout-availability', dashboard: 'https://grafana.example.com/d/checkout', runbook: 'https://runbooks.example.com/checkout' });
    expect(notification.annotations).toMatchObject({ runbook_url: 'https://runbooks.example.com/checkout', dashboard_url: 'https://grafana.example.com/d/checkout', slo_url: 'https://sloe.example.com/#/slo/checkout-availability' });
  });

  it('labels identify the SLO and severity, and spec labels cannot override them', () => {
    const clash = buildNotification(firing, alerting({ labels: { severity: 'critical', 'team.name': 'payments' } }), { incident: 'x', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: AT, at: AT }, { publicUrl: 'http://127.0.0.1:9797' });
    expect(clash.labels).toMatchObject({ alertname: 'CheckoutAvailabilityBurn', slo_name: 'checkout-availability', slo_service: 'checkout', severity: 'page', team_name: 'payments', team: 'payments' });
  });

  it('carries the labels and annotations the spec gives the tiers of the severity (Sloth\'s page_alert)', () => {
    const pageTier = { name: 'page-fast', severity: 'page', budgetFraction: 0.02, longWindow: 3_600_000, shortWindow: 300_000, burnRateThreshold: 14.4, for: 0, disabled: false };
    const spec = alerting({ tiers: [{ ...pageTier, labels: { pager: 'shop' }, annotations: { channel: '#shop-oncall' } }, { ...pageTier, name: 'ticket-fast', severity: 'ticket', labels: { queue: 'shop' } }] });
    const page = buildNotification(firing, spec, { incident: 'x', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: AT, at: AT }, { publicUrl: 'http://h' });
    expect(page.labels).toMatchObject({ pager: 'shop' });
    expect(page.labels.queue).toBeUndefined();
    expect(page.annotations.channel).toBe('#shop-oncall');
  });

  it('no-data alerts have their own name and say what to check', () => {
    const quiet = status('checkout-availability', {}, { health: 'nodata' });
    const noData = buildNotification(quiet, alerting(), { incident: 'checkout-availability/nodata', severity: 'ticket', urgency: 'ticket', kind: 'nodata', state: 'firing', startsAt: AT, at: AT }, { publicUrl: 'http://h' });
    expect(noData.alertName).toBe('CheckoutAvailabilityBurnNoData');
    expect(noData.summary).toContain('no events received');
    expect(noData.description).toContain('SLI now unknown (no events)');
  });

  it('a resolve carries its end time', () => {
    const resolved = buildNotification(status('a', {}), undefined, { incident: 'a/page', severity: 'page', urgency: 'page', kind: 'burn', state: 'resolved', startsAt: AT, at: AT + 60_000 }, { publicUrl: 'http://h' });
    expect(resolved.endsAt).toBe(AT + 60_000);
    expect(resolved.alertName).toBe('SloErrorBudgetBurn');
    expect(resolved.summary).toBe('a (checkout): error budget burn back under the page thresholds');
  });

  it('formats helpers as a person reads them', () => {
    expect(durationText(59)).toBe('59s');
    expect(durationText(3 * 86_400 + 4 * 3600 + 5)).toBe('3d 4h');
    expect(durationText(86_400 + 30 * 60)).toBe('1d');
    expect(labelName('9-lives')).toBe('_9_lives');
    expect(sloUrl('http://h', 'a:b c')).toBe('http://h/#/slo/a%3Ab%20c');
  });
});
