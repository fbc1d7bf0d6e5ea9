/**
 * How late this process's event loop runs, measured by a timer that should fire every `intervalMs`: the delay past
 * its due time is what every other request (the gate, /healthz, the UI) waits before it is even read. One sampler per
 * process (the loop is the process's), started on first use and unref'd so it never holds the process open.
 */
export interface LoopLag {
  /** The lag now, ms: the smoothed recent lag, or the time the current turn of the loop has already run late. */
  currentMs(): number;
}

const INTERVAL_MS = 10;
/** Weight of the newest sample: a single late turn (a GC, one long evaluation) is halved by the next on-time turn. */
const SMOOTHING = 0.5;

class TimerLoopLag implements LoopLag {
  private smoothedMs = 0;
  private lastTick = performance.now();
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (this.timer !== undefined) return;
    this.lastTick = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const lateMs = Math.max(0, now - this.lastTick - INTERVAL_MS);
      this.lastTick = now;
      this.smoothedMs = SMOOTHING * lateMs + (1 - SMOOTHING) * this.smoothedMs;
    }, INTERVAL_MS);
    this.timer.unref();
  }

  currentMs(): number {
    // While the loop is busy the timer cannot fire; how overdue it is now counts at once, so a burst of requests read
    // in one long turn is refused part-way through that turn, not one turn later.
    const overdueMs = Math.max(0, performance.now() - this.lastTick - INTERVAL_MS);
    return Math.max(this.smoothedMs, overdueMs);
  }
}

let shared: TimerLoopLag | undefined;

/** The process's loop-lag sampler, started on first use. */
export function processLoopLag(): LoopLag {
  shared ??= new TimerLoopLag();
  shared.start();
  return shared;
}
