import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Cuts a long synchronous loop into slices of about `sliceMs` of wall time and lets the event loop turn between them,
 * so a gate request, an ingest body or a timer that arrives meanwhile waits for one slice, not for the whole loop.
 * The loop asks `due()` once per item and awaits `turn()` when it says so. The clock is read only every `checkEvery`
 * items, since reading it costs about as much as a cheap item; a slice can therefore overrun by that many items.
 */
export class TimeSlices {
  private sliceStarted = performance.now();
  private sinceCheck = 0;
  private turnsTaken = 0;

  constructor(
    private readonly sliceMs: number,
    private readonly checkEvery = 8,
  ) {
    if (!(sliceMs >= 0)) throw new Error(`a time slice must be 0 ms or more, got ${sliceMs}`);
  }

  /** True when the slice running since the last turn has had its time. */
  due(): boolean {
    if (++this.sinceCheck < this.checkEvery) return false;
    this.sinceCheck = 0;
    return performance.now() - this.sliceStarted >= this.sliceMs;
  }

  /** Lets everything already queued on the event loop run (setImmediate: after I/O callbacks), then starts a slice. */
  async turn(): Promise<void> {
    await nextTurn();
    this.turnsTaken++;
    this.sinceCheck = 0;
    this.sliceStarted = performance.now();
  }

  /** How many times the loop let the event loop turn. */
  get turns(): number {
    return this.turnsTaken;
  }
}
