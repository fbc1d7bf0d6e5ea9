import { matcherAccepts } from './labels.js';
import type { Term } from './types.js';

type LabelSet = Readonly<Record<string, string>>;

/** Whether a series (its labels, `__name__` included) is one of a term's series. A missing label reads as "". */
export function termMatches(term: Term, labels: LabelSet): boolean {
  if (labels.__name__ !== term.metric) return false;
  return term.matchers.every((matcher) => matcherAccepts(matcher, labels[matcher.name] ?? ''));
}

/**
 * Which terms want a series. Terms are grouped by metric name, so a series no SLI reads costs one map lookup,
 * and only the few terms of its metric run their matchers.
 */
export class MatcherIndex {
  private readonly byMetric = new Map<string, Term[]>();

  constructor(terms: readonly Term[]) {
    const seen = new Set<string>();
    for (const term of terms) {
      if (seen.has(term.key)) continue;
      seen.add(term.key);
      const list = this.byMetric.get(term.metric);
      if (list) list.push(term);
      else this.byMetric.set(term.metric, [term]);
    }
  }

  wantsMetric(name: string): boolean {
    return this.byMetric.has(name);
  }

  /** The distinct terms (by key) that read this series; empty when none does. */
  match(labels: LabelSet): readonly Term[] {
    const name = labels.__name__;
    const candidates = name === undefined ? undefined : this.byMetric.get(name);
    if (!candidates) return NONE;
    return candidates.filter((term) => termMatches(term, labels));
  }
}

const NONE: readonly Term[] = Object.freeze([]);
