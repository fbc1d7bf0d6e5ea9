import type { SyntaxNode } from '@lezer/common';
import { SloeError } from '../errors.js';
import { aggregate, isAggregation } from './aggregate.js';
import { applyOperator, isComparison } from './arithmetic.js';
import { matcherAccepts } from './labels.js';
import { parsePromql, parseTree } from './parse.js';
import { Refusal } from './refusal.js';
import { readMatchers } from './selector.js';
import { withoutName } from './instant.js';
import type { InstantSeries, InstantValue } from './instant.js';
import { binaryOperator, expressionChildren } from './tree.js';
import type { LabelMatcher } from './types.js';

/** Parts of PromQL an instant query over a fixed set of series has no use for, by node name. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  MatrixSelector: 'range selectors are not supported: sloe answers instant queries over its slo:* series',
  SubqueryExpr: 'subqueries are not supported: sloe answers instant queries over its slo:* series',
  OffsetExpr: 'the offset modifier is not supported: sloe answers from its latest evaluation only',
  StepInvariantExpr: 'the @ modifier is not supported: sloe answers from its latest evaluation only',
  StringLiteral: 'a string is not a valid query result here',
};

/**
 * An instant query evaluated over a set of series (for `/api/v1/query`, the `slo:*` series of the latest
 * evaluation), with Prometheus's semantics for what it supports: selectors with every matcher kind; `sum`, `min`,
 * `max`, `avg`, `count` with `by`/`without`; arithmetic and comparisons (with or without `bool`) between a vector and
 * a scalar or two scalars; unary minus; parentheses; number literals. Anything else is a `bad_query` SloeError (400)
 * naming the part, never a silently wrong answer.
 */
export function evaluateInstant(promql: string, series: readonly InstantSeries[]): InstantValue {
  const syntax = parsePromql(promql);
  if (!syntax.ok) throw badQuery(syntax.message);
  const root = expressionChildren(parseTree(promql).topNode)[0];
  if (!root) throw badQuery('the query is empty');
  try {
    return new InstantEvaluator(promql, series).evaluate(root);
  } catch (error) {
    if (error instanceof Refusal) throw badQuery(error.message, error);
    throw error;
  }
}

function badQuery(message: string, cause?: unknown): SloeError {
  return new SloeError('bad_query', message, { status: 400, cause });
}

class InstantEvaluator {
  constructor(
    private readonly text: string,
    private readonly series: readonly InstantSeries[],
  ) {}

