import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parseTree } from './parse.js';
import { plainTop } from './plain-tree.js';
import type { QueryNode } from './plain-tree.js';
import { maskWindowPlaceholders } from './window.js';

/** Child names the readers ask `getChild` for, and one name no node has. */
const ASKED = ['Identifier', 'LabelMatchers', 'LabelName', 'QuotedLabelName', 'MatchOp', 'StringLiteral', 'FunctionIdentifier', 'FunctionCallBody', 'VectorSelector', 'AggregateOp', 'UnaryOp', 'Expr', 'Nothing'];

/** A node and everything under it as reached through firstChild, nextSibling and getChild: what a reader can observe. */
function observed<N extends QueryNode<N>>(node: N): unknown {
  const children: unknown[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(observed(child));
  const found = ASKED.map((name) => {
    const child = node.getChild(name);
    return child ? `${child.name} ${child.from}-${child.to}` : null;
  });
  return { node: `${node.name} ${node.from}-${node.to}`, found, children };
}

describe('plainTop', () => {
  it.each([
    'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))',
    'sum(rate(x{a="1"}[5m])) / sum(rate(x[5m])) # a comment',
    '1 - sum(increase(x_bucket{le="0.5"}[1h])) / sum(increase(x_bucket{le="+Inf"}[1h]))',
    'histogram_fraction(0, 0.25, sum(rate(latency_seconds{"route"="/a"}[5m])))',
    '{"my.metric", job!~"a|b"} offset 5m',
    '-(sum by (job) (x) + on(job) group_left sum(y))',
    'sum(rate(x[5m])',
    'x{a="1" b="2"}',
  ])('navigates %s as lezer does', (promql) => {
    expect(observed(plainTop(parseTree(promql)))).toEqual(observed(parser.parse(maskWindowPlaceholders(promql)).topNode));
  });

  it('builds one plain tree per parse: queries of one template share it', () => {
    const first = plainTop(parseTree('sum(rate(x{job="svc-1"}[5m]))'));
    expect(plainTop(parseTree('sum(rate(x{job="svc-2"}[5m]))'))).toBe(first);
    expect(plainTop(parseTree('sum(rate(y{job="svc-2"}[5m]))'))).not.toBe(first);
  });
});
