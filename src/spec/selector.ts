import { parser } from '@prometheus-io/lezer-promql';

/**
 * Helpers for formats whose queries are bare metric selectors (Pyrra takes the rate itself). Kept apart from the
 * PromQL module, which another part of sloe owns; they only look at the text of one selector.
 */

/** True when the whole query is one instant vector selector, such as `http_requests_total{job="api"}`. */
export function isVectorSelector(promql: string): boolean {
  const tree = parser.parse(promql.trim());
  let error = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error = true;
      return !error;
    },
  });
  const top = tree.topNode.firstChild;
  return !error && top !== null && top.name === 'VectorSelector' && top.nextSibling === null && !promql.includes('[');
}

const LE_MATCHER = /(^|[{,])\s*le\s*=\s*"([^"]*)"\s*(,\s*|(?=\}))/;

/** The `le` bound of a bucket selector and the selector without it; undefined when it has no `le="..."`. */
export function splitLe(selector: string): { le: string; rest: string } | undefined {
  const match = LE_MATCHER.exec(selector);
  if (match === null) return undefined;
  const before = match[1] ?? '';
  const rest = (selector.slice(0, match.index) + before + selector.slice(match.index + match[0].length)).replace(/,\s*\}/, '}').replace(/\{\s*\}/, '');
  return { le: match[2] ?? '', rest };
}

/** A selector with its spaces removed, for comparing two selectors of the same series. */
export function compact(selector: string): string {
  return selector.replace(/\s+/g, '');
}
