import { BUCKET_LABEL, canonicalMatcher, compareMatchers, formatMatcher, formatName, matcherRegex } from './labels.js';
import type { QueryNode } from './plain-tree.js';
import { Refusal } from './refusal.js';
import { unquote } from './strings.js';
import type { GaugeMode, LabelMatcher, MatchOp, Term } from './types.js';

export const METRIC_NAME_LABEL = '__name__';

const MATCH_OP_NODES: Readonly<Record<string, MatchOp>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

/** A metric name and its other matchers, read from a `VectorSelector` node. */
export interface Selector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/**
 * The matchers of a `VectorSelector` node as written, unchecked and in order; a metric name (bare or Prometheus 3's
 * quoted `{"my.metric"}`) comes as an `__name__` `=` matcher. Only a string Go would reject or a regex JavaScript
 * cannot compile is refused here: what a reader accepts beyond that is its own business.
 */
export function readMatchers<N extends QueryNode<N>>(node: N, text: string): { matcher: LabelMatcher; at: N }[] {
  const out: { matcher: LabelMatcher; at: N }[] = [];
  const identifier = node.getChild('Identifier');
  if (identifier) out.push({ matcher: { name: METRIC_NAME_LABEL, op: '=', value: text.slice(identifier.from, identifier.to) }, at: identifier });
  const list = node.getChild('LabelMatchers');
  for (let child = list?.firstChild ?? null; child; child = child.nextSibling) {
    if (child.name === 'QuotedLabelName') {
      out.push({ matcher: { name: METRIC_NAME_LABEL, op: '=', value: stringValue(child.getChild('StringLiteral'), text, child) }, at: child });
      continue;
    }
    if (child.name !== 'UnquotedLabelMatcher' && child.name !== 'QuotedLabelMatcher') continue;
    const nameNode = child.getChild('LabelName') ?? child.getChild('QuotedLabelName');
    const opNode = child.getChild('MatchOp')?.firstChild;
    const valueNode = child.getChild('StringLiteral');
    if (!nameNode || !opNode || !valueNode) throw new Refusal('an incomplete label matcher', child, { verbatim: true });
    const name = nameNode.name === 'LabelName' ? text.slice(nameNode.from, nameNode.to) : stringValue(nameNode.getChild('StringLiteral'), text, nameNode);
    const op = MATCH_OP_NODES[opNode.name];
    if (!op) throw new Refusal(`the label matcher operator "${text.slice(opNode.from, opNode.to)}"`, opNode);
    const value = stringValue(valueNode, text, valueNode);
    if ((op === '=~' || op === '!~') && matcherRegex(value) === null) {
      throw new Refusal(`the regular expression ${JSON.stringify(value)} is not valid`, valueNode, { verbatim: true });
    }
    out.push({ matcher: { name, op, value }, at: child });
  }
  return out;
}

/** A selector the embedded engine keeps: one exact metric name, the other matchers canonical and sorted. */
export function readSelector<N extends QueryNode<N>>(node: N, text: string): Selector {
  let metric: string | undefined;
  const matchers: LabelMatcher[] = [];
  for (const { matcher, at } of readMatchers(node, text)) {
    if (matcher.name !== METRIC_NAME_LABEL) {
      matchers.push(canonicalMatcher(matcher));
      continue;
    }
    if (matcher.op !== '=') throw new Refusal(`a "${matcher.op}" matcher on __name__ (the engine selects series by exact metric name)`, at);
    if (metric !== undefined && metric !== matcher.value) {
      throw new Refusal(`the selector names two metrics, "${metric}" and "${matcher.value}"`, at, { verbatim: true });
    }
    metric = matcher.value;
  }
  if (metric === undefined || metric.length === 0) throw new Refusal('a selector without a metric name', node);
  matchers.sort(compareMatchers);
  return { metric, matchers };
}

function stringValue<N extends QueryNode<N>>(node: N | null, text: string, at: N): string {
  const value = node ? unquote(text.slice(node.from, node.to)) : undefined;
  if (value === undefined) throw new Refusal('a string literal has an invalid escape', at, { verbatim: true });
  return value;
}

/** The selector as canonical PromQL (sorted matchers, canonical bucket bounds): the key of its term. */
export function selectorText(selector: Selector): string {
  const matchers = selector.matchers.map(formatMatcher);
  const name = formatName(selector.metric);
  if (name.startsWith('"')) return `{${[name, ...matchers].join(',')}}`;
  return matchers.length === 0 ? name : `${name}{${matchers.join(',')}}`;
}

export function counterTerm(selector: Selector): Term {
  return { key: selectorText(selector), metric: selector.metric, matchers: selector.matchers, kind: 'counter' };
}

export function gaugeTerm(selector: Selector, gauge: GaugeMode): Term {
  const how = gauge.mode === 'count' ? 'count' : `value ${gauge.op} ${gauge.threshold}`;
  return { key: `${selectorText(selector)} | ${how}`, metric: selector.metric, matchers: selector.matchers, kind: 'gauge', gauge };
}

/** The same selector with one more matcher (a histogram bucket's `le`). */
export function withMatcher(selector: Selector, matcher: LabelMatcher): Selector {
  return { metric: selector.metric, matchers: [...selector.matchers, canonicalMatcher(matcher)].sort(compareMatchers) };
}

export function hasBucketMatcher(selector: Selector): boolean {
  return selector.matchers.some((matcher) => matcher.name === BUCKET_LABEL);
}
