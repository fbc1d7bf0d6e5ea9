import type { Timers } from '../../src/delivery/index.js';

/** A clock that moves only when the test says; callbacks due run in time order, with pending promises settled between. */
export class FakeTimers implements Timers {
  private current: number;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 10, 26, 12)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the timers waiting, from now. */
  waiting(): number[] {
    return [...this.pending.values()].map((timer) => timer.at - this.current).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    await settle();
    for (let guard = 0; guard < 10_000; guard++) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.current = Math.max(this.current, due[1].at);
      due[1].callback();
      await settle();
    }
    this.current = until;
  }
}

/** Lets promise chains started by a callback run to their next real wait. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
