/**
 * Spec folders are written by whoever can commit to the spec repository, and git carries symlinks (issue #21): a spec
 * that is a symlink to /dev/zero, or a FIFO in the folder, must be a clear problem naming the path, at start, on
 * reload and in `sloe validate`, while /healthz and the API keep answering. The daemon and the command run in their
 * own processes, so on code that blocks on such a file the test fails by its time bounds instead of hanging.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sloSpec } from '../app/daemon-fixture.js';
import { ensureBuilt, sloeEntry } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { startSloe } from '../helpers/sloe-process.js';
import type { SloeProcess } from '../helpers/sloe-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const running: SloeProcess[] = [];

beforeAll(() => ensureBuilt(), 180_000);

afterAll(async () => {
  for (const sloe of running) {
    sloe.child.kill('SIGKILL');
    await sloe.exited();
  }
});

function specFolder(): { root: string; specs: string } {
  const root = mkdtempSync(join(tmpdir(), 'sloe-spec-folder-'));
  const specs = join(root, 'slos');
  mkdirSync(specs);
  writeFileSync(join(specs, 'shop.yaml'), sloSpec('shop-availability', 'shop'));
  return { root, specs };
}

function validate(path: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [sloeEntry(), 'validate', path], { cwd: ROOT, timeout: 30_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout });
    });
  });
}

describe('a spec folder holding devices and FIFOs', () => {
  it('refuses them on reload with the path named, and keeps answering meanwhile', { timeout: 60_000 }, async () => {
    const { root, specs } = specFolder();
    const sloe = await startSloe(await freePort(), ['--slos', specs, '--data', join(root, 'data')]);
    running.push(sloe);

    symlinkSync('/dev/zero', join(specs, 'zero.yaml'));
    execFileSync('mkfifo', [join(specs, 'pipe.yaml')]);
    const reload = await fetch(`${sloe.url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    const body = (await reload.json()) as { error: { message: string } };
    expect(reload.status).toBe(422);
    expect(body.error.message).toContain(`${join(specs, 'zero.yaml')}:1:1: is a character device (a symbolic link to /dev/zero)`);
    expect(body.error.message).toContain(`${join(specs, 'pipe.yaml')}:1:1: is a FIFO`);

    const health = await fetch(`${sloe.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    expect(health.status).toBe(200);
    const slo = await fetch(`${sloe.url}/api/v1/slos/shop-availability`, { signal: AbortSignal.timeout(2_000) });
    expect(slo.status).toBe(200);

    // Removed again, the next reload succeeds: nothing was left half-open.
    rmSync(join(specs, 'zero.yaml'));
    rmSync(join(specs, 'pipe.yaml'));
    expect((await fetch(`${sloe.url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) })).status).toBe(200);
  });

  it('sloe validate reports them as FILE:LINE:COLUMN problems and exits 1', { timeout: 60_000 }, async () => {
    const { specs } = specFolder();
    symlinkSync('/dev/zero', join(specs, 'zero.yaml'));
    execFileSync('mkfifo', [join(specs, 'pipe.yaml')]);
    const { code, stdout } = await validate(specs);
    expect(code).toBe(1);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(new RegExp(`^${join(specs, 'pipe.yaml')}:1:1: is a FIFO`)),
      expect.stringMatching(new RegExp(`^${join(specs, 'zero.yaml')}:1:1: is a character device`)),
    ]);
  });
});
