import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, sloeEntry } from '../../test/helpers/build.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** `sloe ARGS...` as a real process (bin/sloe.js, built from the current sources), as a user's shell runs it. */
function sloe(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [sloeEntry(), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('sloe with no command', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('prints the usage with every command on stderr and exits 2', () => {
    const result = sloe();
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: sloe \[options\] \[command\]/);
    for (const command of ['serve', 'validate', 'generate', 'status', 'gate']) expect(result.stderr).toContain(`  ${command} `);
  });

  it('an unknown command is a usage error too, while --help succeeds', () => {
    expect(sloe('bogus')).toMatchObject({ status: 2, stderr: expect.stringContaining("unknown command 'bogus'") as unknown });
    expect(sloe('--help')).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: sloe') as unknown });
  });
});
