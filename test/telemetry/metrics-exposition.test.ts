import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';

const STAGE_METRICS = [
  ['sloe_ingest_samples_total', 'counter'],
  ['sloe_ingest_dropped_samples_total', 'counter'],
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

  it('is valid Prometheus exposition by promtool check metrics, whose only lint is the slo:* names the contract asks for', () => {
    const result = spawnSync(promtool, ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 10_000 });
    const output = result.stderr + result.stdout;
    // Exit 1 is a parse error; 3 means lint findings only. The slo:* series follow the recording-rule names of the
    // generated rules (CONTRACT.md), which promtool's linter reserves for rules; every other name must be clean.
    expect(output).not.toContain('error while linting');
    const findings = output.split('\n').filter((line) => line.trim() !== '');
    expect(findings.filter((line) => !/^slo:\S+ metric names should not contain ':'$/.test(line))).toEqual([]);
    expect(result.status).toBe(findings.length === 0 ? 0 : 3);
    expect(findings.some((line) => line.startsWith('sloe_'))).toBe(false);
  });

  it('would fail on a broken exposition (the check can fail)', () => {
    const result = spawnSync(promtool, ['check', 'metrics'], { input: `${exposition}sloe_broken{ 1\n`, encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(1);
    expect(result.stderr + result.stdout).toContain('error while linting');
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
