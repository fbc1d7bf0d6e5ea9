import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';

const STAGE_METRICS = [
  ['sloe_ingest_samples_total', 'counter'],
  ['sloe_ingest_dropped_samples_total', 'counter'],
  ['sloe_ingest_requests_total', 'counter'],
  ['sloe_evaluation_duration_seconds', 'histogram'],
  ['sloe_notifications_total', 'counter'],
  ['sloe_gate_decisions_total', 'counter'],
  ['sloe_store_size_bytes', 'gauge'],
  ['sloe_specs_reload_total', 'counter'],
  ['sloe_config_last_reload_successful', 'gauge'],
  ['sloe_http_requests_total', 'counter'],
] as const;

describe('/metrics', () => {
  const promtool = requireBinary('promtool');
  let daemon: Daemon;
  let exposition: string;

  beforeAll(async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    daemon = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
    // Some traffic, so the request counters and the reload counters carry samples.
    await fetch(`${daemon.url}/api/v1/slos`);
    await fetch(`${daemon.url}/api/v1/slos/nope`);
    await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    const response = await fetch(`${daemon.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    exposition = await response.text();
  });

  afterAll(async () => {
    await daemon.stop();
  });

  it('is valid Prometheus exposition by promtool check metrics (no lint problems either)', () => {
    const result = spawnSync(promtool, ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 10_000 });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('carries the metrics of every stage, with help and type', () => {
    for (const [name, type] of STAGE_METRICS) {
      expect(exposition, name).toContain(`# TYPE ${name} ${type}\n`);
      expect(exposition, name).toMatch(new RegExp(`# HELP ${name} \\S`));
    }
    expect(exposition).toContain('sloe_specs_reload_total{outcome="success"} 2');
    expect(exposition).toContain('sloe_config_last_reload_successful 1');
    expect(exposition).toMatch(/sloe_http_requests_total\{method="GET",route="\/api\/v1\/slos\/:name",code="404"\} 1/);
    expect(exposition).toMatch(/^sloe_store_size_bytes [1-9]\d*$/m);
    expect(exposition).toContain('process_resident_memory_bytes');
  });
});
