import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/**
 * A query split by the SLO's `groupBy` labels: every outermost aggregation (`sum(...)`, `sum by (job) (...)`,
 * `sum without (le) (...)`) aggregates `by (LABELS)` instead, so each value of the labels keeps its own events and
 * every rule built on them (ratios, burn rates, budget, alerts) is per group. Nested aggregations are left as
 * written: only the outermost one decides which labels survive. A query with no aggregation at all is wrapped in
 * `sum by (LABELS) (...)`. Without labels the query is returned unchanged.
 *
 * The query must have its window placeholders substituted already (the rule stages do that first).
 */
export function groupAggregations(promql: string, labels: readonly string[]): string {
  if (labels.length === 0) return promql;
  const by = `by (${labels.join(', ')})`;
  const tree = parser.parse(promql);
  const edits: { from: number; to: number; text: string }[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.name === 'AggregateExpr') {
      const modifier = node.getChild('AggregateModifier');
      const op = node.getChild('AggregateOp');
      if (modifier !== null) edits.push({ from: modifier.from, to: modifier.to, text: by });
      else if (op !== null) edits.push({ from: op.to, to: op.to, text: promql[op.to] === ' ' ? ` ${by}` : ` ${by} ` });
      return;
    }
    for (let child = node.firstChild; child !== null; child = child.nextSibling) visit(child);
  };
  visit(tree.topNode);
  if (edits.length === 0) return `sum ${by} (${promql})`;
  let out = promql;
  for (const edit of edits.sort((a, b) => b.from - a.from)) out = `${out.slice(0, edit.from)}${edit.text}${out.slice(edit.to)}`;
  return out;
}
