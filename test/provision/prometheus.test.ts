import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/provision/index.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { checkoutAvailability, checkoutLatency } from '../generate/fixtures.js';
import { serveApp } from './serve.js';

/** A /metrics target: 98 good and 2 failed checkout requests per second since it started. */
async function startTarget(): Promise<{ server: Server; port: number }> {
  const started = Date.now();
  const server = createServer((_request, response) => {
    const seconds = (Date.now() - started) / 1000;
    response.setHeader('Content-Type', 'text/plain; version=0.0.4');
    response.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{code="200"} ${Math.floor(seconds * 98)}`,
        `http_requests_total{code="500"} ${Math.floor(seconds * 2)}`,
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{le="0.3"} ${Math.floor(seconds * 99)}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${Math.floor(seconds * 100)}`,
        `http_request_duration_seconds_count ${Math.floor(seconds * 100)}`,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('provisioning into a real Prometheus 2.42', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'sloe-rules-'));
  let prometheus: PrometheusProcess;
  let target: { server: Server; port: number };

  beforeAll(async () => {
    target = await startTarget();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${join(rulesDir, '*.rules.yaml')}`,
      'scrape_configs:',
      '  - job_name: checkout',
      '    static_configs:',
      `      - targets: ["127.0.0.1:${target.port}"]`,
      '',
    ].join('\n');
    prometheus = await startPrometheus(config, ['--web.enable-lifecycle']);
  });
  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => target?.server.close(resolve));
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('writes the rule files, reloads, lists sloe\'s groups and records slo:* series from scraped data', async () => {
    const slos = [checkoutAvailability, { ...checkoutLatency, sli: { ...checkoutLatency.sli, histogram: { promql: 'http_request_duration_seconds_bucket{job="checkout"}' } } }];
    const config = { prometheus: { rulesDir, reloadUrl: `${prometheus.url}/-/reload` } };
    const report = await provision(slos, { config, rules: { interval: 1000 } }, { dryRun: false });
    expect(report.ok, JSON.stringify(report.targets)).toBe(true);
    expect(report.targets[0]?.applied.map((change) => change.action)).toEqual(['create', 'reload']);
    expect(readdirSync(rulesDir).sort()).toEqual(['checkout.rules.yaml']);

    const groups = await until('the rule groups', async () => {
      const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { health: string }[] }[] } };
      return body.data.groups.length > 0 ? body.data.groups : undefined;
    });
    expect(groups.map((group) => group.name).sort()).toEqual([
      'sloe-slo-alerts-checkout-checkout-availability',
      'sloe-slo-alerts-checkout-checkout-latency',
      'sloe-slo-meta-recordings-checkout-checkout-availability',
      'sloe-slo-meta-recordings-checkout-checkout-latency',
      'sloe-slo-sli-recordings-checkout-checkout-availability',
      'sloe-slo-sli-recordings-checkout-checkout-latency',
    ]);

    const errorRatio = await until('slo:sli_error:ratio_rate5m', async () => {
      const data = await prometheus.query('slo:sli_error:ratio_rate5m{slo_name="checkout-availability"}');
      const value = Number(data.result[0]?.value[1]);
      return Number.isFinite(value) && value > 0 ? value : undefined;
    });
    expect(errorRatio).toBeGreaterThan(0.01);
    expect(errorRatio).toBeLessThan(0.03);
    const latencyError = await until('the latency SLI', async () => {
      const value = Number((await prometheus.query('slo:sli_error:ratio_rate5m{slo_name="checkout-latency"}')).result[0]?.value[1]);
      return Number.isFinite(value) && value > 0 ? value : undefined;
    });
    // 1 % by construction, but the target floors its counters: over the first scrapes one request either way moves
    // the ratio by about a percentage point (2/99 has been seen), so the bound leaves room for that and no more.
    expect(latencyError).toBeGreaterThan(0.005);
    expect(latencyError).toBeLessThan(0.025);
    const remaining = await until('the budget remaining', async () => {
      const result = (await prometheus.query('slo:period_error_budget_remaining:ratio{slo_name="checkout-availability"}')).result[0];
      return result === undefined ? undefined : result;
    });
    // 2 % errors against a 0.1 % budget: the budget is overspent 20 times.
    expect(Number(remaining.value[1])).toBeLessThan(0);
    expect(remaining.metric).toMatchObject({ slo_service: 'checkout', slo_id: 'checkout-checkout-availability', owner: 'shop-team' });
    expect(Number((await prometheus.query('slo:events_total:increase5m{slo_name="checkout-availability"}')).result[0]?.value[1])).toBeGreaterThan(0);

    const again = await provision(slos, { config, rules: { interval: 1000 } }, { dryRun: false });
    expect(again.targets[0]?.planned).toEqual([]);
  });

  it('says so when the reload fails, keeps the files, and reloads on the next run though nothing else changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-rules-reload-'));
    let failing = true;
    let reloads = 0;
    const reloadApp = new Hono().post('/-/reload', (c) => {
      reloads++;
      return failing ? c.text('failed to reload config: boom', 500) : c.text('', 200);
    });
    const reloadServer = await serveApp(reloadApp);
    try {
      const config = { prometheus: { rulesDir: dir, reloadUrl: `${reloadServer.url}/-/reload` } };
      const retry = { sleep: () => Promise.resolve(), baseDelayMs: 1, attempts: 2 };
      const failed = await provision([checkoutAvailability], { config, retry }, { dryRun: false });
      expect(failed.ok).toBe(false);
      expect(failed.targets[0]?.error).toContain(`rule files are written to ${dir}, but Prometheus did not reload them`);
      expect(failed.targets[0]?.error).toContain('HTTP 500: failed to reload config: boom');
      expect(reloads).toBe(2);
      expect(readFileSync(join(dir, 'checkout.rules.yaml'), 'utf8')).toContain('# Generated by sloe');
      failing = false;
      const retried = await provision([checkoutAvailability], { config, retry }, { dryRun: false });
      expect(retried.ok).toBe(true);
      expect(retried.targets[0]?.applied.map((change) => change.action)).toEqual(['reload']);
      expect(reloads).toBe(3);
      expect(existsSync(join(dir, '.sloe-reload-pending'))).toBe(false);
      const quiet = await provision([checkoutAvailability], { config, retry }, { dryRun: false });
      expect(quiet.targets[0]?.planned).toEqual([]);
      expect(reloads).toBe(3);
    } finally {
      await reloadServer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
