/**
 * The conformance suite's own folder handling: where it looks for the peer specs, what it says when they are missing,
 * and that `npm run test:peers` then fails before any test. Kept here, in the opt-in suite, so `npm test` never
 * names the folder beside the repository.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peersFolder, peersFolderProblem } from './peers-folder.js';

const ROOT = join(import.meta.dirname, '..');

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
    // The nested run stops in its global setup, before any test, so it does not reach this test again.
    const run = spawnSync('npm', ['run', 'test:peers'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SLOE_PEERS: '/nonexistent/peers' }, timeout: 120_000 });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('/nonexistent/peers does not exist');
  }, 130_000);
});
