import { parser } from '@prometheus-io/lezer-promql';
import type { Tree } from '@lezer/common';
import type { ParseResult } from './types.js';
import { maskWindowPlaceholders } from './window.js';

/**
 * The lezer tree of a query, window placeholders masked so that node positions are positions in the text as written.
 *
 * Queries that differ only in the contents of their string literals (one SLO per route, tenant or job, made from one
 * template) share one parse (issue 21: 100,000 SLOs were 200,000 parses at every start). The tree holds positions,
 * not text, and a literal's contents cannot change how anything around it parses, so the tree of the query with every
 * literal's contents replaced by as many `x` is the query's own tree; readers slice the query's text at its nodes.
 * Queries where that could fail (comments, escapes, backticks, unterminated or multi-line literals) are parsed as
 * they are, and a template whose literals lezer does not read where the scan found them is never shared.
 */
export function parseTree(promql: string): Tree {
  const masked = maskWindowPlaceholders(promql);
  const template = literalTemplate(masked);
  if (template === undefined) return parser.parse(masked);
  const shared = templateTrees.get(template.text);
  if (shared) return shared;
  const tree = parser.parse(template.text);
  if (!sameLiterals(tree, template.literals)) return parser.parse(masked);
  if (templateTrees.size >= TEMPLATE_TREES_KEPT) templateTrees.delete(templateTrees.keys().next().value!);
  templateTrees.set(template.text, tree);
  return tree;
}

/** How many template trees are kept (the oldest goes first): a few hundred bytes each. */
const TEMPLATE_TREES_KEPT = 4096;
const templateTrees = new Map<string, Tree>();

/**
 * The query with each quoted literal's contents replaced by `x`s, and where the literals are (from the opening quote
 * to after the closing one); undefined when the query holds anything that makes a literal's extent depend on more
 * than its quotes.
 */
function literalTemplate(text: string): { text: string; literals: number[] } | undefined {
  const literals = stringLiterals(text);
  if (literals === undefined) return undefined;
  let out = '';
  let copied = 0;
  for (let index = 0; index < literals.length; index += 2) {
    const from = literals[index]!;
    const to = literals[index + 1]!;
    out += text.slice(copied, from + 1) + 'x'.repeat(to - from - 2);
    copied = to - 1;
  }
  return { text: out + text.slice(copied), literals };
}

/**
 * Where the query's quoted string literals are, as [from, to) pairs from the opening quote to after the closing one,
 * when a literal's extent depends on nothing but its quotes and its contents are its value as written (no comments,
 * escapes, backticks, unterminated or multi-line literals); undefined otherwise. Such a literal's contents cannot
 * change how anything around it parses, which is what lets queries share a parse and a compiled SLI
 * (compile-template.ts).
 */
export function stringLiterals(text: string): number[] | undefined {
  if (text.includes('#') || text.includes('\\') || text.includes('`')) return undefined;
  const literals: number[] = [];
  for (let at = 0; at < text.length; at++) {
    const quote = text[at];
    if (quote !== '"' && quote !== "'") continue;
    const end = text.indexOf(quote, at + 1);
    if (end < 0) return undefined;
    for (let inside = at + 1; inside < end; inside++) {
      const char = text[inside];
      if (char === '\n' || char === '\r') return undefined;
    }
    literals.push(at, end + 1);
    at = end;
  }
  return literals;
}

/** Whether the tree's string literals are exactly the ranges the template scan found. */
function sameLiterals(tree: Tree, literals: readonly number[]): boolean {
  let index = 0;
  let same = true;
  tree.iterate({
    enter(node) {
      if (!same) return false;
      if (node.name !== 'StringLiteral') return undefined;
      same = literals[index] === node.from && literals[index + 1] === node.to;
      index += 2;
      return false;
    },
  });
  return same && index === literals.length;
}

/** Syntax only (what the spec validator reports); whether the engine can evaluate the query is `compileQuery`'s job. */
export function parsePromql(promql: string): ParseResult {
  return syntaxOf(promql, parseTree(promql));
}

/** `parsePromql` for a caller that holds the query's tree already (`parseTree(promql)`), so it is looked up once. */
export function syntaxOf(promql: string, tree: Tree): ParseResult {
  if (promql.trim().length === 0) return { ok: false, message: 'the query is empty', from: 0, to: promql.length };
  const error = firstError(tree);
  if (!error) return { ok: true };
  return { ok: false, ...describeSyntaxError(promql, error.from) };
}

/** Where a tree's first syntax error starts, found once per tree: a template's queries share theirs. */
function firstError(tree: Tree): { from: number } | undefined {
  let known = treeErrors.get(tree);
  if (known === undefined) {
    known = null;
    tree.iterate({
      enter(node) {
        if (known) return false;
        if (!node.type.isError) return undefined;
        known = { from: node.from };
        return false;
      },
    });
    treeErrors.set(tree, known);
  }
  return known ?? undefined;
}

const treeErrors = new WeakMap<Tree, { from: number } | null>();

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
