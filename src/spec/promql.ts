import { isScalar, type Node } from 'yaml';
import { parsePromql } from '../core/index.js';
import type { DocContext, Position } from './context.js';

/**
 * Offset of the first syntax error in a PromQL query, or undefined when it parses. Window placeholders are core's
 * (`parsePromql` masks them), so what validation accepts is what the engine and the generators substitute.
 */
export function promqlErrorOffset(query: string): number | undefined {
  const result = parsePromql(query);
  return result.ok ? undefined : result.from;
}

/**
 * Where an offset inside a scalar's value is in the file. Exact for single-line plain and quoted scalars and for
 * literal blocks (`|`); for folded or multi-line flow scalars, whose lines were joined, the scalar's start.
 */
export function positionInScalar(ctx: DocContext, node: Node, offset: number): Position {
  const range = node.range;
  if (!isScalar(node) || range === undefined || range === null) return ctx.position(node);
  const value = typeof node.value === 'string' ? node.value : '';
  const raw = ctx.source.slice(range[0], range[1]);
  if ((node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && !raw.includes('\n')) {
    const quote = node.type === 'PLAIN' ? 0 : 1;
    // Escapes make the source longer than the value; only map exactly when there are none.
    if (raw.length - 2 * quote === value.length) return ctx.positionOf(range[0] + quote + offset);
    return ctx.position(node);
  }
  if (node.type === 'BLOCK_LITERAL') {
    const before = value.slice(0, offset);
    const lineIndex = before.split('\n').length - 1;
    const column = offset - (before.lastIndexOf('\n') + 1);
    const lines = raw.split('\n');
    // lines[0] is the `|` header; content lines follow, each with the block's indentation.
    const content = lines.slice(1).filter((line) => line.trim() !== '');
    const indent = Math.min(...content.map((line) => line.length - line.trimStart().length));
    const start = ctx.positionOf(range[0]);
    if (Number.isFinite(indent)) return { file: ctx.file, line: start.line + 1 + lineIndex, column: indent + column + 1 };
  }
  return ctx.position(node);
}

/** Reports a query that does not parse as PromQL, pointing at the error inside the query. */
export function checkPromql(ctx: DocContext, node: Node, query: string, path: string): boolean {
  const offset = promqlErrorOffset(query);
  if (offset === undefined) return true;
  const near = query.slice(offset, offset + 20).split('\n')[0] ?? '';
  const call = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(query.slice(0, offset));
  if (call?.[1] !== undefined && near.startsWith('(')) {
    const start = offset - call[0].length;
    ctx.reportAt(positionInScalar(ctx, node, start), `'${path}' is not valid PromQL: unknown function '${call[1]}'`);
    return false;
  }
  const where = near.trim() === '' ? 'at the end of the query' : `at '${near.trim()}'`;
  ctx.reportAt(positionInScalar(ctx, node, offset), `'${path}' is not valid PromQL: syntax error ${where}`);
  return false;
}
