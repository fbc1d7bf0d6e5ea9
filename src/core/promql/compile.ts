import type { Objective, Sli } from '../model.js';
import { BUCKET_LABEL, formatBound } from './labels.js';
import { analyseQuery, checkCounterReads, describeShape } from './query.js';
import type { AdditiveShape, CounterRead, RatioShape } from './query.js';
import { Refusal } from './refusal.js';
import { boundSides, sliInstance } from './compile-template.js';
import type { TemplateSides } from './compile-template.js';
import { counterTerm, gaugeTerm, hasBucketMatcher, withMatcher } from './selector.js';
import type { CompileResult, CompiledSli, SignedTerm, SliQueryRole } from './types.js';

/**
 * An SLI as the terms the embedded engine keeps: good and total events, each Σ sign·increase(term).
 * Pass the objective's own indicator when it has one (`objective.sli ?? slo.sli`); threshold SLIs read the
 * objective's `op` and `value`. SLIs made from one template share one compile (compile-template.ts).
 */
export function compileSli(sli: Sli, objective?: Objective): CompileResult {
  const instance = sliInstance(sli, objective);
  const bound = instance ? boundSides(sli, instance, (sentinels) => templateSides(sentinels, objective)) : undefined;
  return bound ? finish(bound) : compileSliAlone(sli, objective);
}

/** `compileSli` without sharing a template's compile (the oracle the sharing is tested against). */
export function compileSliAlone(sli: Sli, objective?: Objective): CompileResult {
  const compiler = new SliCompiler();
  try {
    const sides = compiler.compile(sli, objective);
    const consistent = checkCounterReads(compiler.reads.map((entry) => entry.read));
    if (!consistent.ok) {
      const first = compiler.reads[0]?.read.how;
      const role = compiler.reads.find((entry) => entry.read.how !== first)?.role;
      return role ? { ...consistent, reason: `${QUERY_NAMES[role]}: ${consistent.reason}`, query: role } : consistent;
    }
    return finish(sides);
  } catch (error) {
    if (error instanceof QueryRefusal) return { ok: false, reason: error.message, from: error.from, to: error.to, query: error.role };
    throw error;
  }
}

/** A template's sides, compiled from its sentinel SLI; undefined when it is refused (each SLO is then compiled alone). */
function templateSides(sli: Sli, objective: Objective | undefined): TemplateSides | undefined {
  const compiler = new SliCompiler();
  try {
    const sides = compiler.compile(sli, objective);
    return checkCounterReads(compiler.reads.map((entry) => entry.read)).ok ? sides : undefined;
  } catch (error) {
    if (error instanceof QueryRefusal) return undefined;
    throw error;
  }
}

/** Terms merged, and refused when a side cancels out: whether they do depends on the values, so it runs per SLO. */
function finish(sides: Sides): CompileResult {
  const good = mergeTerms(sides.good);
  const total = mergeTerms(sides.total);
  if (!total.some((term) => term.sign === 1)) return { ok: false, reason: 'the total events of this SLI cancel out or are negative', query: sides.totalRole };
  if (!good.some((term) => term.sign === 1)) return { ok: false, reason: 'the good events of this SLI cancel out or are negative', query: sides.goodRole };
  return { ok: true, sli: { good, total } satisfies CompiledSli };
}

/** How problems name the query they are in. */
const QUERY_NAMES: Readonly<Record<SliQueryRole, string>> = {
  good: 'good query',
  bad: 'bad query',
  total: 'total query',
  histogram: 'histogram query',
  metric: 'metric query',
  query: 'ratio query',
};

class QueryRefusal extends Refusal {
  constructor(
    reason: string,
    readonly role: SliQueryRole,
    at: { from?: number | undefined; to?: number | undefined },
  ) {
    super(`${QUERY_NAMES[role]}: ${reason}`, at.from === undefined || at.to === undefined ? undefined : { from: at.from, to: at.to }, { verbatim: true });
  }
}

type Sides = TemplateSides;

class SliCompiler {
  readonly reads: { read: CounterRead; role: SliQueryRole }[] = [];

  compile(sli: Sli, objective: Objective | undefined): Sides {
    switch (sli.kind) {
      case 'ratio': {
        const total = this.additive(sli.total.promql, 'total').terms;
        if (sli.good && sli.bad) throw new QueryRefusal('a ratio SLI has either good or bad events, not both', 'bad', {});
        if (sli.good) return { good: this.additive(sli.good.promql, 'good').terms, total, goodRole: 'good', totalRole: 'total' };
        if (sli.bad) return { good: [...total, ...negate(this.additive(sli.bad.promql, 'bad').terms)], total, goodRole: 'bad', totalRole: 'total' };
        throw new QueryRefusal('a ratio SLI needs good or bad events', 'good', {});
      }
      case 'latency':
        return this.latency(sli.histogram.promql, sli.threshold);
      case 'threshold':
        return this.threshold(sli.metric.promql, objective);
      case 'rawRatio':
        return this.rawRatio(sli.query.promql, sli.meaning);
    }
  }

  private analyse(promql: string, role: SliQueryRole): AdditiveShape | RatioShape {
    const analysis = analyseQuery(promql);
    if (!analysis.ok) throw new QueryRefusal(analysis.reason, role, analysis);
    for (const read of analysis.reads) this.reads.push({ read, role });
    if (analysis.shape.kind === 'number') throw new QueryRefusal(`${describeShape(analysis.shape)} is not a count of events`, role, analysis.shape);
    return analysis.shape;
  }

