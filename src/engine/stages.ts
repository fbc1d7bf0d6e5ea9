/** One stage of an evaluation cycle: what ran, when it started (Unix ms, sub-millisecond) and how long it took. */
export interface StageTiming {
  readonly stage: string;
  readonly startedAt: number;
  readonly durationMs: number;
}

/**
 * Times the consecutive stages of one cycle with the monotonic clock: `lap(stage)` closes the stage running since the
 * previous lap (or since construction) under that name. Start times are Unix ms so spans can be recorded afterwards.
 */
export class StageTimer {
  readonly stages: StageTiming[] = [];
  private mark = performance.now();

  lap(stage: string): void {
    const now = performance.now();
    this.stages.push({ stage, startedAt: performance.timeOrigin + this.mark, durationMs: now - this.mark });
    this.mark = now;
  }

  /** Runs `work` as its own stage (closing nothing that ran before it). */
  time<T>(stage: string, work: () => T): T {
    this.mark = performance.now();
    try {
      return work();
    } finally {
      this.lap(stage);
    }
  }
}
