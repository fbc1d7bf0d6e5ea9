import type { SyntaxNode } from '@lezer/common';
import { compareMatchers, formatMatcher, formatName } from './labels.js';
import { parsePromql, parseTree } from './parse.js';
import { Refusal } from './refusal.js';
import { METRIC_NAME_LABEL, readMatchers } from './selector.js';
import type { Selector } from './selector.js';
import { binaryOperator, expressionChildren } from './tree.js';

/** The per-series range functions whose results a `sum by (label)` can split per value without changing them. */
const PER_SERIES_FUNCTIONS = new Set(['increase', 'count_over_time']);

/**
 * A query of the shape `sum(FN(SELECTOR[RANGE]))`, optionally followed by `or vector(0)`: the events of one selector,
 * summed over its series. Each series' value depends on that series alone, so the same query restricted to a subset of
 * the series (`sum by (label)`, read per label value) gives the same numbers.
 */
export interface SummedSelector {
  readonly fn: 'increase' | 'count_over_time';
  readonly selector: Selector;
  /** The range as written, e.g. `1m`. */
  readonly range: string;
}

/**
 * Reads a query of the `SummedSelector` shape, or answers undefined for anything else (a modifier, an offset, a
 * grouping of its own, a subquery, another function). `or vector(0)` is dropped: a pulled minute without a value and a
 * minute of zero events are the same in the ledger (differences against absent points read them as 0).
 */
export function readSummedSelector(promql: string): SummedSelector | undefined {
  if (!parsePromql(promql).ok) return undefined;
  try {
    const [expression, extra] = expressionChildren(parseTree(promql).topNode);
    if (!expression || extra) return undefined;
    return readOrZero(expression, promql);
  } catch (error) {
    if (error instanceof Refusal) return undefined;
    throw error;
  }
}

/** The query `sum by (LABELS) (FN(SELECTOR[RANGE]))`; with no labels, `sum(FN(SELECTOR[RANGE]))`. */
export function formatSummedSelector(summed: SummedSelector, by: readonly string[] = []): string {
  const name = formatName(summed.selector.metric);
  const matchers = summed.selector.matchers.map(formatMatcher);
  const selector = name.startsWith('"') ? `{${[name, ...matchers].join(',')}}` : `${name}{${matchers.join(',')}}`;
  const grouping = by.length === 0 ? '' : ` by (${by.map(formatName).join(', ')}) `;
  return `sum${grouping}(${summed.fn}(${selector}[${summed.range}]))`;
}

function readOrZero(node: SyntaxNode, text: string): SummedSelector | undefined {
  if (node.name !== 'BinaryExpr') return readSum(node, text);
  if (binaryOperator(node)?.operator !== 'or' || node.getChild('MatchingModifierClause') || node.getChild('BoolModifier')) return undefined;
  const [left, right] = expressionChildren(node);
  if (!left || !right || !isVectorZero(right, text)) return undefined;
  return readSum(left, text);
}

function readSum(node: SyntaxNode, text: string): SummedSelector | undefined {
  if (node.name !== 'AggregateExpr' || node.getChild('AggregateOp')?.firstChild?.name !== 'Sum' || node.getChild('AggregateModifier')) return undefined;
  const [call, extra] = expressionChildren(node.getChild('FunctionCallBody') ?? node);
  if (!call || extra || call.name !== 'FunctionCall') return undefined;
  const identifier = call.getChild('FunctionIdentifier');
  const fn = identifier ? text.slice(identifier.from, identifier.to) : '';
  if (!PER_SERIES_FUNCTIONS.has(fn)) return undefined;
  const [range, more] = expressionChildren(call.getChild('FunctionCallBody') ?? call).filter((child) => child !== identifier);
  if (!range || more || range.name !== 'MatrixSelector') return undefined;
  const vector = range.getChild('VectorSelector');
  const duration = range.getChild('DurationExpr');
  if (!vector || !duration) return undefined;
  const window = text.slice(duration.from, duration.to).trim();
  // Only a plain duration: a range written as an expression (Prometheus 3) is left to the source as written.
  if (!/^\d+[smhdwy]$/.test(window)) return undefined;
  const selector = verbatimSelector(vector, text);
  return selector && { fn: fn as SummedSelector['fn'], selector, range: window };
}

/**
 * The selector's one metric name and its other matchers as written (sorted, but not made canonical: `le="0.30"` must
 * stay what the source is asked for, since the source compares strings).
 */
function verbatimSelector(vector: SyntaxNode, text: string): Selector | undefined {
  const matchers = readMatchers(vector, text).map(({ matcher }) => matcher);
  const names = matchers.filter((matcher) => matcher.name === METRIC_NAME_LABEL);
  if (names.length !== 1 || names[0]!.op !== '=' || names[0]!.value.length === 0) return undefined;
  return { metric: names[0]!.value, matchers: matchers.filter((matcher) => matcher.name !== METRIC_NAME_LABEL).sort(compareMatchers) };
}

function isVectorZero(node: SyntaxNode, text: string): boolean {
  return node.name === 'FunctionCall' && /^vector\s*\(\s*0\s*\)$/.test(text.slice(node.from, node.to).trim());
}
