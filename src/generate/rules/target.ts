import { LABELS, formatDuration, nominalPeriod, objectiveName, periodWindows } from '../../core/index.js';
import type { AlertTier, DurationMs, Labels, Objective, Sli, Slo } from '../../core/index.js';
import { matchers } from './promql.js';
import type { RuleOptions } from './types.js';

/** The base window when an SLO has no alert tiers at all: the shortest window of the default table. */
const FALLBACK_BASE_WINDOW: DurationMs = 5 * 60_000;

/**
 * One objective of one SLO, with everything the stages derive from it once: its name, identity labels, windows and
 * enabled tiers. Multi-objective SLOs give one target per objective, named with `objectiveName()`.
 */
export interface Target {
  readonly slo: Slo;
  readonly objective: Objective;
  /** `objectiveName()`: the SLO's name, or `<slo>:<objective>` with several objectives. */
  readonly name: string;
  readonly sli: Sli;
  /** Stable id: `<service>-<name>` (Sloth's `sloth_id`). */
  readonly id: string;
  /** The value of the SLO label: the name, or with the Sloth profile the name without its `<service>-` prefix. */
  readonly sloLabel: string;
  readonly period: DurationMs;
  /** Every burn-rate window of the period (`periodWindows`, those shorter than the period), shortest first. */
  readonly windows: readonly DurationMs[];
  /** The shortest window: current burn rate, period event counts and the absent alert are built on it. */
  readonly baseWindow: DurationMs;
  readonly tiers: readonly AlertTier[];
  readonly errorBudget: number;
  readonly keys: (typeof LABELS)[keyof typeof LABELS];
  /** id, service and SLO labels, in that order: the selector of every series of this target. */
  readonly identity: Labels;
  /** `{id="...", service="...", slo="..."}`: the identity labels as a PromQL selector. */
  readonly selector: string;
  /** `spec.groupBy`: every recording and alert is per value of these labels; empty for an SLO without groups. */
  readonly groupBy: readonly string[];
  /** The SLO's own labels plus the identity labels: what every recording carries. */
  readonly labels: Labels;
  readonly options: RuleOptions;
}

export function targetsOf(slo: Slo, options: RuleOptions): Target[] {
  const keys = LABELS[options.labelProfile];
  const period = nominalPeriod(slo.window);
  const tiers = slo.alerting.tiers.filter((tier) => !tier.disabled);
  // Every window the API reports burn rates for (`periodWindows`: the period's default table and the SLO's own tiers,
  // enabled or not), so dashboards built on these records show what `GET /api/v1/slos/{name}` says, window by window.
  const recorded = periodWindows(period, slo.alerting.tiers).filter((window) => window < period);
  const windows = recorded.length > 0 ? recorded : [Math.min(FALLBACK_BASE_WINDOW, period)];
  return slo.objectives.map((objective) => {
    const name = objectiveName(slo, objective);
    // sloe's id is `<service>-<name>`, as its /metrics and query API label the same series. Sloth's SLOs are named
    // `<service>-<slo>` in the model: with the Sloth profile the id is that and `sloth_slo` the part after it.
    const sloth = options.labelProfile === 'sloth';
    const short = sloth && name.startsWith(`${slo.service}-`) ? name.slice(slo.service.length + 1) : name;
    const id = `${slo.service}-${short}`;
    const sloLabel = short;
    const identity: Labels = { [keys.id]: id, [keys.service]: slo.service, [keys.slo]: sloLabel };
    return {
      slo,
      objective,
      name,
      sli: objective.sli ?? slo.sli,
      id,
      sloLabel,
      period,
      windows,
      baseWindow: windows[0] ?? FALLBACK_BASE_WINDOW,
      tiers,
      errorBudget: 1 - objective.target,
      keys,
      identity,
      selector: matchers(identity),
      groupBy: slo.groupBy ?? [],
      labels: { ...slo.labels, ...identity },
      options,
    };
  });
}

/** `id, service, slo` and the group labels: what one-to-one matches between a target's series are `on`. */
export function seriesKeys(target: Target): string {
  return [...Object.keys(target.identity), ...target.groupBy].join(', ');
}

/** The labels of a series over one window. */
export function windowLabels(target: Target, window: DurationMs): Labels {
  return { ...target.labels, [target.keys.window]: formatDuration(window) };
}

/** Every window a target records: its alert windows and its period. */
export function recordedWindows(target: Target): DurationMs[] {
  return [...target.windows, target.period];
}

/** True for the rules split mode moves to the long group: windows of a day or more, and the period. */
export function isLongWindow(target: Target, window: DurationMs): boolean {
  return window >= 86_400_000 || window === target.period;
}

/**
 * The range that selects one period of a recording evaluated every interval: the period less a second. Prometheus
 * before 3.0 includes a sample at exactly T - period, which would hold one evaluation too many (the hour before the
 * period, at a 1h interval); 3.0 and later exclude it. Either way the range holds period/interval evaluations
 * (test/generate/promtool-30d.test.ts checks the period figures against counts from raw samples).
 */
export function periodRange(target: Target): string {
  return formatDuration(target.period - 1000);
}
