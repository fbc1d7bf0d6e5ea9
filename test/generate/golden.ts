import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/**
 * Compares output with a `*.golden.*` file. The file is rewritten only with UPDATE_GOLDEN=1, so a change in output
 * shows up as a diff in review; a missing golden file fails with the command that makes it.
 */
export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`golden file ${path} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/generate`);
  }
  expect(actual, `output differs from ${path} (UPDATE_GOLDEN=1 rewrites it)`).toBe(expected);
}
