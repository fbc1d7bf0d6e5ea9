import { describe, expect, it } from 'vitest';
import { documentAt } from './spec-source.js';

describe('documentAt', () => {
  const text = '# header\napiVersion: a\nkind: A\n---\napiVersion: b\nkind: B\n--- \napiVersion: c\n';
  it('returns the document holding the line, with its first line', () => {
    expect(documentAt(text, 2)).toEqual({ start: 1, yaml: '# header\napiVersion: a\nkind: A\n' });
    expect(documentAt(text, 6)).toEqual({ start: 5, yaml: 'apiVersion: b\nkind: B\n' });
    expect(documentAt(text, 8)).toEqual({ start: 8, yaml: 'apiVersion: c\n' });
  });
});
