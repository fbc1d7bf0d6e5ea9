/**
 * Ingest that cannot starve the rest (issue #21): 500 concurrent remote-write writers, each with its own connection,
 * flood a real `sloe serve` for a few seconds while the gate is asked every 20 ms. Before, no write was ever refused
 * (each finishes in ms, so 64 in flight never fills) while their decoding filled the event loop and the gate's p99
 * reached seconds. Now writes get 429 with Retry-After before the loop saturates, and the gate keeps its latency:
 * ingest's work runs one task per event-loop turn (ingest/http/turn-queue.ts), so under this flood the writes queue
 * behind each other rather than the loop running late, and the in-flight bound (64 requests) refuses the rest; the
 * lag bound (`limits.maxEventLoopLagMs`) refuses when the loop runs late all the same (a GC, an evaluation, another
 * process on the core). The same flood against a daemon with the lag check off is reported beside it, measured in
 * the same run. The writers run in their own process, so their work does not delay the probe.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { startSloe } from '../helpers/sloe-process.js';
import type { SloeProcess } from '../helpers/sloe-process.js';
import { sloSpec, workspace } from '../app/daemon-fixture.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WRITERS = 500;
const FLOOD_SECONDS = 5;
const running: SloeProcess[] = [];

beforeAll(() => ensureBuilt(), 180_000);

afterAll(() => {
  for (const sloe of running) sloe.child.kill('SIGKILL');
});

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

interface FloodResult {
  statuses: Record<string, number>;
  refusals: Record<string, number>;
  withRetryAfter: number;
  errors: number;
}

function flood(url: string): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'write-flood.ts'), url, String(WRITERS), String(FLOOD_SECONDS)], { cwd: ROOT, timeout: 40_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`write flood failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as FloodResult);
    });
  });
}

/** Floods one daemon and asks its gate (and /healthz) throughout; latencies of the gate after the first second. */
async function measure(maxEventLoopLagMs: number): Promise<{ result: FloodResult; gateMs: number[]; healthFailures: number }> {
  const space = workspace();
  space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
  const configFile = join(space.data, '..', 'sloe.yaml');
  writeFileSync(configFile, `limits:\n  maxEventLoopLagMs: ${maxEventLoopLagMs}\n`);
  const sloe = await startSloe(await freePort(), ['--config', configFile, '--slos', space.specs, '--data', space.data], 30_000);
  running.push(sloe);
  const flooding = flood(sloe.url);
  const gateMs: number[] = [];
  let healthFailures = 0;
  const started = Date.now();
  let done = false;
  void flooding.finally(() => (done = true));
  while (!done) {
    const began = performance.now();
    try {
      const response = await fetch(`${sloe.url}/api/v1/gates/shop`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (Date.now() - started > 1_000 && Date.now() - started < FLOOD_SECONDS * 1000) gateMs.push(performance.now() - began);
      if (gateMs.length % 10 === 0 && !(await fetch(`${sloe.url}/healthz`, { signal: AbortSignal.timeout(10_000) })).ok) healthFailures++;
    } catch {
      healthFailures++;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { result: await flooding, gateMs, healthFailures };
}

describe('ingest admission under 500 concurrent writers', () => {
  it('refuses writes with 429 and Retry-After before the loop saturates, and the gate keeps its latency', { timeout: 90_000 }, async () => {
    const baseline = await measure(0);
    running.pop()?.child.kill('SIGKILL');
    const admitted = await measure(50);
    const report = (name: string, run: typeof baseline): string =>
      `${name}: gate ${run.gateMs.length} answers, p50 ${percentile(run.gateMs, 0.5).toFixed(0)} ms, p99 ${percentile(run.gateMs, 0.99).toFixed(0)} ms; writes ${JSON.stringify(run.result.statuses)}, 429 by code ${JSON.stringify(run.result.refusals)}`;
    console.log(`${report('check off (before)', baseline)}\n${report('maxEventLoopLagMs 50', admitted)}`);

    const refused = admitted.result.statuses['429'] ?? 0;
    // Refused by admission, not left to pile up: the in-flight bound (which never fired in the probe, when each
    // write's decoding ran at once) or the loop's lag; with the lag check off, only the former.
    expect(refused).toBeGreaterThan(0);
    expect(Object.keys(admitted.result.refusals).every((code) => code === 'write_queue_full' || code === 'ingest_overloaded')).toBe(true);
    expect(baseline.result.refusals.ingest_overloaded ?? 0).toBe(0);
    expect(admitted.result.withRetryAfter).toBe(refused);
    expect(admitted.result.statuses['204'] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(admitted.result.statuses).every((status) => status === '204' || status === '429')).toBe(true);
    expect(admitted.healthFailures).toBe(0);
    expect(admitted.gateMs.length).toBeGreaterThan(20);
    // The gate's p99 under the flood stays within a few turns of the loop. Measured on 2 cores shared with other
    // jobs: 109 ms with the check against 217 ms without (the in-flight bound alone); the generator here cannot
    // always saturate the daemon, so the baseline is reported, and the bound is absolute: under a second, where the
    // issue's probe saw seconds. (433 ms was seen once with the whole suite and six other jobs on the two cores.)
    expect(percentile(admitted.gateMs, 0.99)).toBeLessThan(1_000);
  });
});
