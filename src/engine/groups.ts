import type { Labels, SignedTerm } from '../core/index.js';
import { groupId, groupLabelsOf, groupTermKey } from '../core/index.js';

/** One way a term is split: by these labels, into at most `limit` groups (the largest `maxGroups` of the SLOs reading it). */
export interface Grouping {
  readonly labels: readonly string[];
  readonly limit: number;
}

/** The key a grouping is known by, for one term: its labels in order. */
export function groupingKey(labels: readonly string[]): string {
  return labels.join(',');
}

interface TermGrouping {
  readonly labels: readonly string[];
  readonly limit: number;
  /** Group id -> its labels, in the order groups were first seen. */
  readonly admitted: Map<string, Labels>;
  /** Groups seen past the limit: counted, never given buckets of their own nor merged into another group. */
  readonly overflow: Set<string>;
}

/** Past this many distinct overflowing groups per term only the count matters; the set stops growing. */
const OVERFLOW_TRACKED = 100_000;

/**
 * Which groups each grouped term has, shared by ingest (which series' events also go to which group's buckets) and
 * evaluation (which groups an SLO has). A group is admitted when a series of it first reaches a term, while the term
 * has fewer than `limit` groups; afterwards its events go to `<term> @ <group id>` besides the term itself, so the
 * term stays the aggregate over every series, overflowing groups included.
 */
export class GroupRegistry {
  private readonly byTerm = new Map<string, TermGrouping[]>();
  /** Bumped whenever a group is admitted or forgotten: readers caching targets or resolved terms re-read then. */
  version = 0;

  constructor(
    groupings: ReadonlyMap<string, readonly Grouping[]>,
    /** Called once per new group term key, before any event lands in it (the engine makes its in-memory series). */
    private readonly onAdmit: (key: string, term: string) => void,
  ) {
    for (const [term, list] of groupings) this.byTerm.set(term, list.map((grouping) => ({ labels: grouping.labels, limit: grouping.limit, admitted: new Map(), overflow: new Set() })));
  }

  /** Whether any SLO splits this term. */
  grouped(term: string): boolean {
    return this.byTerm.has(term);
  }

  /** The group term keys a series with `labels` adds its events of `term` to (one per grouping); admits new groups. */
  targets(term: string, labels: Labels): string[] {
    const groupings = this.byTerm.get(term);
    if (!groupings) return [];
    const out: string[] = [];
    for (const grouping of groupings) {
      const group = groupLabelsOf(labels, grouping.labels);
      const id = groupId(group, grouping.labels);
      if (!grouping.admitted.has(id)) {
        if (grouping.admitted.size >= grouping.limit) {
          if (grouping.overflow.size < OVERFLOW_TRACKED) grouping.overflow.add(id);
          continue;
        }
        grouping.admitted.set(id, group);
        grouping.overflow.delete(id);
        this.version++;
        this.onAdmit(groupTermKey(term, id), term);
      }
      out.push(groupTermKey(term, id));
    }
    return out;
  }

  /** The groups of `term` under the grouping by `labels`, in the order first seen. */
  groups(term: string, labels: readonly string[]): ReadonlyMap<string, Labels> {
    return this.find(term, labels)?.admitted ?? EMPTY;
  }

  /** How many distinct groups of `term` were seen past the limit. */
  overflow(term: string, labels: readonly string[]): number {
    return this.find(term, labels)?.overflow.size ?? 0;
  }

  /** Whether some grouping of `term` tracks the group `id`. */
  admits(term: string, id: string): boolean {
    return this.byTerm.get(term)?.some((grouping) => grouping.admitted.has(id)) ?? false;
  }

  /** Lets a group go (it has been silent for a whole period): its slot is free for another. */
  forget(term: string, labels: readonly string[], id: string): void {
    const grouping = this.find(term, labels);
    if (grouping?.admitted.delete(id)) this.version++;
  }

  private find(term: string, labels: readonly string[]): TermGrouping | undefined {
    const key = groupingKey(labels);
    return this.byTerm.get(term)?.find((grouping) => groupingKey(grouping.labels) === key);
  }
}

const EMPTY: ReadonlyMap<string, Labels> = new Map();

/** An SLI's terms as one group reads them: each term's group buckets instead of the whole term. */
export function groupSliTerms(sli: { readonly good: readonly SignedTerm[]; readonly total: readonly SignedTerm[] }, id: string): { good: SignedTerm[]; total: SignedTerm[] } {
  const cache = new Map<string, SignedTerm['term']>();
  const of = (signed: SignedTerm): SignedTerm => {
    let term = cache.get(signed.term.key);
    if (!term) cache.set(signed.term.key, (term = { ...signed.term, key: groupTermKey(signed.term.key, id) }));
    return { term, sign: signed.sign };
  };
  return { good: sli.good.map(of), total: sli.total.map(of) };
}
