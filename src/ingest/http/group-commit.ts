import type { AppendRequest, AppendResult, SampleAppender } from '../../core/index.js';
import { SloeError } from '../../core/index.js';

interface Waiting extends AppendRequest {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** How long the first request of a group waits for others (ms): the latency traded for one commit per group. */
  readonly windowMs: number;
  /** A group holding this many series is committed at once, without waiting out the window. */
  readonly maxSeries: number;
  /** Told the size of each group committed (or failed). */
  readonly onGroup?: (requests: number) => void;
}

/**
 * Group commit: requests decoded within a few milliseconds of each other are appended as one group, one store
 * transaction, and each request's promise settles only once that transaction has committed (or failed, for all of
 * them). So a 2xx still means durable, while the commit's fixed cost is shared by the whole group.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private waitingSeries = 0;
  private timer: NodeJS.Timeout | undefined;

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
      this.waitingSeries += request.series.length + (request.known?.length ?? 0);
      if (this.waitingSeries >= this.options.maxSeries) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  /** Commits whatever waits now (also on shutdown, so no request is left hanging). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.waiting;
    this.waiting = [];
    this.waitingSeries = 0;
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
