/**
 * Ingest's work, one piece per turn of the event loop. The gate, /healthz and the UI are answered on the same loop as
 * remote write, and a request waits behind whatever synchronous work the loop is doing when its bytes arrive. Decoding
 * the writes that arrived together, then committing their group, used to run back to back: tens of milliseconds
 * without a pause. Here each task runs in its own `setImmediate` callback, and the next is scheduled only once it has
 * finished; Node runs an immediate queued from inside an immediate on the loop's next iteration, after polling for
 * I/O. So a request that arrived while a task ran is answered before the next task starts, and what it can wait
 * behind is one task: one request's decoding, or one commit of at most `limits.groupCommitMaxSeries` series.
 *
 * Tasks run in the order they were queued (writes and commits keep their order); a task that throws rejects its own
 * promise and the queue goes on.
 */
export class TurnQueue {
  private readonly tasks: (() => void)[] = [];
  private scheduled = false;

  /** Runs `task` on a later turn, after every task queued before it; settles with what it returns or throws. */
  run<T>(task: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.tasks.push(() => {
        try {
          resolve(task());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      this.schedule();
    });
  }

  /** Tasks waiting for their turn (the one running excluded). */
  get waiting(): number {
    return this.tasks.length;
  }

  private schedule(): void {
    if (this.scheduled || this.tasks.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tasks.shift()?.();
      this.schedule();
    });
  }
}
