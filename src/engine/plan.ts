import type { AlertTier, CompiledSli, DurationMs, Objective, RemoteSeries, RemoteSliQuery, SignedTerm, Sli, Slo, SpecSet, Term } from '../core/index.js';
import { FINE_BUCKET_MS, compileSli, maxGroupsOf, nominalPeriod, objectiveName, periodWindows, sliceLength, sliQueries } from '../core/index.js';
import type { Grouping } from './groups.js';
import { groupingKey } from './groups.js';

/** How one objective gets its events. */
export type Source =
  | { readonly kind: 'embedded'; readonly sli: CompiledSli }
  /** Pulled from a source into the synthetic terms `terms` reads (plan.pulls fill them). */
  | { readonly kind: 'remote'; readonly sli: Sli; readonly source?: string; readonly terms: CompiledSli }
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
  /** A grouped SLO kept from ingested samples (`spec.groupBy`): a budget per value of these labels, at most `max`. */
  readonly grouping?: { readonly labels: readonly string[]; readonly max: number };
}

export interface Plan {
  readonly objectives: readonly ObjectivePlan[];
  /** Every embedded term, by key, with the longest window that reads it. */
  readonly terms: ReadonlyMap<string, { readonly term: Term; readonly longestWindow: DurationMs }>;
  /** Synthetic slice terms, with their longest window. */
  readonly sliceTerms: ReadonlyMap<string, DurationMs>;
  /** What is pulled from sources (remote SLIs, and backfills of ingested SLOs), by pull id. */
  readonly pulls: ReadonlyMap<string, PullPlan>;
  /** How each embedded term read by a grouped SLO is split, by term key. */
  readonly groupings: ReadonlyMap<string, readonly Grouping[]>;
}

/** How a pulled value becomes the events of one term's bucket. */
export type PullRead = 'events' | 'share' | 'complement' | 'one';

/** One per-step query pulled from a source into one or more terms' buckets. */
export interface PullPlan {
  /** `remote:` for live remote SLIs (pulled every tick), `history:` for an ingested SLO's backfill (pulled once). */
  readonly id: string;
  readonly source: string;
  readonly promql: string;
  readonly mode: 'live' | 'history';
  readonly targets: readonly { readonly key: string; readonly read: PullRead }[];
  /** How far back the backfill reaches: the longest period or window of the SLOs reading it. */
  readonly reach: DurationMs;
  /** The objectives it feeds (status names), for their backfill status. */
  readonly objectives: readonly string[];
}

/** Calendar periods can be longer than their nominal length (a 31-day month, a 92-day quarter). */
const CALENDAR_SLACK: DurationMs = 3 * 86_400_000;

