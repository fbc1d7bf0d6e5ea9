import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBoundedFile } from './bounded-file.js';

describe('readBoundedFile', () => {
  it('reads at most one byte past the limit, whatever the file holds', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sloe-bounded-')), 'a.yaml');
    writeFileSync(file, 'x'.repeat(200_000));
    expect(readBoundedFile(file, 200_000)).toMatchObject({ ok: true });
    expect(readBoundedFile(file, 199_999)).toEqual({ ok: false, reason: 'file is more than 199999 bytes; spec files are limited to 199999 bytes' });
  });

  it('refuses /dev/zero by its type, read through the descriptor rather than trusting a path check', () => {
    expect(readBoundedFile('/dev/zero', 1024)).toEqual({ ok: false, reason: 'is a character device; only regular files are read' });
  });
});
