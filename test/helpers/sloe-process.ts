/**
 * A real `sloe serve` process for tests that kill, signal or restart it. It runs bin/sloe.js after `ensureBuilt`
 * has compiled any source newer than dist/, so it is always the code under test, never a stale build; call
 * `ensureBuilt` in the file's `beforeAll` so a compilation is not charged to the first test's time-out.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sloeEntry } from './build.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface SloeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr and stdout so far, for failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited(): Promise<number | string>;
}

/** Starts `sloe serve` with the given flags and resolves once `/readyz` answers 200 (bounded: `readyWithinMs`). */
export async function startSloe(port: number, args: readonly string[], readyWithinMs = 20_000): Promise<SloeProcess> {
  const child = spawn(process.execPath, [sloeEntry(), 'serve', '--listen', `127.0.0.1:${port}`, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLOE_LOG_LEVEL: process.env.SLOE_LOG_LEVEL ?? 'warn' },
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  let exitedEarly: number | string | undefined;
  void exit.then((code) => {
    exitedEarly = code;
  });
  while (Date.now() < deadline) {
    if (exitedEarly !== undefined) throw new Error(`sloe exited (${exitedEarly}) before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return { url, child, output: () => output, exited: () => exit };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`sloe was not ready within ${readyWithinMs} ms:\n${output}`);
}
