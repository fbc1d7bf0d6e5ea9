import { parseTree, syntaxOf } from './parse.js';
import { plainTop } from './plain-tree.js';
import type { PlainNode } from './plain-tree.js';
import { Refusal } from './refusal.js';
import { OPERATORS, expressionChildren } from './tree.js';
import { BUCKET_LABEL, formatBound, parseBound } from './labels.js';
import { counterTerm, hasBucketMatcher, readSelector, withMatcher } from './selector.js';
import type { Selector } from './selector.js';
import type { QueryResult, SignedTerm } from './types.js';

/**
 * How the counters of a query are read: `rate(x[W])`, `increase(x[W])` or the bare counter (`x`, `sum(x)`).
 * The engine computes increases over its own windows, so W itself does not matter; but a ratio of `rate` over
 * `increase`, or of two different windows, would not be a ratio of events, so an SLI must read all its counters alike.
 */
export interface CounterRead {
  readonly how: string;
  readonly from: number;
  readonly to: number;
}

/** Events as a sum of signed counter terms. `aggregated`: summed over series (`sum(...)`), not a per-series vector. */
export interface AdditiveShape {
  readonly kind: 'additive';
  readonly terms: readonly SignedTerm[];
  readonly aggregated: boolean;
  /** The one selector when the query is a single unsigned selector (for latency SLIs, which add `le`). */
  readonly selector?: Selector;
  readonly from: number;
  readonly to: number;
}

/** `numerator / denominator`, or `1 - numerator / denominator` when complemented. */
export interface RatioShape {
  readonly kind: 'ratio';
  readonly numerator: readonly SignedTerm[];
  readonly denominator: readonly SignedTerm[];
  readonly complemented: boolean;
  readonly from: number;
  readonly to: number;
}

export interface NumberShape {
  readonly kind: 'number';
  readonly value: number;
  readonly from: number;
  readonly to: number;
}

export type Shape = AdditiveShape | RatioShape | NumberShape;

export type Analysis =
  | { readonly ok: true; readonly shape: Shape; readonly reads: readonly CounterRead[] }
  | { readonly ok: false; readonly reason: string; readonly from?: number; readonly to?: number };

/** Modifiers and expressions the engine refuses, by node name, with the words a user knows them by. */
const UNSUPPORTED_NODES: Readonly<Record<string, string>> = {
  OffsetExpr: 'an offset modifier',
  StepInvariantExpr: 'an @ modifier',
  SubqueryExpr: 'a subquery',
  AnchoredExpr: 'an anchored modifier',
  SmoothedExpr: 'a smoothed modifier',
  StringLiteral: 'a string',
  MatrixSelector: 'a range selector outside rate() or increase()',
};

/** Parses a query and reduces it to a shape the engine can keep from raw samples, or says which part it cannot. */
export function analyseQuery(promql: string): Analysis {
  const tree = parseTree(promql);
  const syntax = syntaxOf(promql, tree);
  if (!syntax.ok) return { ok: false, reason: syntax.message, from: syntax.from, to: syntax.to };
  const walker = new Walker(promql);
  try {
    const root = plainTop(tree);
    const expression = expressionChildren(root)[0];
    if (!expression) return { ok: false, reason: 'the query is empty', from: 0, to: promql.length };
    return { ok: true, shape: walker.walk(expression), reads: walker.reads };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message, from: error.from, to: error.to };
    throw error;
  }
}

/**
 * One side of an SLI (good, bad or total events): a sum of counter terms. Ratios are refused here; `compileSli`
 * accepts them where the SLI kind says what they mean.
 */
export function compileQuery(promql: string): QueryResult {
  const analysis = analyseQuery(promql);
  if (!analysis.ok) return analysis;
  const consistent = checkCounterReads(analysis.reads);
  if (!consistent.ok) return consistent;
  const { shape } = analysis;
  if (shape.kind !== 'additive') {
    return { ok: false, reason: `${describeShape(shape)} is not a count of events (expected a sum of counters)`, from: shape.from, to: shape.to };
  }
  return { ok: true, terms: [...shape.terms] };
}

/** All counters of an SLI must be read alike (see CounterRead); the first that differs is reported. */
export function checkCounterReads(reads: readonly CounterRead[]): { ok: true } | { ok: false; reason: string; from: number; to: number } {
  const first = reads[0];
  const different = reads.find((read) => read.how !== first?.how);
  if (!first || !different) return { ok: true };
  return {
    ok: false,
    reason: `${different.how} and ${first.how} count events differently; use one function and one window throughout the SLI`,
    from: different.from,
    to: different.to,
  };
}

export function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case 'number':
      return `the number ${shape.value}`;
    case 'ratio':
      return shape.complemented ? 'one minus a ratio' : 'a ratio';
    case 'additive':
      return shape.aggregated ? 'a sum of counters' : 'a per-series vector';
  }
}

