import { parser } from '@prometheus-io/lezer-promql';
import type { Tree } from '@lezer/common';
import type { ParseResult } from './types.js';
import { maskWindowPlaceholders } from './window.js';

/** The lezer tree of a query, window placeholders masked so that node positions are positions in the text as written. */
export function parseTree(promql: string): Tree {
  return parser.parse(maskWindowPlaceholders(promql));
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
