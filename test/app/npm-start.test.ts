import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { sloSpec, workspace } from './daemon-fixture.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function answers(url: string): Promise<boolean> {
  return fetch(`${url}/readyz`).then((response) => response.ok, () => false);
}

async function until(condition: () => Promise<boolean>, withinMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('the daemon as a user starts it', () => {
  const started: ChildProcess[] = [];
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => {
    // Each was started in its own process group: take the group, so nothing outlives the test even if it failed.
    for (const child of started) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        // ESRCH: the whole group has exited, as it should have.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  });

  it('npm start: SIGTERM to npm stops the daemon too, as a process manager or CI runner expects', async () => {
    const space = workspace();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    // Later flags win, so the test's listen address and data folder replace the script's defaults.
    const npm = spawn('npm', ['start', '--', '--listen', `127.0.0.1:${port}`, '--data', space.data], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLOE_LOG_FORMAT: 'json' } });
    started.push(npm);
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = exitOf(npm);
    await until(() => answers(url), 30_000, () => `npm start did not become ready:\n${output}`);

    npm.kill('SIGTERM');
    await exited;
    await until(async () => !(await answers(url)), 15_000, () => `the daemon outlived npm:\n${output}`);
    expect(output).toContain('"msg":"sloe stopped"');
  }, 60_000);

  it('sloe serve writes only log lines, each one JSON object with one key per field', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const port = await freePort();
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'sloe.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--slos', space.specs, '--data', space.data, '--log-level', 'debug'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A misspelt variable: its warning must be a log line too.
      env: { PATH: process.env.PATH ?? '', SLOE_EVALUATION_INTERVAL: '1s', SLOE_LISTN: 'x' },
    });
    started.push(child);
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = exitOf(child);
    await until(() => answers(`http://127.0.0.1:${port}`), 30_000, () => `sloe did not become ready:\n${stdout}${stderr}`);
    await until(() => Promise.resolve(stdout.includes('"msg":"evaluated"')), 15_000, () => `no evaluation was logged:\n${stdout}`);
    child.kill('SIGTERM');
    expect(await exitOf(child).then(() => exited)).toEqual({ code: 0, signal: null });

    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    for (const line of lines) {
      expect(() => JSON.parse(line) as unknown, line).not.toThrow();
      const keys = [...line.matchAll(/"([\w.]+)":/g)].map((match) => match[1]).filter((key) => key !== 'config');
      expect(keys.filter((key) => key === 'service'), line).toHaveLength(1);
    }
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(['sloe listening', 'SLOE_LISTN is not a configuration variable; it is ignored', 'shutting down', 'sloe stopped']));
  }, 60_000);
});
