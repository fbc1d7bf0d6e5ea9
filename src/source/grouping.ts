import type { LabelMatcher, RangePoint, SummedSelector } from '../core/index.js';
import { escapeRegex, formatMatcher, formatSummedSelector, readSummedSelector } from '../core/index.js';
import type { RangeSeries } from './client.js';

/**
 * One query asked of a source for several pulled queries at once: `sum by (L) (FN(METRIC{..., L=~"v1|v2|..."}[R]))`,
 * whose series for `L="v"` is exactly what the member query `sum(FN(METRIC{..., L="v"}[R]))` answers.
 */
export interface QueryGroup {
  readonly promql: string;
  /** The label whose value selects a member (the query's `by`). */
  readonly label: string;
  /** For each value of the label, the indexes (into the queries given) it answers. */
  readonly members: ReadonlyMap<string, readonly number[]>;
}

/** How a list of queries is asked: some in groups, the rest (`alone`, by index) each as written. */
export interface QueryBatches {
  readonly groups: readonly QueryGroup[];
  readonly alone: readonly number[];
}

interface Parsed {
  readonly index: number;
  readonly summed: SummedSelector;
  /** Labels with exactly one `=` matcher on a non-empty value: the labels that may select a member. */
  readonly selecting: ReadonlyMap<string, string>;
  /** Every other matcher, as written. */
  readonly fixed: readonly LabelMatcher[];
}

/**
 * Groups queries that differ only in the values of label equality matchers, so N SLOs over one metric cost the
 * source about one query per shape instead of N. The rule, each part needed for the answers to be exactly the
 * per-query ones:
 * - every member is `sum(FN(SELECTOR[R]))` (optionally `or vector(0)`) with FN a per-series function (`increase`,
 *   `count_over_time`): each series' value depends on that series alone, and a sum over a subset of the series is the
 *   sum of the same values, added in the same (label-sorted) order;
 * - members share the metric, FN, R and every matcher except the `=` matchers on the selecting labels, which have the
 *   same names in every member; of those labels one varies within a group (the one with the most distinct values;
 *   members are first split by the values of the others), so each answered series belongs to exactly one value;
 * - the varying label's values are joined into one anchored `=~` of escaped literals, which selects exactly the union
 *   of the members' series; the answer has at most one series per value, and a group holds at most `maxMembers`
 *   values, which bounds its cardinality and the query's length.
 * Anything else, and a shape only one query has, is asked as written.
 */
export function batchQueries(promqls: readonly string[], maxMembers: number): QueryBatches {
  const alone: number[] = [];
  const shapes = new Map<string, Parsed[]>();
  promqls.forEach((promql, index) => {
    const parsed = maxMembers > 1 ? parse(promql, index) : undefined;
    if (!parsed) {
      alone.push(index);
      return;
    }
    const key = JSON.stringify([parsed.summed.fn, parsed.summed.range, parsed.summed.selector.metric, parsed.fixed.map(formatMatcher), [...parsed.selecting.keys()].sort()]);
    const list = shapes.get(key) ?? [];
    list.push(parsed);
    shapes.set(key, list);
  });
  const groups: QueryGroup[] = [];
  for (const members of shapes.values()) {
    for (const batch of splitByVaryingLabel(members)) {
      if (batch.values.size < 2) alone.push(...[...batch.values.values()].flat());
      else groups.push(...chunked(batch, maxMembers));
    }
  }
  return { groups, alone: alone.sort((a, b) => a - b) };
}

/** Each member's points, read from a group's answer: the series whose label has the member's value (none: no points). */
export function splitGroupAnswer(group: QueryGroup, series: readonly RangeSeries[]): Map<number, RangePoint[]> {
  const answers = new Map<number, RangePoint[]>();
  for (const indexes of group.members.values()) for (const index of indexes) answers.set(index, []);
  for (const one of series) {
    const indexes = group.members.get(one.metric[group.label] ?? '');
    if (!indexes) continue;
    const points = one.points.filter((point) => Number.isFinite(point.value));
    for (const index of indexes) answers.set(index, points);
  }
  return answers;
}

function parse(promql: string, index: number): Parsed | undefined {
  const summed = readSummedSelector(promql);
  if (!summed) return undefined;
  const equalities = new Map<string, number>();
  for (const matcher of summed.selector.matchers) if (matcher.op === '=') equalities.set(matcher.name, (equalities.get(matcher.name) ?? 0) + 1);
  const selecting = new Map<string, string>();
  const fixed: LabelMatcher[] = [];
  for (const matcher of summed.selector.matchers) {
    // An empty value also selects series without the label, which `by` cannot tell apart from other empty ones.
    if (matcher.op === '=' && equalities.get(matcher.name) === 1 && matcher.value !== '') selecting.set(matcher.name, matcher.value);
    else fixed.push(matcher);
  }
  return { index, summed, selecting, fixed };
}

/** Members of one shape whose selecting labels agree except on `label`: for each of its values, the members' indexes. */
interface Batch {
  readonly template: Parsed;
  readonly label: string;
  /** Other selecting labels, the same for every member of the batch. */
  readonly constant: readonly LabelMatcher[];
  readonly values: Map<string, number[]>;
}

function splitByVaryingLabel(members: readonly Parsed[]): Batch[] {
  const template = members[0]!;
  const labels = [...template.selecting.keys()].sort();
  if (labels.length === 0) return members.map((member) => ({ template: member, label: '', constant: [], values: new Map([['', [member.index]]]) }));
  const distinct = (label: string) => new Set(members.map((member) => member.selecting.get(label)!)).size;
  // The label with the most values varies within a batch; the others' values split the members into batches.
  const varying = labels.reduce((best, label) => (distinct(label) > distinct(best) ? label : best), labels[0]!);
  const batches = new Map<string, Batch>();
  for (const member of members) {
    const constant = labels.filter((label) => label !== varying).map((label): LabelMatcher => ({ name: label, op: '=', value: member.selecting.get(label)! }));
    const key = JSON.stringify(constant.map(formatMatcher));
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { template: member, label: varying, constant, values: new Map() }));
    const value = member.selecting.get(varying)!;
    batch.values.set(value, [...(batch.values.get(value) ?? []), member.index]);
  }
  return [...batches.values()];
}

function chunked(batch: Batch, maxMembers: number): QueryGroup[] {
  const values = [...batch.values.keys()].sort();
  const groups: QueryGroup[] = [];
  for (let first = 0; first < values.length; first += maxMembers) {
    const slice = values.slice(first, first + maxMembers);
    const union: LabelMatcher = { name: batch.label, op: '=~', value: slice.map(escapeRegex).join('|') };
    const matchers = [...batch.template.fixed, ...batch.constant, union];
    const promql = formatSummedSelector({ ...batch.template.summed, selector: { metric: batch.template.summed.selector.metric, matchers } }, [batch.label]);
    groups.push({ promql, label: batch.label, members: new Map(slice.map((value) => [value, batch.values.get(value)!])) });
  }
  return groups;
}
