/**
 * The window placeholders SLI queries are written with, defined once for every part of sloe: Sloth's `{{.window}}`
 * (Go template, any spacing inside the braces) and Grafana's `$__window` and `${__window}`. Validation, the embedded
 * engine, rule generation and remote queries all read them from here, so a spelling one accepts the others accept.
 */
const PLACEHOLDER = /\{\{\s*\.window\s*\}\}|\$\{__window\}|\$__window\b/g;

/** One placeholder as written, with its offsets into the query (0-based, end exclusive). */
export interface WindowPlaceholder {
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

/** Every placeholder in a query, in order. */
export function findWindowPlaceholders(promql: string): WindowPlaceholder[] {
  return [...promql.matchAll(PLACEHOLDER)].map((match) => ({ text: match[0], from: match.index, to: match.index + match[0].length }));
}

export function hasWindowPlaceholder(promql: string): boolean {
  return findWindowPlaceholders(promql).length > 0;
}

/** Puts a window (a PromQL duration such as `5m`) where the query has placeholders: `rate(x[{{.window}}])` → `rate(x[5m])`. */
export function substituteWindow(promql: string, duration: string): string {
  return promql.replace(PLACEHOLDER, duration);
}

/**
 * The query with each placeholder replaced by a duration padded with spaces to the placeholder's length, so it
 * parses and every offset the parser reports is an offset into the text the user wrote. The duration itself is
 * meaningless: callers that only need the query's structure use this.
 */
export function maskWindowPlaceholders(promql: string): string {
  return promql.replace(PLACEHOLDER, (placeholder) => '1m'.padEnd(placeholder.length, ' '));
}
