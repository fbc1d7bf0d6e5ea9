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

/**
 * A counter in promtool's series notation: `perStep` more each step for `steps` steps, each segment continuing from
 * where the previous one ended (`0+5x10 55+10x9` ...).
 */
export function counter(segments: readonly { perStep: number; steps: number }[]): string {
  let value = 0;
  const parts: string[] = [];
  segments.forEach((segment, index) => {
    const first = index === 0 ? value : value + segment.perStep;
    const count = index === 0 ? segment.steps : segment.steps - 1;
    parts.push(`${first}+${segment.perStep}x${count}`);
    value = first + segment.perStep * count;
  });
  return parts.join(' ');
}
