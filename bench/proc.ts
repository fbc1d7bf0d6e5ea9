/**
 * What the benchmarks read from /proc and taskset: CPU used by a process tree, CPU the whole machine was busy (so a
 * run can say how much other processes took meanwhile on a shared machine), and pinning to a core.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';

const CLOCK_TICKS = 100;

/** utime+stime (seconds) of a process and all its descendants, read from /proc. */
export function treeCpuSeconds(root: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // After the command: state, ppid (index 1), ..., utime (11), stime (12).
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we read.
    }
  }
  let total = 0;
  for (const [pid, own] of ticks) {
    let at: number | undefined = pid;
    while (at !== undefined && at !== root && at > 1) at = parents.get(at);
    if (at === root) total += own;
  }
  return total / CLOCK_TICKS;
}

/** Busy CPU-seconds of the whole machine so far, from /proc/stat. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/** Pins every thread of a running process to one core (`taskset -a -p -c CORE PID`). */
export function pinProcess(pid: number, core: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
}

/**
 * CPU the processes outside `ours` used between two readings: what the shared machine's other tenants took while a
 * figure was measured. Start it before the measurement, call the result after.
 */
export function otherProcessesMeter(ours: readonly number[]): () => { otherCpuSeconds: number; load1: number } {
  const load1 = loadavg()[0] ?? 0;
  const machine = machineBusySeconds();
  const own = ours.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  return () => {
    const ownNow = ours.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
    return { otherCpuSeconds: Math.max(0, machineBusySeconds() - machine - (ownNow - own)), load1 };
  };
}
