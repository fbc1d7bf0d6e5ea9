/** One stage of an evaluation cycle: what ran, when it started (Unix ms, sub-millisecond) and how long it took. */
export interface StageTiming {
  readonly stage: string;
  readonly startedAt: number;
  readonly durationMs: number;
  /**
   * The process's CPU time during the stage (user and system, every thread: V8's GC helpers included), which on a
   * shared machine says more about the stage's cost than its wall time.
   */
  readonly cpuMs: number;
}

/**
 * Times the consecutive stages of one cycle with the monotonic clock: `lap(stage)` closes the stage running since the
 * previous lap (or since construction) under that name. Start times are Unix ms so spans can be recorded afterwards.
 */
export class StageTimer {
  readonly stages: StageTiming[] = [];
  private mark = performance.now();
  private cpuMark = process.cpuUsage();

  lap(stage: string): void {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const cpuMs = (cpu.user - this.cpuMark.user + cpu.system - this.cpuMark.system) / 1000;
    this.stages.push({ stage, startedAt: performance.timeOrigin + this.mark, durationMs: now - this.mark, cpuMs });
    this.mark = now;
    this.cpuMark = cpu;
  }

  /** Runs `work` as its own stage (closing nothing that ran before it). */
  time<T>(stage: string, work: () => T): T {
    this.mark = performance.now();
    this.cpuMark = process.cpuUsage();
    try {
      return work();
    } finally {
      this.lap(stage);
    }
  }
}