export function planSpecs(specs: SpecSet, options: { remoteAvailable: boolean; remote?: RemoteSeries }): Plan {
  const objectives: ObjectivePlan[] = [];
  const terms = new Map<string, { term: Term; longestWindow: DurationMs }>();
  const sliceTerms = new Map<string, DurationMs>();
  const pulls = new Map<string, PullPlan>();
  const groupings = new Map<string, Grouping[]>();
  const addGrouping = (term: string, grouping: Grouping): void => {
    const list = groupings.get(term) ?? [];
    const known = list.findIndex((entry) => groupingKey(entry.labels) === groupingKey(grouping.labels));
    if (known < 0) list.push(grouping);
    else list[known] = { labels: grouping.labels, limit: Math.max(list[known]!.limit, grouping.limit) };
    groupings.set(term, list);
  };
  const addPull = (pull: PullPlan): void => {
    const known = pulls.get(pull.id);
    pulls.set(pull.id, known ? { ...known, reach: Math.max(known.reach, pull.reach), objectives: [...known.objectives, ...pull.objectives] } : pull);
  };
  const tierTables = new SharedTiers();
  for (const slo of specs.slos) {
    const period = nominalPeriod(slo.window);
    const reach = slo.window.kind === 'calendar' ? period + CALENDAR_SLACK : period;
    const { all, tiers } = tierTables.of(period, slo.alerting.tiers);
    // Every window of the period, not only the enabled tiers': burn rates are reported whatever is paged on.
    const windows = periodWindows(period, all);
    const longest = Math.max(reach, ...windows);
    for (const objective of slo.objectives) {
      const name = objectiveName(slo, objective);
      const sli = objective.sli ?? slo.sli;
      let source = sourceOf(sli, objective, options.remoteAvailable);
      if (source.kind === 'remote' && options.remote) {
        const pulled = remotePulls(options.remote, slo, objective, source, name, longest);
        if ('reason' in pulled) source = { kind: 'none', reason: pulled.reason };
        else {
          source = { ...source, terms: pulled.terms };
          for (const pull of pulled.pulls) addPull(pull);
        }
      }
      if (source.kind === 'embedded') {
        for (const side of [source.sli.good, source.sli.total]) {
          for (const signed of side) {
            const known = terms.get(signed.term.key);
            if (known) known.longestWindow = Math.max(known.longestWindow, longest);
            else terms.set(signed.term.key, { term: signed.term, longestWindow: longest });
          }
        }
        if (slo.backfill && options.remote) {
          for (const pull of historyPulls(options.remote, slo.backfill.source, source.sli, name, longest)) addPull(pull);
        }
      }
      let slices: ObjectivePlan['slices'];
      if (slo.budgetingMethod !== 'Occurrences') {
        const width = sliceLength(objective);
        slices = { good: `slices:${name}:good`, total: `slices:${name}:total`, width };
        sliceTerms.set(slices.good, reach);
        sliceTerms.set(slices.total, reach);
      }
      // Groups are split from ingested series; an SLI asked of a remote source is evaluated as a whole.
      const grouping = slo.groupBy !== undefined && slo.groupBy.length > 0 && source.kind === 'embedded' && !slices ? { labels: slo.groupBy, max: maxGroupsOf(slo) } : undefined;
      if (grouping && source.kind === 'embedded') for (const signed of [...source.sli.good, ...source.sli.total]) addGrouping(signed.term.key, { labels: grouping.labels, limit: grouping.max });
      // Absent ones as undefined rather than spread in: every plan gets the same shape, with no object per spread.
      objectives.push({ name, slo, objective, source, period, tiers, windows, slices, grouping });
    }
  }
  return { objectives, terms, sliceTerms, pulls, groupings };
}

/**
 * One tiers array per period and tiers, shared by every SLO that has them (a fleet written from a few templates has a
 * handful): what is worked out per tiers array (the window table, the evaluation's tier shape, keyed by the array)
 * is then worked out once, not once per SLO, and 100,000 SLOs do not hold 100,000 entries in those caches (issue 21).
 * Keyed by the nominal period too, since a tiers array stands for one period. At most MAX_KEPT tables are looked
 * through; an SLO whose tiers match none of them (past that many) keeps its own.
 */
class SharedTiers {
  private static readonly MAX_KEPT = 64;
  private readonly kept: { period: DurationMs; all: readonly AlertTier[]; tiers: readonly AlertTier[] }[] = [];

  /** The SLO's tiers (`all`) and its enabled ones (`tiers`), as arrays shared with every SLO equal in both. */
  of(period: DurationMs, all: readonly AlertTier[]): { all: readonly AlertTier[]; tiers: readonly AlertTier[] } {
    for (let index = this.kept.length - 1; index >= 0; index--) {
      const table = this.kept[index]!;
      if (table.period === period && (table.all === all || sameTiers(table.all, all))) return table;
    }
    // The spec's own array when no tier is disabled: one array fewer per SLO to build and keep.
    const table = { period, all, tiers: all.some((tier) => tier.disabled) ? all.filter((tier) => !tier.disabled) : all };
    if (this.kept.length < SharedTiers.MAX_KEPT) this.kept.push(table);
    return table;
  }
}