function negate(terms: readonly SignedTerm[]): SignedTerm[] {
  return terms.map(({ term, sign }) => ({ term, sign: sign === 1 ? -1 : 1 }));
}

class Walker {
  readonly reads: CounterRead[] = [];

  constructor(private readonly text: string) {}

  walk(node: PlainNode): Shape {
    switch (node.name) {
      case 'ParenExpr':
        return this.walk(this.only(node));
      case 'NumberDurationLiteral':
        return this.number(node);
      case 'VectorSelector':
        return this.bareCounter(node);
      case 'FunctionCall':
        return this.functionCall(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'UnaryExpr':
        return this.unary(node);
      default:
        throw new Refusal(UNSUPPORTED_NODES[node.name] ?? `"${this.slice(node)}"`, node);
    }
  }

  private slice(node: { from: number; to: number }): string {
    return this.text.slice(node.from, node.to);
  }

  private only(node: PlainNode): PlainNode {
    const [inner, extra] = expressionChildren(node);
    if (!inner || extra) throw new Refusal(`"${this.slice(node)}"`, node);
    return inner;
  }

  private number(node: PlainNode): NumberShape {
    const text = this.slice(node);
    const value = /^[+-]?inf$/i.test(text.trim()) ? parseBound(text)! : Number(text);
    if (Number.isNaN(value)) throw new Refusal(`the duration "${this.slice(node)}" used as a number`, node);
    return { kind: 'number', value, from: node.from, to: node.to };
  }

  /** A bare selector is a counter read as its increase (OpenSLO `counter: true`, Pyrra's style). */
  private bareCounter(node: PlainNode): AdditiveShape {
    const selector = readSelector(node, this.text);
    this.reads.push({ how: 'a bare counter', from: node.from, to: node.to });
    return { kind: 'additive', terms: [{ term: counterTerm(selector), sign: 1 }], aggregated: false, selector, from: node.from, to: node.to };
  }

  private functionCall(node: PlainNode): AdditiveShape | RatioShape {
    const identifier = node.getChild('FunctionIdentifier');
    const name = identifier ? this.slice(identifier) : '';
    const args = expressionChildren(node.getChild('FunctionCallBody') ?? node).filter((child) => child !== identifier);
    if (name === 'histogram_fraction') return this.histogramFraction(node, args);
    if (name !== 'rate' && name !== 'increase') throw new Refusal(`the function ${name}()`, node);
    const [range, extra] = args;
    if (!range || extra) throw new Refusal(`${name}() with ${args.length} arguments`, node);
    if (range.name !== 'MatrixSelector') {
      if (UNSUPPORTED_NODES[range.name] && range.name !== 'MatrixSelector') throw new Refusal(UNSUPPORTED_NODES[range.name]!, range);
      throw new Refusal(`${name}() of "${this.slice(range)}" (expected a range selector such as x[5m])`, range);
    }
    const vector = range.getChild('VectorSelector');
    if (!vector) throw new Refusal(`${name}() of "${this.slice(range)}"`, range);
    const selector = readSelector(vector, this.text);
    // The text between the selector and the closing bracket, as written (`{{.window}}`, `$__window` or `5m`).
    const window = this.text.slice(vector.to, range.to).replace(/^\s*\[\s*|\s*\]\s*$/g, '');
    this.reads.push({ how: `${name}(…[${window}])`, from: node.from, to: node.to });
    return { kind: 'additive', terms: [{ term: counterTerm(selector), sign: 1 }], aggregated: false, selector, from: node.from, to: node.to };
  }

  /**
   * `histogram_fraction(lower, upper, sum(rate(x[W])))` of a native histogram `x`: the share of observations in
   * (lower, upper]. Ingest exposes a native histogram as `x_bucket` series at every bound an SLI reads, each the
   * count at or below it interpolated within its bucket as Prometheus does (src/ingest/native-histogram.ts), so the
   * fraction is (bucket(upper) - bucket(lower)) / bucket(+Inf) over the window, a ratio of events.
   */
  private histogramFraction(node: PlainNode, args: readonly PlainNode[]): RatioShape {
    const [lowerNode, upperNode, histogramNode, extra] = args;
    if (!lowerNode || !upperNode || !histogramNode || extra) throw new Refusal(`histogram_fraction() with ${args.length} arguments (expected lower, upper and a histogram)`, node);
    const lower = this.walk(lowerNode);
    const upper = this.walk(upperNode);
    if (lower.kind !== 'number' || upper.kind !== 'number') throw new Refusal('histogram_fraction() bounds that are not numbers', lower.kind !== 'number' ? lower : upper);
    if (!(lower.value < upper.value)) throw new Refusal(`histogram_fraction(${lower.value}, ${upper.value}, …): the lower bound must be below the upper one`, node);
    const histogram = this.walk(histogramNode);
    const selector = histogram.kind === 'additive' && histogram.terms.length === 1 && histogram.terms[0]?.sign === 1 ? histogram.selector : undefined;
    if (histogram.kind !== 'additive' || !selector) throw new Refusal('histogram_fraction() of anything but one native histogram selector, e.g. sum(rate(http_request_duration_seconds[5m]))', histogramNode);
    if (!histogram.aggregated) throw new Refusal(`histogram_fraction() of a per-series vector (wrap "${this.slice(histogramNode)}" in sum())`, histogramNode);
    if (selector.metric.endsWith('_bucket') || hasBucketMatcher(selector)) {
      throw new Refusal(`histogram_fraction() reads a native histogram by its own name ("${selector.metric.replace(/_bucket$/, '')}"), not its classic "${BUCKET_LABEL}" buckets`, histogramNode);
    }
    const bucket = (bound: number): SignedTerm['term'] => counterTerm(withMatcher({ metric: `${selector.metric}_bucket`, matchers: selector.matchers }, { name: BUCKET_LABEL, op: '=', value: formatBound(bound) }));
    const numerator: SignedTerm[] = [{ term: bucket(upper.value), sign: 1 }];
    if (lower.value !== -Infinity) numerator.push({ term: bucket(lower.value), sign: -1 });
    return { kind: 'ratio', numerator, denominator: [{ term: bucket(Infinity), sign: 1 }], complemented: false, from: node.from, to: node.to };
  }

  /**
   * `sum(...)`, with or without `by`/`without`: the engine always sums over every series, because an SLO's events are
   * one number. Grouping would only split that number by label, which the SLI's ratio does not use.
   */
  private aggregate(node: PlainNode): AdditiveShape {
    const op = node.getChild('AggregateOp');
    if (!op || op.firstChild?.name !== 'Sum') {
      throw new Refusal(`the aggregation ${op ? this.slice(op) : this.slice(node)}()`, node);
    }
    const body = node.getChild('FunctionCallBody');
    const args = body ? expressionChildren(body) : [];
    const [argument, extra] = args;
    if (!argument || extra) throw new Refusal(`sum() with ${args.length} arguments`, node);
    const inner = this.walk(argument);
    if (inner.kind !== 'additive') throw new Refusal(`sum() of ${describeShape(inner)}`, node);
    return { kind: 'additive', terms: inner.terms, aggregated: true, selector: inner.selector, from: node.from, to: node.to };
  }

  private unary(node: PlainNode): Shape {
    const operator = node.getChild('UnaryOp');
    const inner = this.walk(this.only(node));
    if (!operator || this.slice(operator) === '+') return inner;
    switch (inner.kind) {
      case 'number':
        return { ...inner, value: -inner.value, from: node.from };
      case 'additive':
        return { kind: 'additive', terms: negate(inner.terms), aggregated: inner.aggregated, from: node.from, to: node.to };
      case 'ratio':
        throw new Refusal('a negated ratio', node);
    }
  }

  private binary(node: PlainNode): Shape {
    let operatorNode: PlainNode | undefined;
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (OPERATORS[child.name] !== undefined && !operatorNode) operatorNode = child;
      if (child.name === 'BoolModifier' || child.name === 'FillModifier') throw new Refusal(`the ${this.slice(child)} modifier`, child);
    }
    const [leftNode, rightNode] = expressionChildren(node);
    if (!operatorNode || !leftNode || !rightNode) throw new Refusal(`"${this.slice(node)}"`, node);
    const operator = OPERATORS[operatorNode.name]!;
    if (operator !== '+' && operator !== '-' && operator !== '/') throw new Refusal(`the "${operator}" operator`, operatorNode);
    const left = this.walk(leftNode);
    const right = this.walk(rightNode);
    const range = { from: node.from, to: node.to };

    if (operator === '-' && left.kind === 'number' && right.kind === 'ratio' && !right.complemented) {
      if (left.value !== 1) throw new Refusal(`${left.value} minus a ratio (only 1 - ratio is an SLI)`, range);
      return { ...right, complemented: true, ...range };
    }
    if (left.kind !== 'additive' || right.kind !== 'additive') {
      throw new Refusal(`"${operator}" between ${describeShape(left)} and ${describeShape(right)}`, operatorNode);
    }
    // Without sum(), `a + b` or `a / b` would match series label by label, which is not a sum or ratio of events.
    for (const side of [left, right]) {
      if (!side.aggregated) throw new Refusal(`"${operator}" on a per-series vector (wrap "${this.slice(side)}" in sum())`, side);
    }
    if (operator === '/') return { kind: 'ratio', numerator: left.terms, denominator: right.terms, complemented: false, ...range };
    const rightTerms = operator === '-' ? negate(right.terms) : right.terms;
    return { kind: 'additive', terms: [...left.terms, ...rightTerms], aggregated: true, ...range };
  }
}
