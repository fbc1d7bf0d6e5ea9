import { spawnSync } from 'node:child_process';
import { requireBinary } from '../helpers/binaries.js';

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs the real promtool with a bounded time, returning its exit status and combined output. */
export function promtool(args: readonly string[], cwd?: string): PromtoolResult {
  const run = spawnSync(requireBinary('promtool'), [...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
