import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

describe('what a command loads', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  /** The modules `sloe ARGS...` resolved, recorded by a resolve hook as the process runs. */
  function modulesLoaded(...args: string[]): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-cli-modules-'));
    try {
      const log = join(dir, 'resolved.txt');
      const hooks = `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const resolved = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');\n  return resolved;\n}\n`;
      writeFileSync(join(dir, 'hooks.mjs'), hooks);
      writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
      const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, sloeEntry(), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('sloe gate and sloe status load neither the spec parsers, the configuration schema nor the daemon', () => {
    for (const command of ['gate', 'status']) {
      const loaded = modulesLoaded(command, '--help');
      expect(loaded.some((url) => url.includes(`/cli/${command}.js`))).toBe(true);
      // core's barrel brings the PromQL parser with any core import (status formats with core's helpers); the rest stays out.
      const heavy = loaded.filter((url) => /\/dist\/(spec|config|app|generate|provision|store|engine|ingest)\/|node_modules\/(yaml|zod|better-sqlite3)\//.test(url));
      expect(heavy, command).toEqual([]);
    }
  });

  it('help with no command still loads and lists every command', () => {
    const loaded = modulesLoaded('--help');
    for (const command of ['serve', 'validate', 'generate', 'convert', 'provision', 'gate', 'status', 'report', 'doctor', 'backfill', 'replay']) {
      expect(loaded.some((url) => url.endsWith(`/cli/${command}.js`)), command).toBe(true);
    }
  });
});
