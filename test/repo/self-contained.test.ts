import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peersFolder, peersFolderProblem } from '../../conformance/peers-folder.js';

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
  });
});

describe('the conformance suite without its folder', () => {
  it('SLOE_PEERS names the folder, else ../shared/peers beside the repository', () => {
    expect(peersFolder({ SLOE_PEERS: '/srv/peers' })).toBe('/srv/peers');
    expect(peersFolder({})).toBe(join(ROOT, '..', 'shared', 'peers'));
  });

  it('says where it looked and how to point it elsewhere', () => {
    const problem = peersFolderProblem('/nonexistent/peers');
    expect(problem).toContain('/nonexistent/peers does not exist');
    expect(problem).toContain('SLOE_PEERS');
    expect(peersFolderProblem(ROOT)).toBeUndefined();
  });

  it('npm run test:peers fails, plainly, when the folder is missing', () => {
    const run = spawnSync('npm', ['run', 'test:peers'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SLOE_PEERS: '/nonexistent/peers' }, timeout: 120_000 });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('/nonexistent/peers does not exist');
  }, 130_000);
});
