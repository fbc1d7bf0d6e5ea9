/**
 * Preloaded into the daemon by `bench/gate/run.ts --loop-blocks` (`node --import`): measures how long the event
 * loop is blocked, since a gate answer can only wait behind synchronous work. Two views:
 * - perf_hooks' `monitorEventLoopDelay` histogram (sampled every 1 ms by libuv, in nanoseconds);
 * - every block in which the process spent at least BLOCK_MS of CPU between two ticks of a 2 ms timer, with its wall
 *   time (how late the tick fired) and when it ended, so the list can be laid beside a `--cpu-prof` profile to name
 *   the work. On a shared machine the wall time includes the time the process waited for a core; the CPU time
 *   (process.cpuUsage, so it includes libuv's and V8's helper threads) is the block's own size.
 * SIGUSR2 starts the measured window afresh (run.ts sends it when the ingest phase begins); on exit the figures go
 * as JSON to the file named by SLOE_BENCH_LOOP_BLOCKS. Bench-only: nothing in src imports this.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const TICK_MS = 2;
const BLOCK_MS = 5;
const output = process.env.SLOE_BENCH_LOOP_BLOCKS;

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
let windowStart = performance.now();
let blocks: { endedAtMs: number; cpuMs: number; wallMs: number; endedAtUs: number }[] = [];
let expected = performance.now() + TICK_MS;
let cpuBefore = process.cpuUsage();
const round = (ms: number): number => Math.round(ms * 10) / 10;
const timer = setInterval(() => {
  const now = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (cpuMs >= BLOCK_MS) blocks.push({ endedAtMs: Math.round(now - windowStart), cpuMs: round(cpuMs), wallMs: round(now - expected + TICK_MS), endedAtUs: Number(process.hrtime.bigint() / 1000n) });
  expected = now + TICK_MS;
  cpuBefore = process.cpuUsage();
}, TICK_MS);
timer.unref();

process.on('SIGUSR2', () => {
  histogram.reset();
  blocks = [];
  windowStart = performance.now();
});

process.on('exit', () => {
  if (output === undefined) return;
  const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1e4) / 100;
  const sizes = [5, 10, 25, 50, 100, 200].map((atLeast) => ({ cpuAtLeastMs: atLeast, count: blocks.filter((block) => block.cpuMs >= atLeast).length }));
  writeFileSync(
    output,
    JSON.stringify({
      windowSeconds: Math.round(performance.now() - windowStart) / 1000,
      delay: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), p999: ms(histogram.percentile(99.9)), max: ms(histogram.max), samples: histogram.count },
      sizes,
      longest: [...blocks].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 15),
      all: process.env.SLOE_BENCH_LOOP_BLOCKS_ALL === undefined ? undefined : blocks,
    }),
  );
});
