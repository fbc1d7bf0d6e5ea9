/**
 * A damaged SQLite file (issue #21): truncated, garbled inside, or not a database at all. `sloe serve` exits non-zero
 * with a message naming the file and what to do, never SQLite's bare "database disk image is malformed"; `sloe doctor`
 * finds it (exit 1) and `--repair` moves it aside under a timestamped name, creates a fresh database and says so loudly,
 * after which the daemon starts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, closeSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import { buildProgram } from '../../src/cli/main.js';
import type { CommandContext } from '../../src/cli/context.js';
import { openDatabase } from '../../src/store/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { ensureBuilt, sloeEntry } from '../helpers/build.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A database the daemon wrote (specs, samples, alert state), closed cleanly; copied for each kind of damage. */
async function healthyDatabase(): Promise<{ file: string; specs: string }> {
  const space = workspace();
  space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
  const daemon = await startDaemon(space.config(), { env: {}, logDestination: logSink().stream });
  const now = Date.now();
  for (let index = 0; index < 20; index++) {
    const body = remoteWriteBody([{ labels: [['__name__', 'http_requests_total'], ['code', '200'], ['job', 'shop']], value: index * 10, timestamp: now - 60_000 + index * 1_000 }]);
    expect((await fetch(`${daemon.url}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(body) })).status).toBe(204);
  }
  await daemon.stop();
  return { file: join(space.data, 'sloe.db'), specs: space.specs };
}

function damagedCopy(source: string, damage: (file: string) => void): string {
  const data = mkdtempSync(join(tmpdir(), 'sloe-corrupt-'));
  const file = join(data, 'sloe.db');
  copyFileSync(source, file);
  damage(file);
  return data;
}

/** Overwrites everything after the first page (the header and schema) with noise. */
function garbleAfterFirstPage(file: string): void {
  const size = statSync(file).size;
  const descriptor = openSync(file, 'r+');
  const noise = Buffer.alloc(size - 4096);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2_654_435_761) >>> 24;
  writeSync(descriptor, noise, 0, noise.length, 4096);
  closeSync(descriptor);
}

async function sloe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = { exitCode: 0, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {}, isTTY: false };
  try {
    await (await buildProgram(context)).parseAsync(['node', 'sloe', ...args]);
  } catch (error) {
    stderr += `sloe: ${(error as Error).message}\n`;
    return { code: context.exitCode || 1, stdout, stderr };
  }
  return { code: context.exitCode, stdout, stderr };
}

function serveProcess(data: string, specs: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [sloeEntry(), 'serve', '--listen', '127.0.0.1:0', '--data', data, '--slos', specs],
      { cwd: ROOT, timeout: 45_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: stdout + stderr }),
    );
    child.stdin?.end();
  });
}

describe('a damaged database', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('is named, with what to do, when serve starts on it, and doctor checks and repairs it', { timeout: 120_000 }, async () => {
    const { file, specs } = await healthyDatabase();
    expect(await sloe(['doctor', '--data', join(file, '..')])).toMatchObject({ code: 0, stdout: `${file}: ok (integrity_check)\n` });

    const truncated = damagedCopy(file, (copy) => truncateSync(copy, 8192));
    const garbled = damagedCopy(file, garbleAfterFirstPage);
    const notDatabase = damagedCopy(file, (copy) => {
      const descriptor = openSync(copy, 'r+');
      writeSync(descriptor, Buffer.from('this is not a database at all'), 0, 29, 0);
      closeSync(descriptor);
    });
    const expected: Record<string, RegExp> = {
      [truncated]: /truncated: 8192 bytes where its header declares \d+ pages/,
      [garbled]: /malformed|corrupt/i,
      [notDatabase]: /not an SQLite database/,
    };

    // A real `sloe serve` process: non-zero exit, the file named, the doctor command given.
    const served = await serveProcess(garbled, specs);
    expect(served.code).toBe(1);
    expect(served.output).toContain(`the database ${join(garbled, 'sloe.db')} is damaged`);
    expect(served.output).toContain(`sloe doctor --data ${garbled} --repair`);

    for (const [data, reason] of Object.entries(expected)) {
      const db = join(data, 'sloe.db');
      const start = await sloe(['serve', '--listen', '127.0.0.1:0', '--data', data, '--slos', specs]);
      expect(start.code).toBe(1);
      expect(start.stderr).toMatch(new RegExp(`the database ${db} is damaged \\(.*\\)\\. Stop sloe and run \`sloe doctor --data ${data}\``));
      expect(start.stderr).toMatch(reason);

      const check = await sloe(['doctor', '--data', data]);
      expect(check.code).toBe(1);
      expect(check.stdout).toMatch(reason);
      expect(check.stderr).toContain('--repair');

      const damagedBytes = statSync(db).size;
      const repair = await sloe(['doctor', '--data', data, '--repair']);
      expect(repair.code).toBe(0);
      expect(repair.stderr).toContain('!!! sloe doctor --repair: the database was damaged and has been replaced by an empty one.');
      const aside = readdirSync(data).filter((name) => /^sloe\.db\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/.test(name));
      expect(aside).toHaveLength(1);
      // Moved, not deleted or rewritten: the damaged bytes are all there for a salvage.
      expect(statSync(join(data, aside[0]!)).size).toBe(damagedBytes);
      expect(await sloe(['doctor', '--data', data])).toMatchObject({ code: 0 });
      openDatabase(db).close();
    }
    // And the daemon starts on the repaired folder.
    const daemon = await startDaemon(workspaceConfig(garbled, specs), { env: {}, logDestination: logSink().stream });
    expect((await fetch(`${daemon.url}/api/v1/slos/shop-availability`)).status).toBe(200);
    await daemon.stop();
    expect(existsSync(join(garbled, 'sloe.db'))).toBe(true);
  });
});

function workspaceConfig(data: string, specs: string) {
  mkdirSync(data, { recursive: true });
  const space = workspace();
  const base = space.config();
  return { ...base, dataDir: data, slos: [specs] };
}
