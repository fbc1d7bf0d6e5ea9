import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../../src/provision/index.js';
import type { ProvisionerOptions } from '../../src/provision/index.js';
import { checkoutAvailability, checkoutLatency, wifiSatisfaction } from '../generate/fixtures.js';
import { FakeMimir } from './mimir-fake.js';
import { serveApp } from './serve.js';
import type { Served } from './serve.js';

describe('Mimir/Cortex ruler provisioning', () => {
  let mimir: FakeMimir;
  let served: Served;
  let options: ProvisionerOptions;

  beforeEach(async () => {
    mimir = new FakeMimir('/prometheus');
    served = await serveApp(mimir.app());
    options = { config: { mimir: { url: served.url, tenant: 'team-a', namespace: 'sloe', prefix: '/prometheus' } }, retry: { sleep: () => Promise.resolve(), baseDelayMs: 1, attempts: 3 } };
  });
  afterEach(() => served.close());

  it('posts every rule group as YAML with the tenant header, in split mode too', async () => {
    const report = await provision([checkoutAvailability, wifiSatisfaction], { ...options, rules: { split: true } }, { dryRun: false });
    expect(report.ok).toBe(true);
    const groups = mimir.namespace('team-a', 'sloe');
    expect([...groups.keys()]).toContain('sloe-slo-long-window-recordings-checkout-checkout-availability');
    expect(groups.get('sloe-slo-long-window-recordings-checkout-checkout-availability')?.interval).toBe('5m');
    const posts = mimir.requests.filter((request) => request.method === 'POST');
    expect(posts.length).toBe(groups.size);
    expect(posts.every((request) => request.path === '/prometheus/config/v1/rules/sloe' && request.headers['x-scope-orgid'] === 'team-a' && request.headers['content-type'] === 'application/yaml')).toBe(true);
    expect((parse(posts[0]!.body) as { name: string }).name).toBe('sloe-slo-sli-recordings-checkout-checkout-availability');
  });

  it('reads the namespace back and posts nothing when nothing changed, only the changed groups after a change', async () => {
    await provision([checkoutAvailability, checkoutLatency], options, { dryRun: false });
    const writes = mimir.writes().length;
    const again = await provision([checkoutAvailability, checkoutLatency], options, { dryRun: false });
    expect(again.targets[0]?.planned).toEqual([]);
    expect(mimir.writes().length).toBe(writes);
    const changed = { ...checkoutLatency, alerting: { ...checkoutLatency.alerting, runbookUrl: 'https://runbooks.example.com/latency' } };
    const third = await provision([checkoutAvailability, changed], options, { dryRun: false });
    expect(third.targets[0]?.applied.map((change) => `${change.action} ${change.item}`)).toEqual(['update sloe/sloe-slo-alerts-checkout-checkout-latency']);
    expect(third.targets[0]?.applied[0]?.diff).toContain('+      runbook_url: https://runbooks.example.com/latency');
  });

  it('deletes groups of SLOs that are gone', async () => {
    await provision([checkoutAvailability, checkoutLatency], options, { dryRun: false });
    const report = await provision([checkoutAvailability], options, { dryRun: false });
    expect(report.targets[0]?.applied.map((change) => change.action)).toEqual(['delete', 'delete', 'delete']);
    expect([...mimir.namespace('team-a', 'sloe').keys()].some((name) => name.includes('latency'))).toBe(false);
  });

  it('reports a group the ruler refuses (400) with its reason, without retrying', async () => {
    mimir.injected.push({ method: 'POST', pathPrefix: '/prometheus/config/v1/rules/sloe', status: 400, body: "invalid rules config: group 'x': could not parse expression\n" });
    const report = await provision([checkoutLatency], options, { dryRun: false });
    expect(report.ok).toBe(false);
    expect(report.targets[0]?.error).toContain('HTTP 400: invalid rules config');
    expect(report.targets[0]?.applied).toEqual([]);
    expect(mimir.requests.filter((request) => request.method === 'POST').length).toBe(1);
  });

  it('the fake refuses a broken group, as Mimir does', async () => {
    const response = await fetch(`${served.url}/prometheus/config/v1/rules/sloe`, { method: 'POST', headers: { 'X-Scope-OrgID': 'team-a', 'Content-Type': 'application/yaml' }, body: 'name: g\nrules:\n  - record: x\n    expr: sum(rate(x[5m])\n' });
    expect(response.status).toBe(400);
  });

  it('retries 5xx and 429, then succeeds', async () => {
    mimir.injected.push({ method: 'GET', pathPrefix: '/prometheus/config/v1/rules/sloe', status: 503, body: 'ruler unavailable' });
    mimir.injected.push({ method: 'POST', pathPrefix: '/prometheus/config/v1/rules/sloe', status: 429, body: 'too many requests' });
    const report = await provision([checkoutLatency], options, { dryRun: false });
    expect(report.ok).toBe(true);
    expect(mimir.namespace('team-a', 'sloe').size).toBe(3);
  });

  it('reports a missing tenant (401)', async () => {
    const report = await provision([checkoutLatency], { ...options, config: { mimir: { url: served.url, namespace: 'sloe', prefix: '/prometheus' } } }, { dryRun: false });
    expect(report.targets[0]?.error).toContain('HTTP 401: no org id');
  });
});
