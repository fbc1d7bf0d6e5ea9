import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sloe-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `sloe ...` through the real program. */
function run(...args: string[]): ReturnType<typeof runCli> {
  return runCli(args);
}

const SLOTH = `version: "prometheus/v1"
service: api
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="api"}[{{.window}}]))
`;

const LATENCY = `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-latency
spec:
  target: "99"
  window: 28d
  indicator:
    latency:
      success:
        metric: h_bucket{job="api",le="0.5"}
      total:
        metric: h_count{job="api"}
`;

describe('sloe convert', () => {
  it('writes to stdout and exits 0', async () => {
    const path = join(dir, 'sloth.yaml');
    writeFileSync(path, SLOTH);
    const result = await run('convert', '--to', 'openslo', path);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('apiVersion: openslo/v1');
    expect(result.stdout).toContain('name: api-availability');
  });

  it('writes one file per SLO with --out', async () => {
    const path = join(dir, 'sloth-out.yaml');
    writeFileSync(path, SLOTH);
    const out = join(dir, 'out');
    expect((await run('convert', '--to', 'sloe', '--out', out, path)).code).toBe(0);
    expect(readdirSync(out)).toEqual(['api-availability.yaml']);
    expect(readFileSync(join(out, 'api-availability.yaml'), 'utf8')).toContain('apiVersion: sloe/v1');
  });

  it('exits 1 naming the SLO and what the target cannot express', async () => {
    const path = join(dir, 'latency.yaml');
    writeFileSync(path, LATENCY);
    const result = await run('convert', '--to', 'sloth', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path}:1:1: SLO 'api-latency' cannot be written as sloth: a latency SLI (Sloth has events and raw SLIs only)`);
  });

  it('names what it does not write, composites and budget policies, and exits 1 rather than drop them silently', async () => {
    const path = join(dir, 'journey.yaml');
    writeFileSync(path, `apiVersion: sloe/v1
kind: SLO
metadata: { name: login }
spec:
  service: checkout
  objectives: [ { target: 0.99 } ]
  sli: { ratio: { bad: 'sum(rate(e_total[{{.window}}]))', total: 'sum(rate(r_total[{{.window}}]))' } }
---
apiVersion: sloe/v1
kind: SLO
metadata: { name: checkout-journey }
spec:
  service: checkout
  objectives: [ { target: 0.99 } ]
  composite: { method: leastHealthy, members: [ { slo: login } ] }
---
apiVersion: sloe/v1
kind: BudgetPolicy
metadata: { name: releases }
spec:
  selector: { services: [checkout] }
  rules: [ { name: spent, decision: deny, when: { budgetRemainingBelow: 0 }, reason: spent } ]
`);
    const out = join(dir, 'journey-out');
    const result = await run('convert', '--to', 'sloe', '--out', out, path);
    expect(result.code).toBe(1);
    expect(readdirSync(out)).toEqual(['login.yaml']);
    expect(result.stderr).toContain(`${path}:9:1: composite SLO 'checkout-journey' is not converted: sloe convert writes SLOs with an SLI; keep its sloe/v1 document as it is`);
    expect(result.stderr).toContain(`${path}:17:1: budget policy 'releases' is not converted: sloe convert writes SLOs only; keep its sloe/v1 document as it is`);
  });

  it('exits 1 with the problems of invalid specs, 2 for an unknown target', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, SLOTH.replace('objective: 99.9', 'objective: 120'));
    const invalid = await run('convert', '--to', 'pyrra', path);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain("'slos[0].objective' must be a percent");
    expect((await run('convert', '--to', 'nobl9', path)).code).toBe(2);
    expect((await run('convert', path)).code).toBe(2);
  });
});
