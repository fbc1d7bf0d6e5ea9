import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePromql, parseTree } from './parse.js';
import { compileQuery } from './query.js';
import { maskWindowPlaceholders } from './window.js';

describe('parsePromql', () => {
  it.each([
    'sum(rate(x{a="1"}[{{.window}}]))',
    'sum(rate(x[$__window]))',
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
    'sum_over_time((count(x < 0.75))[{{.window}}:]) OR on() vector(0)',
  ])('accepts %s', (promql) => {
    expect(parsePromql(promql)).toEqual({ ok: true });
  });

  it.each([
    ['', 'the query is empty', 0, 0],
    ['sum(rate(x[5m])', 'syntax error: unexpected end of query at offset 15', 15, 15],
    ['x{a="1" b="2"}', 'syntax error: unexpected "b" at offset 8', 8, 9],
    ['sum(rate(x[5m])) +', 'syntax error: unexpected end of query at offset 18', 18, 18],
    ['x{a=}', 'syntax error: unexpected "}" at offset 4', 4, 5],
  ])('reports %j', (promql, message, from, to) => {
    expect(parsePromql(promql)).toEqual({ ok: false, message, from, to });
  });
});

/** Every node of a tree as `name from-to`, in document order: what readers of the tree can observe. */
function nodesOf(tree: Tree): string[] {
  const nodes: string[] = [];
  tree.iterate({ enter: (node) => void nodes.push(`${node.name} ${node.from}-${node.to}`) });
  return nodes;
}

describe('parseTree shares one parse between queries that differ only in label values (issue 21)', () => {
  // Label values with quotes of the other kind, regex metacharacters, spaces, non-ASCII, and what must not be shared:
  // escapes, comment marks, newlines, backticks and unterminated literals.
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('svc-1', 'svc-10', "it's", '5..', '/v1/orders', 'a b', 'é€😀', 'a\\"b', 'a#b', 'a\nb', '`', ''),
  );
  const query = fc.tuple(value, value, fc.constantFrom('"', "'"), fc.boolean()).map(([first, second, quote, close]) =>
    `sum(rate(http_requests_total{job=${quote}${first}${quote},code=~"${second}"}[{{.window}}])) / sum(rate(http_requests_total{job=${quote}${first}${close ? quote : ''}}[5m]))`,
  );

  it('gives every query the tree lezer gives it alone', () => {
    fc.assert(
      fc.property(query, (promql) => {
        expect(nodesOf(parseTree(promql))).toEqual(nodesOf(parser.parse(maskWindowPlaceholders(promql))));
      }),
      { numRuns: 2000 },
    );
  });

  it('parses a template once: the same tree object for queries of one shape, and their compiled terms read from each', () => {
    const first = 'sum(rate(http_requests_total{job="svc-10",code=~"5.."}[{{.window}}]))';
    const second = 'sum(rate(http_requests_total{job="svc-11",code=~"4.."}[{{.window}}]))';
    expect(parseTree(second)).toBe(parseTree(first));
    const terms = (promql: string) => {
      const result = compileQuery(promql);
      if (!result.ok) throw new Error(result.reason);
      return result.terms.map((signed) => signed.term.key);
    };
    expect(terms(first)).toEqual(['http_requests_total{code=~"5..",job="svc-10"}']);
    expect(terms(second)).toEqual(['http_requests_total{code=~"4..",job="svc-11"}']);
    // Another length of value is another template: never a tree whose positions do not fit the text.
    expect(parseTree('sum(rate(http_requests_total{job="svc-100",code=~"5.."}[{{.window}}]))')).not.toBe(parseTree(first));
  });
});
