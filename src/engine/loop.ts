export interface LoopOptions {
  readonly intervalMs: number;
  readonly clock: () => number;
  readonly evaluate: (now: number) => Promise<unknown>;
  readonly onError: (error: unknown) => void;
}

/**
 * Runs an evaluation every interval, one at a time: the next waits for the previous to finish, so a slow tick
 * delays the following one instead of piling up. `stop` waits for a running evaluation.
 */
export class EvaluationLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: LoopOptions) {
    if (!(options.intervalMs > 0)) throw new Error(`evaluation interval must be positive, got ${options.intervalMs}`);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.options
      .evaluate(this.options.clock())
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
