import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../../src/provision/index.js';
import type { ProvisionerOptions } from '../../src/provision/index.js';
import { checkoutAvailability, checkoutLatency, wifiSatisfaction } from '../generate/fixtures.js';
import { FakeGrafana } from './grafana-fake.js';
import { serveApp } from './serve.js';
import type { Served } from './serve.js';

const NO_WAIT = { sleep: () => Promise.resolve(), baseDelayMs: 1, attempts: 3 };

describe('Grafana dashboard provisioning', () => {
  let grafana: FakeGrafana;
  let served: Served;
  let options: ProvisionerOptions;

  beforeEach(async () => {
    grafana = new FakeGrafana('service-account-token');
    served = await serveApp(grafana.app());
    options = { config: { grafana: { url: served.url, token: 'service-account-token', folder: 'SLOs' } }, retry: NO_WAIT, message: 'sloe provision: test' };
  });
  afterEach(() => served.close());

  it('creates the folder and every dashboard, with overwrite and the message', async () => {
    const report = await provision([checkoutAvailability, wifiSatisfaction], options, { dryRun: false });
    expect(report.ok).toBe(true);
    expect(report.targets[0]?.applied.map((change) => `${change.action} ${change.item}`)).toEqual(['create folder SLOs', 'create sloe-overview', 'create sloe-checkout', 'create sloe-home-wifi']);
    const folder = [...grafana.folders.values()].find((candidate) => candidate.title === 'SLOs');
    expect([...grafana.dashboards.keys()].sort()).toEqual(['sloe-checkout', 'sloe-home-wifi', 'sloe-overview']);
    expect(grafana.dashboards.get('sloe-checkout')?.folderUid).toBe(folder?.uid);
    const push = grafana.requests.find((request) => request.path === '/api/dashboards/db');
    const body = JSON.parse(push!.body);
    expect(body.overwrite).toBe(true);
    expect(body.message).toBe('sloe provision: test');
    expect(body.folderUid).toBe(folder?.uid);
    expect(push!.headers.authorization).toBe('Bearer service-account-token');
  });

  it('pushes nothing when nothing changed, and only the changed dashboard after a change', async () => {
    await provision([checkoutAvailability, wifiSatisfaction], options, { dryRun: false });
    const writesBefore = grafana.writes().length;
    const again = await provision([checkoutAvailability, wifiSatisfaction], options, { dryRun: false });
    expect(again.targets[0]?.planned).toEqual([]);
    expect(grafana.writes().length).toBe(writesBefore);
    const changed = { ...checkoutAvailability, objectives: [{ key: 'default', target: 0.995 }] };
    const third = await provision([changed, wifiSatisfaction], options, { dryRun: false });
    expect(third.targets[0]?.applied.map((change) => `${change.action} ${change.item}`)).toEqual(['update sloe-checkout']);
    expect(grafana.dashboards.get('sloe-checkout')?.version).toBe(2);
  });

  it('a dry run changes nothing and shows a diff', async () => {
    await provision([checkoutAvailability], options, { dryRun: false });
    const writesBefore = grafana.writes().length;
    const changed = { ...checkoutAvailability, objectives: [{ key: 'default', target: 0.995 }] };
    const dry = await provision([changed, checkoutLatency], options, { dryRun: true });
    expect(grafana.writes().length).toBe(writesBefore);
    const update = dry.targets[0]?.planned.find((change) => change.item === 'sloe-checkout');
    expect(update?.action).toBe('update');
    expect(update?.diff).toContain('-      "title": "checkout-availability: 99.9% over 30d"');
    expect(update?.diff).toContain('+      "title": "checkout-availability: 99.5% over 30d"');
  });

  it('deletes the dashboard of a service that no longer has SLOs', async () => {
    await provision([checkoutAvailability, wifiSatisfaction], options, { dryRun: false });
    const report = await provision([checkoutAvailability], options, { dryRun: false });
    expect(report.targets[0]?.applied.map((change) => `${change.action} ${change.item}`)).toEqual(['delete sloe-home-wifi']);
    expect(grafana.dashboards.has('sloe-home-wifi')).toBe(false);
  });

  it('reports a wrong token (401) without retrying and without pushing', async () => {
    const report = await provision([checkoutAvailability], { ...options, config: { grafana: { url: served.url, token: 'wrong', folder: 'SLOs' } } }, { dryRun: false });
    expect(report.ok).toBe(false);
    expect(report.targets[0]?.error).toContain('HTTP 401');
    expect(report.targets[0]?.error).toContain('Unauthorized');
    expect(grafana.requests.filter((request) => request.path.startsWith('/api/folders')).length).toBe(1);
    expect(grafana.dashboards.size).toBe(0);
  });

  it('retries 5xx with backoff and succeeds', async () => {
    const delays: number[] = [];
    grafana.injected.push({ method: 'POST', pathPrefix: '/api/dashboards/db', status: 503, body: '{"message":"service unavailable"}' });
    grafana.injected.push({ method: 'POST', pathPrefix: '/api/dashboards/db', status: 502, body: 'bad gateway' });
    const report = await provision([checkoutAvailability], { ...options, retry: { attempts: 4, baseDelayMs: 100, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 } }, { dryRun: false });
    expect(report.ok).toBe(true);
    // Full jitter: half of the nominal 100 and 200 ms with the random draw at 0.5.
    expect(delays).toEqual([50, 100]);
    expect(grafana.dashboards.size).toBe(2);
  });

  it('reports a 412 (version-mismatch) with Grafana\'s message and what was applied before it', async () => {
    grafana.injected.push({ method: 'POST', pathPrefix: '/api/dashboards/db', status: 412, body: '{"message":"The dashboard has been changed by someone else","status":"version-mismatch"}' });
    const report = await provision([checkoutAvailability], options, { dryRun: false });
    expect(report.ok).toBe(false);
    const target = report.targets[0]!;
    expect(target.error).toContain('HTTP 412');
    expect(target.error).toContain('version-mismatch');
    expect(target.applied.map((change) => change.item)).toEqual(['folder SLOs']);
    expect(target.planned.length).toBe(3);
  });

  it('gives up after the last try on a persistent 5xx and says so', async () => {
    for (let i = 0; i < 3; i++) grafana.injected.push({ method: 'GET', pathPrefix: '/api/folders', status: 500, body: '{"message":"internal error"}' });
    const report = await provision([checkoutAvailability], options, { dryRun: false });
    expect(report.targets[0]?.error).toContain('gave up after 3 tries');
  });
});
