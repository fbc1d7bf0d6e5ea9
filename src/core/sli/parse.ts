import { parser } from '@prometheus-io/lezer-promql';
import type { Tree } from '@lezer/common';
import type { ParseResult } from './types.js';

/**
 * Range placeholders the spec formats put where a window goes: Sloth's `{{.window}}` and Grafana's `$__window`.
 * The engine picks its own windows, so the placeholder only has to parse. It is replaced by a duration padded with
 * spaces to the same length, so every offset the parser reports is an offset into the text the user wrote.
 */
const PLACEHOLDER = /\{\{\s*\.window\s*\}\}|\$\{__window\}|\$__window\b/g;

export function substituteWindows(promql: string): string {
  return promql.replace(PLACEHOLDER, (placeholder) => '1m'.padEnd(placeholder.length, ' '));
}

export function parseTree(promql: string): Tree {
  return parser.parse(substituteWindows(promql));
}

/** Syntax only (what the spec validator reports); whether the engine can evaluate the query is `compileQuery`'s job. */
export function parsePromql(promql: string): ParseResult {
  if (promql.trim().length === 0) return { ok: false, message: 'the query is empty', from: 0, to: promql.length };
  const tree = parseTree(promql);
  let error: { from: number; to: number } | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        error = { from: node.from, to: node.to };
        return false;
      }
      return undefined;
    },
  });
  if (!error) return { ok: true };
  return { ok: false, ...describeSyntaxError(promql, error.from) };
}

/** Lezer marks the span it could not parse; the message names the first token there, as Prometheus's parser would. */
function describeSyntaxError(promql: string, from: number): { message: string; from: number; to: number } {
  const rest = promql.slice(from);
  const start = from + (rest.length - rest.trimStart().length);
  const token = TOKEN.exec(promql.slice(start))?.[0];
  if (token === undefined) return { message: `syntax error: unexpected end of query at offset ${start}`, from: start, to: start };
  return { message: `syntax error: unexpected ${JSON.stringify(token)} at offset ${start}`, from: start, to: start + token.length };
}

/** An identifier, a number or duration, a quoted string, or one other character. */
const TOKEN = /^(?:[A-Za-z_:][\w:]*|\d[\w.]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\S)/;
