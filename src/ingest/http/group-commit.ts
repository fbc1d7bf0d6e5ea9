import type { AppendRequest, AppendResult, SampleAppender } from '../../core/index.js';
import { SloeError } from '../../core/index.js';
import type { TurnQueue } from './turn-queue.js';

interface Waiting extends AppendRequest {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** How long the first request of a group waits for others (ms): the latency traded for one commit per group. */
  readonly windowMs: number;
  /**
   * The most series one commit takes. A group reaching it is committed without waiting out the window, and a longer
   * queue is committed in pieces of about this size, each on its own turn of the event loop: one commit is as long a
   * stretch as any other request can wait behind.
   */
  readonly maxSeries: number;
  /** Where commits run, one per turn, in order with the rest of ingest's work (decoding). */
  readonly turns: TurnQueue;
  /** Told the size of each commit (requests), committed or failed. */
  readonly onGroup?: (requests: number) => void;
}

/**
 * Group commit: requests decoded within a few milliseconds of each other are appended as one group, one store
 * transaction, and each request's promise settles only once that transaction has committed (or failed, for all of
 * them). So a 2xx still means durable, while the commit's fixed cost is shared by the whole group.
 *
 * A group never holds more than `maxSeries` series (one request bigger than that is a group of its own): what waits
 * beyond it is the next group, committed on a later turn. A crash between two groups loses only requests not yet
 * acknowledged, since each settles with its own group's commit.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private waitingSeries = 0;
  private timer: NodeJS.Timeout | undefined;
  /** A commit is queued on the turn queue and has not run yet. */
  private queued = false;

  constructor(
    private readonly appender: SampleAppender,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Resolves with the request's own result once its group is committed; rejects when the commit failed. */
  append(request: AppendRequest): Promise<AppendResult> {
    // An appender without groups commits each request on its own, before the promise settles.
    if (this.appender.appendGroup === undefined) {
      // Known series come only from an appender's own index, and only one with groups offers it.
      if (request.known !== undefined) return Promise.reject(new SloeError('known_series_unsupported', 'this appender takes no known series'));
      return new Promise((resolve) => resolve(this.appender.append(request.series, request.protocol)));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiting.push({ ...request, resolve, reject });
      this.waitingSeries += seriesOf(request);
      if (this.waitingSeries >= this.options.maxSeries) this.queueCommit();
      else this.timer ??= setTimeout(() => this.queueCommit(), this.options.windowMs);
    });
  }

  /** Commits whatever waits now, group after group, without yielding (at shutdown, so no request is left hanging). */
  flush(): void {
    this.clearTimer();
    while (this.waiting.length > 0) this.commitNextGroup();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The window is over (or the group full): its commit takes the next free turn. */
  private queueCommit(): void {
    this.clearTimer();
    if (this.queued) return;
    this.queued = true;
    void this.options.turns.run(() => {
      this.queued = false;
      this.commitNextGroup();
      // What is left arrived with this group or while it waited its turn: its window is over too.
      if (this.waiting.length > 0) this.queueCommit();
      else this.clearTimer();
    });
  }

  /** Takes the oldest requests, up to `maxSeries` series (at least one request), and commits them as one group. */
  private commitNextGroup(): void {
    let take = 0;
    let series = 0;
    while (take < this.waiting.length && (take === 0 || series + seriesOf(this.waiting[take]!) <= this.options.maxSeries)) series += seriesOf(this.waiting[take++]!);
    const group = this.waiting.splice(0, take);
    this.waitingSeries -= series;
    if (group.length === 0) return;
    this.options.onGroup?.(group.length);
    let results: AppendResult[];
    try {
      results = this.appender.appendGroup!(group);
    } catch (error) {
      for (const request of group) request.reject(error);
      return;
    }
    group.forEach((request, i) => request.resolve(results[i]!));
  }
}

/** The series a request adds to its group, by name or by known handle. */
function seriesOf(request: AppendRequest): number {
  return request.series.length + (request.known?.length ?? 0);
}
