import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

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
    const code = trackedFiles().filter((path) => /\.(ts|js|cjs|mjs|json)$/.test(path) && !conformance(path) && path !== 'test/repo/self-contained.test.ts');
    expect(code.length).toBeGreaterThan(100);
    const offenders = code.filter((path) => OUTSIDE.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the pattern catches both spellings the suite used to have', () => {
    expect(OUTSIDE.test("const PEERS = '../" + "shared/peers';")).toBe(true);
    expect(OUTSIDE.test("join(import.meta.dirname, '..', '" + "shared', 'peers')")).toBe(true);
    expect(OUTSIDE.test("import { shared } from './shared.js';")).toBe(false);
  });

  it("npm test's include leaves the conformance suite out, and test:peers runs only it", async () => {
    const main = (await import('../../vitest.config.js')).default;
    const conformance = (await import('../../vitest.conformance.config.js')).default;
    expect(main.test?.include?.some((glob) => glob.startsWith('conformance'))).toBe(false);
    expect(conformance.test?.include).toEqual(['conformance/**/*.test.ts']);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:peers']).toContain('vitest.conformance.config.ts');
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toContain('npm run test:peers');
    // How the suite finds its folder and fails without it is tested in the suite itself (conformance/peers-folder.test.ts).
  });
});
