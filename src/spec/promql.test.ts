import { LineCounter, parseDocument, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../core/index.js';
import { DocContext } from './context.js';
import { positionInScalar, promqlErrorOffset } from './promql.js';

function scalarAt(source: string): { ctx: DocContext; node: Node } {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter });
  const problems: Problem[] = [];
  const ctx = new DocContext('f.yaml', source, lineCounter, document, problems);
  return { ctx, node: document.get('q', true) as Node };
}

describe('promqlErrorOffset', () => {
  it('accepts queries with window placeholders', () => {
    expect(promqlErrorOffset('sum(rate(x{a="b"}[{{.window}}])) / sum(rate(x[$__window]))')).toBeUndefined();
    expect(promqlErrorOffset('1 - (sum(increase(x[{{.window}}])) / sum(increase(y[{{.window}}])))')).toBeUndefined();
  });

  it('gives the offset of the first error in the query as written', () => {
    // The placeholder is replaced by a duration of the same length, so offsets after it still match.
    expect(promqlErrorOffset('sum(rate(x[{{.window}}])) +')).toBe(27);
    expect(promqlErrorOffset('sum(rate(x[5m]) by')).toBe(16);
    expect(promqlErrorOffset('   ')).toBe(0);
  });
});

describe('positionInScalar', () => {
  it('maps offsets in plain and quoted single-line scalars', () => {
    const plain = scalarAt('q: sum(rate(x[5m]))\n');
    expect(positionInScalar(plain.ctx, plain.node, 4)).toEqual({ file: 'f.yaml', line: 1, column: 8 });
    const quoted = scalarAt("q: 'sum(rate(x[5m]))'\n");
    expect(positionInScalar(quoted.ctx, quoted.node, 4)).toEqual({ file: 'f.yaml', line: 1, column: 9 });
  });

  it('maps offsets in literal blocks line by line', () => {
    const block = scalarAt('q: |\n  sum(\n    rate(x[5m])\n  )\n');
    expect(positionInScalar(block.ctx, block.node, 'sum(\n  rate'.length)).toEqual({ file: 'f.yaml', line: 3, column: 9 });
  });

  it('falls back to the scalar start for escaped and folded text', () => {
    const escaped = scalarAt('q: "sum(x{a=\\"b\\"})"\n');
    expect(positionInScalar(escaped.ctx, escaped.node, 10)).toEqual({ file: 'f.yaml', line: 1, column: 4 });
  });
});