  evaluate(node: SyntaxNode): InstantValue {
    switch (node.name) {
      case 'ParenExpr':
        return this.evaluate(this.only(node));
      case 'NumberDurationLiteral':
        return { kind: 'scalar', value: this.number(node) };
      case 'VectorSelector':
        return { kind: 'vector', series: this.select(node) };
      case 'AggregateExpr':
        return this.aggregation(node);
      case 'UnaryExpr':
        return this.unary(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'FunctionCall': {
        const name = node.getChild('FunctionIdentifier');
        throw badQuery(`the function ${name ? this.slice(name) : this.slice(node)}() is not supported: sloe answers selectors, aggregations and arithmetic over its slo:* series`);
      }
      default:
        throw badQuery(UNSUPPORTED[node.name] ?? `"${this.slice(node)}" is not supported`);
    }
  }

  private slice(node: { from: number; to: number }): string {
    return this.text.slice(node.from, node.to);
  }

  private only(node: SyntaxNode): SyntaxNode {
    const [inner, extra] = expressionChildren(node);
    if (!inner || extra) throw badQuery(`"${this.slice(node)}" is not supported`);
    return inner;
  }

  /** Go's ParseFloat spellings (`NaN`, `Inf`, hex); a duration (`5m`) is not a number in Prometheus 2. */
  private number(node: SyntaxNode): number {
    const text = this.slice(node);
    const lower = text.toLowerCase();
    if (lower === 'nan') return Number.NaN;
    if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
    const value = Number(text);
    if (Number.isNaN(value)) throw badQuery(`"${text}" is not a number`);
    return value;
  }

  private select(node: SyntaxNode): InstantSeries[] {
    const matchers: LabelMatcher[] = readMatchers(node, this.text).map((entry) => entry.matcher);
    // Prometheus refuses a selector every series would match (`{a=""}`): it would read the whole database.
    if (matchers.every((matcher) => matcherAccepts(matcher, ''))) throw badQuery('vector selector must contain at least one non-empty matcher');
    return this.series.filter((candidate) => matchers.every((matcher) => matcherAccepts(matcher, candidate.labels[matcher.name] ?? '')));
  }

  private aggregation(node: SyntaxNode): InstantValue {
    const opNode = node.getChild('AggregateOp');
    const op = opNode ? this.slice(opNode) : '';
    if (!isAggregation(op)) throw badQuery(`the aggregation ${op}() is not supported (sum, min, max, avg and count are)`);
    const args = expressionChildren(node.getChild('FunctionCallBody') ?? node);
    const [argument, extra] = args;
    if (!argument || extra) throw badQuery(`${op}() takes one argument, got ${args.length}`);
    const inner = this.evaluate(argument);
    if (inner.kind !== 'vector') throw badQuery(`expected a vector in ${op}(), got a scalar`);
    const modifier = node.getChild('AggregateModifier');
    const labels = modifier?.getChild('GroupingLabels')?.getChildren('LabelName').map((label) => this.slice(label)) ?? [];
    const grouping = modifier?.getChild('Without') ? { mode: 'without' as const, labels } : modifier ? { mode: 'by' as const, labels } : undefined;
    return { kind: 'vector', series: aggregate(op, inner.series, grouping) };
  }

  private unary(node: SyntaxNode): InstantValue {
    const inner = this.evaluate(this.only(node));
    const operator = node.getChild('UnaryOp');
    if (!operator || this.slice(operator) === '+') return inner;
    if (inner.kind === 'scalar') return { kind: 'scalar', value: -inner.value };
    return { kind: 'vector', series: inner.series.map((one) => ({ labels: withoutName(one.labels), value: -one.value })) };
  }

  private binary(node: SyntaxNode): InstantValue {
    const found = binaryOperator(node);
    const [leftNode, rightNode] = expressionChildren(node);
    if (!found || !leftNode || !rightNode) throw badQuery(`"${this.slice(node)}" is not supported`);
    const { operator } = found;
    if (!['+', '-', '*', '/', '%', '^'].includes(operator) && !isComparison(operator)) {
      throw badQuery(`the "${operator}" operator is not supported: sloe's series are compared with numbers, not with each other`);
    }
    const bool = node.getChild('BoolModifier') !== null;
    if (bool && !isComparison(operator)) throw badQuery('bool modifier can only be used on comparison operators');
    const left = this.evaluate(leftNode);
    const right = this.evaluate(rightNode);
    if (left.kind === 'scalar' && right.kind === 'scalar') {
      if (isComparison(operator) && !bool) throw badQuery('comparisons between scalars must use BOOL modifier');
      return { kind: 'scalar', value: applyOperator(operator, left.value, right.value) };
    }
    if (left.kind === 'vector' && right.kind === 'vector') {
      throw badQuery('binary operations between two vectors are not supported; compare a vector with a number');
    }
    const vector = left.kind === 'vector' ? left.series : right.kind === 'vector' ? right.series : [];
    const scalar = left.kind === 'scalar' ? left.value : right.kind === 'scalar' ? right.value : Number.NaN;
    const out: InstantSeries[] = [];
    for (const one of vector) {
      const result = left.kind === 'vector' ? applyOperator(operator, one.value, scalar) : applyOperator(operator, scalar, one.value);
      if (isComparison(operator) && !bool) {
        // A filter keeps the vector's sample as it was, name and value, whichever side the vector is on.
        if (result === 1) out.push(one);
        continue;
      }
      out.push({ labels: withoutName(one.labels), value: result });
    }
    return { kind: 'vector', series: out };
  }
}
