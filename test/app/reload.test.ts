import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import type { SloStatus } from '../../src/core/index.js';
import { logSink, sloSpec, workspace } from './daemon-fixture.js';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function names(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/api/v1/slos`)).json()) as { data: { name: string }[] };
  return body.data.map((status) => status.name).sort();
}

async function metricValue(url: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('reloading specs', () => {
  it('puts a good change into force on POST /-/reload and on the SIGHUP path', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    daemon = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
    expect(await names(daemon.url)).toEqual(['checkout-availability']);

    space.write('search.yaml', sloSpec('search-availability', 'search'));
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout', 99.5));
    const response = await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'reloaded', added: ['search-availability'], removed: [], changed: ['checkout-availability'], unchanged: 0 });
    expect(await names(daemon.url)).toEqual(['checkout-availability', 'search-availability']);
    const checkout = (await (await fetch(`${daemon.url}/api/v1/slos/checkout-availability`)).json()) as { objective: number };
    expect(checkout.objective).toBeCloseTo(0.995, 6);

    rmSync(join(space.specs, 'search.yaml'));
    const outcome = await daemon.reload('SIGHUP');
    expect(outcome).toMatchObject({ ok: true, trigger: 'SIGHUP', removed: ['search-availability'], unchanged: 1 });
    expect(await names(daemon.url)).toEqual(['checkout-availability']);
    expect(await metricValue(daemon.url, 'sloe_specs_reload_total{outcome="success"}')).toBe(3);
    expect(await metricValue(daemon.url, 'sloe_config_last_reload_successful')).toBe(1);
  });

  it('refuses a bad change with its problems; the old set keeps working and /readyz and /metrics say so', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const logs = logSink();
    daemon = await startDaemon(space.config(), { env: {}, logDestination: logs.stream });

    // A typo in a field name, and a second SLO that would otherwise be valid: nothing of the new set is taken.
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout').replace('targetPercent', 'targetPercnt'));
    space.write('search.yaml', sloSpec('search-availability', 'search'));
    const response = await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('specs_invalid');
    expect(body.error.message).toContain('the running specs stay in force');
    expect(body.error.message).toMatch(new RegExp(`${join(space.specs, 'checkout.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*targetPercnt`));

    // The running set still answers.
    expect(await names(daemon.url)).toEqual(['checkout-availability']);
    const status = await fetch(`${daemon.url}/api/v1/slos/checkout-availability`);
    expect(status.status).toBe(200);

    const ready = await fetch(`${daemon.url}/readyz`);
    expect(ready.status).toBe(200);
    const readiness = (await ready.json()) as { status: string; specs: { lastReload: { successful: boolean; problems: string[] }; inForceSince: string } };
    expect(readiness.status).toBe('ready');
    expect(readiness.specs.lastReload.successful).toBe(false);
    expect(readiness.specs.lastReload.problems.join('\n')).toContain('targetPercnt');
    expect(Date.parse(readiness.specs.inForceSince)).toBeGreaterThan(0);

    expect(await metricValue(daemon.url, 'sloe_config_last_reload_successful')).toBe(0);
    expect(await metricValue(daemon.url, 'sloe_specs_reload_total{outcome="failure"}')).toBe(1);
    expect(logs.text()).toContain('specs reload refused');

    // Fixing the file makes the next reload succeed, and the flags say so again.
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    expect((await fetch(`${daemon.url}/-/reload`, { method: 'POST' })).status).toBe(200);
    expect(await names(daemon.url)).toEqual(['checkout-availability', 'search-availability']);
    expect(await metricValue(daemon.url, 'sloe_config_last_reload_successful')).toBe(1);
    const again = (await (await fetch(`${daemon.url}/readyz`)).json()) as { specs: { lastReload: { successful: boolean } } };
    expect(again.specs.lastReload.successful).toBe(true);
  });

  it('needs the admin token for /-/reload when one is configured', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    daemon = await startDaemon(space.config({}, { SLOE_AUTH_ADMIN_TOKEN: 'admin-token-1' }), { env: {}, logDestination: logSink().stream });
    expect((await fetch(`${daemon.url}/-/reload`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${daemon.url}/-/reload`, { method: 'POST', headers: { authorization: 'Bearer admin-token-1' } })).status).toBe(200);
  });
});

describe('reloading specs with the engine running', () => {
  it('carries the budget and alert state of unchanged SLOs over, and the reload answers with them evaluated', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '200ms' }), { env: {}, logDestination: logSink().stream });
    // Two hours of traffic with 5 % errors: the budget is gone and the page tiers are active.
    const now = Date.now();
    const timestamps = Array.from({ length: 120 }, (_, index) => now - (120 - index) * 60_000);
    const result = daemon.appender.append(
      [
        { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, timestamps, values: timestamps.map((_, index) => index * 950) },
        { labels: { __name__: 'http_requests_total', job: 'checkout', code: '500' }, timestamps, values: timestamps.map((_, index) => index * 50) },
      ],
      'remote_write',
    );
    expect(result.applied).toBe(240);
    const get = async (name: string) => (await (await fetch(`${daemon!.url}/api/v1/slos/${name}`)).json()) as SloStatus;
    const deadline = Date.now() + 10_000;
    let before = await get('checkout-availability');
    while (before.status === 'nodata' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      before = await get('checkout-availability');
    }
    expect(before.status).toBe('exhausted');
    const active = before.alerts.filter((alert) => alert.state !== 'inactive');
    expect(active.length).toBeGreaterThan(0);

    space.write('search.yaml', sloSpec('search-availability', 'search'));
    const response = await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    expect(response.status).toBe(200);
    // Straight after the answer, with no further wait: the unchanged SLO has its events, budget and alert state.
    const after = await get('checkout-availability');
    expect(after.status).toBe('exhausted');
    expect(after.events).toEqual(before.events);
    expect(after.errorBudget.remaining).toBeCloseTo(before.errorBudget.remaining!, 9);
    for (const alert of active) {
      const same = after.alerts.find((candidate) => candidate.tier === alert.tier);
      expect(same?.state === 'pending' || same?.state === 'firing').toBe(true);
      expect(same?.activeSince).toBe(alert.activeSince);
    }
    expect((await get('search-availability')).status).toBe('nodata');
  });
});
