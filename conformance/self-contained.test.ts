/**
 * That `npm test` never reaches the folder beside the repository: a fresh clone does not have it. This scan names
 * that folder, so it lives in the opt-in conformance suite with everything else that does.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** Every file git tracks (and every new one it would track), so the check sees what a clone gets. */
function trackedFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  return listed.stdout.split('\n').filter((path) => path !== '');
}

// Spelled in pieces so this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared', '|', "'shared'", ',\\s*', "'peers'"].join(''));

describe('a fresh clone has everything npm test reads', () => {
  it('no test or source outside conformance/ reads the shared folder beside the repository', () => {
    const conformance = (path: string): boolean => path.startsWith('conformance/') || path === 'vitest.conformance.config.ts';
    const code = trackedFiles().filter((path) => /\.(ts|js|cjs|mjs|json)$/.test(path) && !conformance(path));
    expect(code.length).toBeGreaterThan(100);
    const offenders = code.filter((path) => OUTSIDE.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the pattern catches both spellings the suite used to have', () => {
    expect(OUTSIDE.test("const PEERS = '../" + "shared/peers';")).toBe(true);
    expect(OUTSIDE.test("join(import.meta.dirname, '..', '" + "shared', 'peers')")).toBe(true);
    expect(OUTSIDE.test("import { shared } from './shared.js';")).toBe(false);
  });
});
