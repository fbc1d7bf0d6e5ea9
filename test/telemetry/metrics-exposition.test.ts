import { spawnSync } from 'node:child_process';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { encodeV1 } from '../ingest/schemas.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '100ms' }), { env: {}, logDestination: logSink().stream });
    // Traffic through every stage: a remote write (one series an SLI reads, one it does not), an evaluation, a gate.
    const now = Date.now();
    const write = encodeV1([
      { labels: { __name__: 'http_requests_total', job: 'checkout', code: '200' }, samples: [{ value: 1, timestamp: now - 2_000 }, { value: 5, timestamp: now - 1_000 }] },
      { labels: { __name__: 'unrelated_total', job: 'checkout' }, samples: [{ value: 1, timestamp: now - 1_000 }] },
    ]);
    const written = await fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' }, body: new Uint8Array(compressSync(Buffer.from(write))) });
    expect(written.status).toBe(204);
    expect((await fetch(`${daemon.url}/api/v1/gates/checkout`)).status).toBe(200);
    await fetch(`${daemon.url}/api/v1/slos`);
    await fetch(`${daemon.url}/api/v1/slos/nope`);
    await fetch(`${daemon.url}/-/reload`, { method: 'POST' });
    // Decisions are journalled in small batches and evaluations run on their interval: wait (bounded) for both.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const response = await fetch(`${daemon.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      exposition = await response.text();
      if ((/^sloe_gate_decisions_total\{decision="\w+"\} [1-9]/m.test(exposition) && /^sloe_evaluation_duration_seconds_count [1-9]/m.test(exposition)) || Date.now() > deadline) break;
      await sleep(50);
    }
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
    // The stages carry the traffic sent above.
    expect(exposition).toContain('sloe_ingest_samples_total{protocol="remote_write",outcome="applied"} 2');
    expect(exposition).toMatch(/^sloe_ingest_requests_total\{protocol="remote_write",code="204"\} 1$/m);
    // The unrelated series never reached the engine: the decoder's pre-filter dropped it, and ingest counts that.
    expect(exposition).toMatch(/^sloe_ingest_received_samples_total\{protocol="remote_write"\} 3$/m);
    expect(exposition).toMatch(/^sloe_ingest_prefiltered_samples_total\{protocol="remote_write",reason="unmatched"\} 1$/m);
    expect(exposition).toMatch(/^sloe_evaluation_duration_seconds_count [1-9]\d*$/m);
    expect(exposition).toMatch(/^sloe_gate_decisions_total\{decision="(allow|warn|deny)"\} 1$/m);
    expect(exposition).toMatch(/^slo:objective:ratio\{[^}]*slo_name="checkout-availability"[^}]*\} 0\.999$/m);
  });
});
