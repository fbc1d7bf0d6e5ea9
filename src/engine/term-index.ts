import type { Labels } from '../core/index.js';
import { termMatches } from '../core/sli/index.js';
import type { Term } from '../core/sli/index.js';

/**
 * Which terms read a series, fast when thousands of SLOs select the same metric by different label values
 * (`http_requests_total{job="svc-1"}` … `{job="svc-9999"}`): per metric, terms are bucketed by the value of the
 * equality matcher most of them share (usually `job` or `service`), so a series only runs the matchers of the few
 * terms that could match it. Matching itself is core's `termMatches`.
 */
export class TermIndex {
  private readonly byMetric = new Map<string, { label: string | undefined; byValue: Map<string, Term[]>; rest: Term[] }>();

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
    for (const [metric, list] of grouped) {
      const label = commonEqualityLabel(list);
      const byValue = new Map<string, Term[]>();
      const rest: Term[] = [];
      for (const term of list) {
        const value = label === undefined ? undefined : term.matchers.find((matcher) => matcher.name === label && matcher.op === '=')?.value;
        if (value === undefined) {
          rest.push(term);
          continue;
        }
        const bucket = byValue.get(value);
        if (bucket) bucket.push(term);
        else byValue.set(value, [term]);
      }
      this.byMetric.set(metric, { label, byValue, rest });
    }
  }

  wantsMetric(name: string): boolean {
    return this.byMetric.has(name);
  }

  match(labels: Labels): Term[] {
    const name = labels.__name__;
    const entry = name === undefined ? undefined : this.byMetric.get(name);
    if (!entry) return [];
    const out: Term[] = [];
    const candidates = entry.label === undefined ? undefined : entry.byValue.get(labels[entry.label] ?? '');
    if (candidates) for (const term of candidates) if (termMatches(term, labels)) out.push(term);
    for (const term of entry.rest) if (termMatches(term, labels)) out.push(term);
    return out;
  }
}

/** The label most of these terms match with `=`, when bucketing by it pays (at least 8 terms have it). */
function commonEqualityLabel(terms: readonly Term[]): string | undefined {
  const counts = new Map<string, number>();
  for (const term of terms) {
    for (const matcher of term.matchers) if (matcher.op === '=') counts.set(matcher.name, (counts.get(matcher.name) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 7;
  for (const [label, count] of counts) {
    if (count > bestCount) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}
