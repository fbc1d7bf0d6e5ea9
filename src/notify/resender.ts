import type { Timers } from '../delivery/index.js';

/**
 * The lease timer: every `intervalMs` it calls `tick` with the timers' clock, until stopped. Its own part so the
 * notifier's decisions stay free of timers and can be driven by a test clock.
 */
export class Resender {
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private readonly tick: (now: number) => void;
  private handle: unknown;
  private running = false;

  constructor(options: { readonly timers: Timers; readonly intervalMs: number; readonly tick: (now: number) => void }) {
    this.timers = options.timers;
    this.intervalMs = options.intervalMs;
    this.tick = options.tick;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (!this.running) return;
      this.tick(this.timers.now());
      this.schedule();
    }, this.intervalMs);
    // Re-sends are no reason to keep a finished process alive; shutdown stops the timer explicitly.
    (this.handle as { unref?: () => void }).unref?.();
  }
}
