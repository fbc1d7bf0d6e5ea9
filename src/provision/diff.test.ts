import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './diff.js';

describe('unifiedDiff', () => {
  it('shows changed lines with context, and new or deleted files against /dev/null', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i'].join('\n');
    expect(unifiedDiff('x.yaml', before, after)).toBe('--- a/x.yaml\n+++ b/x.yaml\n@@\n b\n c\n d\n-e\n+E\n f\n g\n h\n');
    expect(unifiedDiff('x.yaml', '', 'one\n')).toBe('--- /dev/null\n+++ b/x.yaml\n@@\n+one\n');
    expect(unifiedDiff('x.yaml', 'one\n', '')).toBe('--- a/x.yaml\n+++ /dev/null\n@@\n-one\n');
  });
});
