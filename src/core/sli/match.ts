import { BUCKET_LABEL, matcherAccepts } from '../promql/labels.js';
import type { Term } from '../promql/types.js';

type LabelSet = Readonly<Record<string, string>>;

/** Whether a series (its labels, `__name__` included) is one of a term's series. A missing label reads as "". */
export function termMatches(term: Term, labels: LabelSet): boolean {
  if (labels.__name__ !== term.metric) return false;
  return term.matchers.every((matcher) => matcherAccepts(matcher, labels[matcher.name] ?? ''));
}

/** Below this many terms per metric, trying each term is as fast as any index. */
const SMALL_GROUP = 8;

/**
 * The terms of one metric. When many SLOs share a metric name (`http_requests_total` told apart by `job` or
 * `service`), the terms are also indexed by the value of the label most of them match with `=`, so a series is only
 * tried against the terms of its own value (plus those that do not pin that label).
 */
class MetricTerms {
  private readonly label: string | undefined;
  private readonly byValue = new Map<string, Term[]>();
  private readonly rest: Term[] = [];

  constructor(private readonly terms: readonly Term[]) {
    this.label = terms.length > SMALL_GROUP ? pinnedLabel(terms) : undefined;
    if (this.label === undefined) return;
    for (const term of terms) {
      const pin = term.matchers.find((matcher) => matcher.name === this.label && matcher.op === '=');
      if (!pin) {
        this.rest.push(term);
        continue;
      }
      const list = this.byValue.get(pin.value);
      if (list) list.push(term);
      else this.byValue.set(pin.value, [term]);
    }
  }

  match(labels: LabelSet): readonly Term[] {
    if (this.label === undefined) return this.terms.filter((term) => termMatches(term, labels));
    const pinned = this.byValue.get(labels[this.label] ?? '') ?? [];
    const matched: Term[] = [];
    for (const term of pinned) if (termMatches(term, labels)) matched.push(term);
    for (const term of this.rest) if (termMatches(term, labels)) matched.push(term);
    return matched;
  }
}

/** The label (other than `le`, which compares as a number) that the most terms match with `=`, if at least half do. */
function pinnedLabel(terms: readonly Term[]): string | undefined {
  const counts = new Map<string, number>();
  // Each name once per term, found by looking back over its few matchers: no set or array per term, which at
  // 100,000 SLOs of one metric was 400,000 short-lived objects at every start (issue 21).
  for (const term of terms) {
    const matchers = term.matchers;
    for (let index = 0; index < matchers.length; index++) {
      const { name, op } = matchers[index]!;
      if (op !== '=' || name === BUCKET_LABEL || pinsEarlier(matchers, index, name)) continue;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [name, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (count > bestCount) [best, bestCount] = [name, count];
  }
  return bestCount * 2 >= terms.length ? best : undefined;
}

/** Whether a matcher before `index` already matches `name` with `=`. */
function pinsEarlier(matchers: Term['matchers'], index: number, name: string): boolean {
  for (let earlier = 0; earlier < index; earlier++) if (matchers[earlier]!.op === '=' && matchers[earlier]!.name === name) return true;
  return false;
}

/**
 * Which terms want a series. Terms are grouped by metric name, so a series no SLI reads costs one map lookup, and
 * only the terms of its metric (of its `job`, when many share the metric) run their matchers.
 */
export class MatcherIndex {
  private readonly byMetric = new Map<string, MetricTerms>();

  constructor(terms: readonly Term[]) {
    const grouped = new Map<string, Term[]>();
    const seen = new Set<string>();
    for (const term of terms) {
      if (seen.has(term.key)) continue;
      seen.add(term.key);
      const list = grouped.get(term.metric);
      if (list) list.push(term);
      else grouped.set(term.metric, [term]);
    }
    for (const [metric, list] of grouped) this.byMetric.set(metric, new MetricTerms(list));
  }

  wantsMetric(name: string): boolean {
    return this.byMetric.has(name);
  }

  /** The distinct terms (by key) that read this series; empty when none does. */
  match(labels: LabelSet): readonly Term[] {
    const name = labels.__name__;
    const group = name === undefined ? undefined : this.byMetric.get(name);
    return group ? group.match(labels) : NONE;
  }
}

const NONE: readonly Term[] = Object.freeze([]);
