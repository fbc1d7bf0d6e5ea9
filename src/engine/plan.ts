import type { AlertTier, CompiledSli, DurationMs, Objective, Query, Sli, Slo, SpecSet, Term } from '../core/index.js';
import { compileSli, nominalPeriod, objectiveName, periodWindows, sliceLength } from '../core/index.js';

/** How one objective gets its events. */
export type Source =
  | { readonly kind: 'embedded'; readonly sli: CompiledSli }
  | { readonly kind: 'remote'; readonly sli: Sli; readonly source?: string }
  | { readonly kind: 'none'; readonly reason: string };

/** Everything the engine needs to evaluate one objective of one SLO, worked out once per spec set. */
export interface ObjectivePlan {
  /** The status name (`slo` or `slo:objective`). */
  readonly name: string;
  readonly slo: Slo;
  readonly objective: Objective;
  readonly source: Source;
  /** Nominal period T (calendar windows: their usual length), for alert thresholds and the coarse ring size. */
  readonly period: DurationMs;
  readonly tiers: readonly AlertTier[];
  /** Burn-rate windows of the period (`periodWindows`), shortest first. */
  readonly windows: readonly DurationMs[];
  /** Synthetic terms holding this objective's slice counts (Timeslices and RatioTimeslices). */
  readonly slices?: { readonly good: string; readonly total: string; readonly width: DurationMs };
}

export interface Plan {
  readonly objectives: readonly ObjectivePlan[];
  /** Every embedded term, by key, with the longest window that reads it. */
  readonly terms: ReadonlyMap<string, { readonly term: Term; readonly longestWindow: DurationMs }>;
  /** Synthetic slice terms, with their longest window. */
  readonly sliceTerms: ReadonlyMap<string, DurationMs>;
}

/** Calendar periods can be longer than their nominal length (a 31-day month, a 92-day quarter). */
const CALENDAR_SLACK: DurationMs = 3 * 86_400_000;

export function planSpecs(specs: SpecSet, options: { remoteAvailable: boolean }): Plan {
  const objectives: ObjectivePlan[] = [];
  const terms = new Map<string, { term: Term; longestWindow: DurationMs }>();
  const sliceTerms = new Map<string, DurationMs>();
  for (const slo of specs.slos) {
    const period = nominalPeriod(slo.window);
    const reach = slo.window.kind === 'calendar' ? period + CALENDAR_SLACK : period;
    const tiers = slo.alerting.tiers.filter((tier) => !tier.disabled);
    // Every window of the period, not only the enabled tiers': burn rates are reported whatever is paged on.
    const windows = periodWindows(period, slo.alerting.tiers);
    const longest = Math.max(reach, ...windows);
    for (const objective of slo.objectives) {
      const name = objectiveName(slo, objective);
      const sli = objective.sli ?? slo.sli;
      const source = sourceOf(sli, objective, options.remoteAvailable);
      if (source.kind === 'embedded') {
        for (const signed of [...source.sli.good, ...source.sli.total]) {
          const known = terms.get(signed.term.key);
          terms.set(signed.term.key, { term: signed.term, longestWindow: Math.max(known?.longestWindow ?? 0, longest) });
        }
      }
      let slices: ObjectivePlan['slices'];
      if (slo.budgetingMethod !== 'Occurrences') {
        const width = sliceLength(objective);
        slices = { good: `slices:${name}:good`, total: `slices:${name}:total`, width };
        sliceTerms.set(slices.good, reach);
        sliceTerms.set(slices.total, reach);
      }
      objectives.push({ name, slo, objective, source, period, tiers, windows, ...(slices ? { slices } : {}) });
    }
  }
  return { objectives, terms, sliceTerms };
}

function queriesOf(sli: Sli): Query[] {
  switch (sli.kind) {
    case 'ratio':
      return [sli.good, sli.bad, sli.total].filter((query): query is Query => query !== undefined);
    case 'latency':
      return [sli.histogram];
    case 'threshold':
      return [sli.metric];
    case 'rawRatio':
      return [sli.query];
  }
}

/**
 * An SLI is kept from ingested samples when it compiles and names no data source; it is asked of a remote source when
 * it names one or does not compile and a remote source is configured; otherwise it has no data, with the reason.
 */
function sourceOf(sli: Sli, objective: Objective, remoteAvailable: boolean): Source {
  const named = queriesOf(sli).find((query) => query.source !== undefined)?.source;
  if (named !== undefined && remoteAvailable) return { kind: 'remote', sli, source: named };
  const compiled = compileSli(sli, objective);
  if (compiled.ok) return { kind: 'embedded', sli: compiled.sli };
  if (remoteAvailable) return { kind: 'remote', sli, ...(named === undefined ? {} : { source: named }) };
  return { kind: 'none', reason: `the SLI cannot be kept from ingested samples (${compiled.reason}) and no remote source is configured` };
}
