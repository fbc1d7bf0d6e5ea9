/**
 * bench/generate: 1,000 SLOs (100 services, ratio, latency, threshold and raw-ratio SLIs) to Prometheus rule files
 * and Grafana dashboards, the way `sloe generate` does it (model → rules → YAML text, model → SDK → JSON text).
 * Baseline, same run: `yaml`'s stringify of the same rule groups, i.e. only the serialisation of output already made.
 * Target (issue #5): under 2 s for 1,000 SLOs.
 */
import { stringify } from 'yaml';
import { DAY, MINUTE, tiersForPeriod } from '../../src/core/index.js';
import type { Slo, Sli } from '../../src/core/index.js';
import { generateArtifacts, generateRules } from '../../src/generate/index.js';
import { median, reportFigures } from '../lib.js';

const SLO_COUNT = 1000;
const RUNS = 7;

function sliFor(index: number, service: string): Sli {
  switch (index % 4) {
    case 0:
      return { kind: 'ratio', bad: { promql: `sum(rate(http_requests_total{job="${service}",code=~"5.."}[{{.window}}]))` }, total: { promql: `sum(rate(http_requests_total{job="${service}"}[{{.window}}]))` } };
    case 1:
      return { kind: 'latency', histogram: { promql: `http_request_duration_seconds_bucket{job="${service}"}` }, threshold: 0.3 };
    case 2:
      return { kind: 'threshold', metric: { promql: `max(queue_depth{job="${service}"})` } };
    default:
      return { kind: 'rawRatio', meaning: 'good', query: { promql: `avg_over_time(satisfaction_ratio{job="${service}"}[{{.window}}])` } };
  }
}

function slos(): Slo[] {
  return Array.from({ length: SLO_COUNT }, (_, index) => {
    const service = `service-${String(index % 100).padStart(3, '0')}`;
    return {
      name: `${service}-slo-${index}`,
      service,
      labels: { team: `team-${index % 7}` },
      sli: sliFor(index, service),
      objectives: [{ key: 'default', target: 0.999, op: 'lte', value: 100 }],
      window: { kind: 'rolling', duration: 30 * DAY },
      budgetingMethod: 'Occurrences',
      alerting: { name: `Slo${index}BudgetBurn`, labels: {}, annotations: {}, runbookUrl: 'https://runbooks.example.com', tiers: tiersForPeriod(30 * DAY), minEvents: 10, keepFiringFor: 0, noDataFor: 10 * MINUTE },
      exclusions: [],
      maintenance: [],
    } satisfies Slo;
  });
}

function time(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const input = slos();
// Warm up both paths once so the first measured run does not pay for compilation.
generateArtifacts(input);
const groups = generateRules(input).files.map((file) => ({ groups: file.groups }));
stringify(groups[0]);

const sloe: number[] = [];
const sloeCpu: number[] = [];
const baseline: number[] = [];
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  (globalThis as { gc?: () => void }).gc?.();
  const cpuBefore = process.cpuUsage();
  sloe.push(
    time(() => {
      const artifacts = generateArtifacts(input);
      bytes = [...artifacts.rules, ...artifacts.dashboards].reduce((sum, file) => sum + file.content.length, 0);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  sloeCpu.push((cpu.user + cpu.system) / 1000);
  (globalThis as { gc?: () => void }).gc?.();
  baseline.push(time(() => groups.map((file) => stringify(file, { lineWidth: 0 }))));
}

console.log(`generate: ${SLO_COUNT} SLOs in 100 services → ${Math.round(bytes / 1024)} KiB of rule files and dashboards`);
reportFigures('generate', [
  {
    name: `rules and dashboards for ${SLO_COUNT} SLOs`,
    unit: 'ms',
    runs: sloe,
    baselineRuns: baseline,
    baselineName: 'yaml stringify of the same rule groups',
    target: '< 2000 ms',
    met: median(sloe) < 2000,
  },
  // CPU time of the same runs: on a shared, loaded machine the wall time above includes waiting for a core.
  { name: `CPU time for ${SLO_COUNT} SLOs`, unit: 'ms', runs: sloeCpu },
]);
