import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { steadyHeapGrowth } from './heap-growth.js';

const MODULE = fileURLToPath(new URL('./heap-growth.ts', import.meta.url));

/**
 * A child Node that grows its live heap in steps (keeping a fifth of what it allocates), with or without
 * steadyHeapGrowth(), traced by V8: each full collection's live size after it, and the old-generation limit V8 set
 * for the next marking to start at.
 */
function limitsAfterCollections(steady: boolean): { liveMb: number; nextLimitMb: number }[] {
  const script = `
    if (${steady}) (await import(${JSON.stringify(MODULE)})).steadyHeapGrowth([]);
    const keep = [];
    let junk = [];
    for (let i = 0; i < 40000; i++) {
      junk.push(new Array(2000).fill(i));
      if (junk.length > 100) { keep.push(junk.slice(0, 20)); junk = []; }
    }`;
  const trace = execFileSync(process.execPath, ['--import', 'tsx', '--trace-gc', '--trace-incremental-marking', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const pairs: { liveMb: number; nextLimitMb: number }[] = [];
  let liveMb: number | undefined;
  for (const line of trace.split('\n')) {
    const collected = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(line);
    if (collected) liveMb = Number(collected[1]);
    const started = /\[IncrementalMarking\] Start \([^)]*\): \(size\/limit\/slack\) v8: \d+MB \/ (\d+)MB/.exec(line);
    if (started && liveMb !== undefined) pairs.push({ liveMb, nextLimitMb: Number(started[1]) });
  }
  return pairs;
}

describe('the heap growing factor sloe serve sets', () => {
  it('holds the old generation to twice the live heap (plus the young generation), where V8 would allow four times it', () => {
    const steady = limitsAfterCollections(true);
    const free = limitsAfterCollections(false);
    expect(steady.length).toBeGreaterThan(0);
    expect(free.length).toBeGreaterThan(0);
    // The limit is the factor times the old generation left alive, plus the young generation's capacity (16 MB here).
    for (const { liveMb, nextLimitMb } of steady) expect(nextLimitMb).toBeLessThanOrEqual(2 * liveMb + 32);
    expect(free[0]!.nextLimitMb).toBeGreaterThan(3 * free[0]!.liveMb);
  });

  it('leaves a factor given on the command line alone', () => {
    expect(steadyHeapGrowth(['--max-old-space-size=512', '--heap-growing-percent=50'])).toBe(false);
    expect(steadyHeapGrowth(['--heap_growing_percent=50'])).toBe(false);
  });
});