  private additive(promql: string, role: SliQueryRole): AdditiveShape {
    const shape = this.analyse(promql, role);
    if (shape.kind !== 'additive') {
      throw new QueryRefusal(`${describeShape(shape)} where a count of events was expected (a query that is itself a ratio belongs in a raw ratio SLI)`, role, shape);
    }
    return shape;
  }

  /**
   * A histogram: good events are the bucket at the threshold, total events the `+Inf` bucket. A classic histogram's
   * `x_bucket` or a native histogram's `x` (read at any threshold, interpolated within its bucket).
   */
  private latency(promql: string, threshold: number): Sides {
    const shape = this.additive(promql, 'histogram');
    const selector = shape.selector;
    if (!selector || shape.terms.length !== 1 || shape.terms[0]?.sign !== 1) {
      throw new QueryRefusal('a latency SLI needs one histogram selector, e.g. http_request_duration_seconds_bucket{job="api"}', 'histogram', shape);
    }
    if (hasBucketMatcher(selector)) {
      throw new QueryRefusal(`a latency SLI picks the bucket from its threshold, so its selector must not match "${BUCKET_LABEL}"`, 'histogram', shape);
    }
    if (!Number.isFinite(threshold)) throw new QueryRefusal(`the threshold ${threshold} is not a finite bucket bound`, 'histogram', {});
    const part = /_(count|sum|total)$/.exec(selector.metric);
    if (part) {
      const base = selector.metric.slice(0, -part[0].length);
      throw new QueryRefusal(`"${selector.metric}" is not a histogram (expected the classic ${base}_bucket or the native histogram ${base})`, 'histogram', shape);
    }
    // A selector without `_bucket` names a native histogram, which ingest exposes as `_bucket` series at the
    // thresholds SLIs read (interpolated): the same terms as a classic histogram's.
    const buckets = selector.metric.endsWith('_bucket') ? selector : { ...selector, metric: `${selector.metric}_bucket` };
    const bucket = (bound: number): SignedTerm => ({ term: counterTerm(withMatcher(buckets, { name: BUCKET_LABEL, op: '=', value: formatBound(bound) })), sign: 1 });
    return { good: [bucket(threshold)], total: [bucket(Infinity)], goodRole: 'histogram', totalRole: 'histogram' };
  }

  /** A gauge compared with the objective: each sample is an event, good when `value op threshold` holds. */
  private threshold(promql: string, objective: Objective | undefined): Sides {
    if (objective?.op === undefined || objective.value === undefined) {
      throw new QueryRefusal("a threshold SLI needs the objective's op and value", 'metric', {});
    }
    const shape = this.additive(promql, 'metric');
    if (!shape.selector || shape.aggregated || shape.terms.length !== 1 || shape.terms[0]?.sign !== 1 || this.reads.some((entry) => entry.role === 'metric' && entry.read.how !== 'a bare counter')) {
      throw new QueryRefusal('a threshold SLI is evaluated per sample of a plain gauge selector, e.g. queue_depth{job="worker"}; anything else', 'metric', shape);
    }
    // Gauge samples are counted, not increased: they take no part in the counter-consistency check.
    this.reads.splice(0, this.reads.length);
    const { selector } = shape;
    return {
      good: [{ term: gaugeTerm(selector, { mode: 'threshold', op: objective.op, threshold: objective.value }), sign: 1 }],
      total: [{ term: gaugeTerm(selector, { mode: 'count' }), sign: 1 }],
      goodRole: 'metric',
      totalRole: 'metric',
    };
  }

  /**
   * A query that is already a ratio (Sloth's raw `errorRatioQuery`, OpenSLO's raw ratioMetric): `A / B` or
   * `1 - A / B`. B is always the total; A is good or bad as the meaning and the `1 -` say. Bad events become
   * good = total - bad.
   */
  private rawRatio(promql: string, meaning: 'good' | 'bad'): Sides {
    const shape = this.analyse(promql, 'query');
    if (shape.kind !== 'ratio') throw new QueryRefusal(`${describeShape(shape)} where a ratio of two sums was expected`, 'query', shape);
    const numeratorIsBad = (meaning === 'bad') !== shape.complemented;
    const total = shape.denominator;
    const good = numeratorIsBad ? [...total, ...negate(shape.numerator)] : shape.numerator;
    return { good, total, goodRole: 'query', totalRole: 'query' };
  }
}

function negate(terms: readonly SignedTerm[]): SignedTerm[] {
  return terms.map(({ term, sign }) => ({ term, sign: sign === 1 ? -1 : 1 }));
}

/** Terms that cancel (`total - (total - bucket)`) are dropped; the rest keep their first order, once per unit. */
export function mergeTerms(terms: readonly SignedTerm[]): SignedTerm[] {
  // Nothing to merge when every key is distinct (most SLIs): the terms as they are, without new objects to keep.
  if (distinctKeys(terms)) return [...terms];
  const coefficients = new Map<string, { term: SignedTerm['term']; coefficient: number }>();
  for (const { term, sign } of terms) {
    const entry = coefficients.get(term.key) ?? { term, coefficient: 0 };
    entry.coefficient += sign;
    coefficients.set(term.key, entry);
  }
  const merged: SignedTerm[] = [];
  for (const { term, coefficient } of coefficients.values()) {
    const sign = coefficient > 0 ? 1 : -1;
    for (let count = 0; count < Math.abs(coefficient); count++) merged.push({ term, sign });
  }
  return merged;
}

function distinctKeys(terms: readonly SignedTerm[]): boolean {
  for (let index = 1; index < terms.length; index++) {
    const key = terms[index]!.term.key;
    for (let before = 0; before < index; before++) if (terms[before]!.term.key === key) return false;
  }
  return true;
}
