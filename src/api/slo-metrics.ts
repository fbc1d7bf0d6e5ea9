import type { Gauge, Registry } from 'prom-client';
import type { LabelProfile, StatusReader } from '../core/index.js';
import { everyStatus, sloSamples } from './slo-series.js';

const HELP: Readonly<Record<string, string>> = {
  'slo:objective:ratio': 'The SLO objective (target success ratio).',
  'slo:error_budget:ratio': 'The allowed bad fraction (1 - objective).',
  'slo:info': 'SLO metadata: objective, period and budgeting method.',
  'slo:burn_rate:ratio': 'Burn rate over each alert window (slo_window).',
  'slo:current_burn_rate:ratio': 'Burn rate over the shortest alert window.',
  'slo:period_sli:ratio': 'SLI (success ratio) over the whole period.',
  'slo:period_burn_rate:ratio': 'Fraction of the period error budget consumed.',
  'slo:period_error_budget_remaining:ratio': 'Fraction of the period error budget remaining (may be negative).',
  'slo:alert_firing:bool': '1 while the alert tier is firing.',
  'slo:coverage:ratio': 'Share of the period (0 to 1) for which the SLO had events; a budget over little coverage means little.',
  sloe_slo_groups: 'Groups a grouped SLO (spec.groupBy) tracks now, each with its own budget and alerts.',
  sloe_slo_groups_overflow: 'Distinct groups of a grouped SLO seen past spec.maxGroups: counted, not tracked, never merged into others.',
  sloe_slo_composite_burn_share: 'A composite member\'s share (0 to 1) of the composite\'s burn over its period (slo_member); absent while nothing burned.',
};

/**
 * Registers collectors for every SLO figure of the engine's latest evaluation on `registry` (the daemon's /metrics).
 * One collector per metric name, read at scrape time; names are those of the statuses known now (a reload that adds a
 * new window adds its `slo:sli_error:ratio_rate<w>` series at the next registration).
 */
export function registerSloMetrics(registry: Registry, statuses: StatusReader, profile: LabelProfile = 'default'): void {
  // Samples are grouped once per evaluation (latest() returns the same array until the next one), not per collector.
  let cachedFor: readonly unknown[] | undefined;
  let byName = new Map<string, { labels: Readonly<Record<string, string>>; value: number }[]>();
  const samplesNamed = (name: string) => {
    const latest = statuses.latest();
    if (latest !== cachedFor) {
      cachedFor = latest;
      byName = new Map();
      for (const sample of sloSamples(everyStatus(statuses), profile)) {
        let list = byName.get(sample.name);
        if (!list) byName.set(sample.name, (list = []));
        list.push({ labels: sample.labels, value: sample.value });
      }
    }
    return byName.get(name) ?? [];
  };
  const names = new Set(sloSamples(statuses.latest(), profile).map((sample) => sample.name));
  for (const name of Object.keys(HELP)) names.add(name);
  for (const name of names) {
    const collector = {
      name,
      help: HELP[name] ?? `sloe SLO figure ${name}.`,
      type: 'gauge' as const,
      aggregator: 'omit' as const,
      get: () => ({
        name,
        help: HELP[name] ?? `sloe SLO figure ${name}.`,
        type: 'gauge' as const,
        aggregator: 'omit' as const,
        values: samplesNamed(name),
      }),
      reset: () => undefined,
    };
    // prom-client reads a metric through name, help, type and get(); this one is computed at scrape time.
    registry.registerMetric(collector as unknown as Gauge);
  }
}