function sameTiers(a: readonly AlertTier[], b: readonly AlertTier[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (!sameTier(a[index]!, b[index]!)) return false;
  return true;
}

/** Every field of AlertTier (keep in step with it), the labels and annotations by content. */
function sameTier(a: AlertTier, b: AlertTier): boolean {
  return (
    a.name === b.name &&
    a.severity === b.severity &&
    a.budgetFraction === b.budgetFraction &&
    a.longWindow === b.longWindow &&
    a.shortWindow === b.shortWindow &&
    a.burnRateThreshold === b.burnRateThreshold &&
    a.for === b.for &&
    a.disabled === b.disabled &&
    sameLabels(a.labels, b.labels) &&
    sameLabels(a.annotations, b.annotations)
  );
}

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** A synthetic term holding pulled events: read like any counter term, matched by no ingested series. */
function pulledTerm(key: string, sign: 1 | -1 = 1): SignedTerm {
  return { term: { key, metric: key, matchers: [], kind: 'counter' }, sign };
}

/** A remote SLI's per-minute queries, and the synthetic terms its good and total are read from. */
function remotePulls(remote: RemoteSeries, slo: Slo, objective: Objective, source: { sli: Sli; source?: string }, name: string, reach: DurationMs): { pulls: PullPlan[]; terms: CompiledSli } | { reason: string } {
  const { op, value } = objective;
  const query: RemoteSliQuery = {
    slo: slo.name,
    objective: objective.key,
    sli: source.sli,
    ...(source.source === undefined ? {} : { source: source.source }),
    // A threshold SLI's good samples are those meeting the objective's comparison: the source needs it to count.
    ...(source.sli.kind === 'threshold' && op !== undefined && value !== undefined ? { threshold: { op, value } } : {}),
  };
  let queries;
  try {
    queries = remote.queries(query, FINE_BUCKET_MS);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  const pulls: PullPlan[] = [];
  const good: SignedTerm[] = [];
  const total: SignedTerm[] = [];
  for (const side of queries) {
    const id = `remote:${side.source} ${side.promql}`;
    const base = { id, source: side.source, promql: side.promql, mode: 'live' as const, reach, objectives: [name] };
    if (side.side === 'ratio') {
      // A raw ratio has no counts: each minute is one event, good to the extent of that minute's ratio.
      pulls.push({ ...base, targets: [{ key: `${id} | good`, read: side.meaning === 'bad' ? 'complement' : 'share' }, { key: `${id} | count`, read: 'one' }] });
      good.push(pulledTerm(`${id} | good`));
      total.push(pulledTerm(`${id} | count`));
      continue;
    }
    pulls.push({ ...base, targets: [{ key: id, read: 'events' }] });
    if (side.side === 'total') total.push(pulledTerm(id));
    else if (side.side === 'good') good.push(pulledTerm(id));
    else good.push(pulledTerm(id, -1));
  }
  // good = total - bad when the SLI counts bad events.
  if (queries.some((side) => side.side === 'bad')) good.unshift(...total);
  return { pulls, terms: { good, total } };
}

/** The pulls that fill an ingested SLO's terms from a source over its period before sloe received its samples. */
function historyPulls(remote: RemoteSeries, source: string, sli: CompiledSli, name: string, reach: DurationMs): PullPlan[] {
  const seen = new Set<string>();
  const pulls: PullPlan[] = [];
  for (const { term } of [...sli.good, ...sli.total]) {
    if (seen.has(term.key)) continue;
    seen.add(term.key);
    let query;
    try {
      query = remote.termQuery(term, FINE_BUCKET_MS, source);
    } catch {
      // An unknown source is a spec problem reported at load; the SLO is still kept from ingested samples.
      continue;
    }
    pulls.push({ id: `history:${query.source} ${query.promql}`, source: query.source, promql: query.promql, mode: 'history', targets: [{ key: term.key, read: 'events' }], reach, objectives: [name] });
  }
  return pulls;
}

/**
 * An SLI is kept from ingested samples when it compiles and names no data source; it is asked of a remote source when
 * it names one or does not compile and a remote source is configured; otherwise it has no data, with the reason.
 */
function sourceOf(sli: Sli, objective: Objective, remoteAvailable: boolean): Source {
  const named = sliQueries(sli).find((query) => query.source !== undefined)?.source;
  // The terms are filled in by remotePulls once the source's queries are known.
  const none = { good: [], total: [] };
  if (named !== undefined && remoteAvailable) return { kind: 'remote', sli, source: named, terms: none };
  const compiled = compileSli(sli, objective);
  if (compiled.ok) return { kind: 'embedded', sli: compiled.sli };
  if (remoteAvailable) return { kind: 'remote', sli, ...(named === undefined ? {} : { source: named }), terms: none };
  return { kind: 'none', reason: `the SLI cannot be kept from ingested samples (${compiled.reason}) and no remote source is configured` };
}

/** The terms an objective's SLI is read from: compiled from its queries, or the synthetic terms it is pulled into. */
export function sliTerms(plan: ObjectivePlan): { readonly good: readonly SignedTerm[]; readonly total: readonly SignedTerm[] } | undefined {
  if (plan.source.kind === 'embedded') return plan.source.sli;
  if (plan.source.kind === 'remote') return plan.source.terms;
  return undefined;
}
