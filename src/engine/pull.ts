import type { BackfillStatus, EngineStore, RangePoint, RemoteSeries, TermIncrease } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { PullPlan, PullRead } from './plan.js';
import type { TermSeries } from './term-series.js';

/** How pulling from sources behaves (the `pull.*` configuration keys). */
export interface PullSettings {
  /** Longest range one backfill query covers; it is aligned to hours. */
  readonly chunkMs: number;
  /** Backfill queries per second, all sources together: a backfill must not starve the source's other users. */
  readonly queriesPerSecond: number;
  /** A minute is pulled once it ended this long ago (the source's own ingest lag). */
  readonly delayMs: number;
  /** Minutes before the cursor pulled again each tick, so samples the source received late are still counted. */
  readonly overlapMs: number;
  /** A pull this far behind is caught up by the backfill worker in chunks rather than by the tick. */
  readonly liveLimitMs: number;
  /** Wait after a failed query before that pull is tried again. */
  readonly retryMs: number;
  /** How far back a new pull's backfill reaches, when more than its SLOs' periods (a replay reaching further back). */
  readonly reach?: number;
}

export const DEFAULT_PULL_SETTINGS: PullSettings = { chunkMs: 24 * 3_600_000, queriesPerSecond: 20, delayMs: 15_000, overlapMs: 3 * FINE_BUCKET_MS, liveLimitMs: 15 * FINE_BUCKET_MS, retryMs: 30_000 };

/** The log calls a puller makes (pino's signature). */
export interface PullLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface PullerOptions {
  readonly store: EngineStore;
  readonly series: ReadonlyMap<string, TermSeries>;
  readonly remote: RemoteSeries;
  readonly pulls: readonly PullPlan[];
  readonly fineKeep: number;
  readonly settings: PullSettings;
  readonly clock: () => number;
  readonly log?: PullLog;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What is durable of a pull: the range its backfill fills and how far it has come (buckets before `cursor` are done). */
interface SavedProgress {
  readonly from: number;
  /** History pulls end where sloe's own ingest took over; live ones follow the clock. */
  readonly to?: number;
  readonly cursor: number;
}

interface Progress extends SavedProgress {
  busy: boolean;
  error?: string;
  retryAt?: number;
  /** Whether this pull has been reported as running (for the done log line). */
  announced: boolean;
}

const MARK = 'pull/';
const HOUR = COARSE_BUCKET_MS;
const STEP = FINE_BUCKET_MS;

/**
 * Keeps pulled terms' buckets equal to what their source answers. Each pull has a cursor (every bucket before it is
 * done): a tick pulls the few minutes since the cursor with one range query per pull, whatever the windows read; a pull
 * further behind (a new SLO's period, a changed query, a source that was down) is caught up by one background worker,
 * chunk by chunk, rate-limited, with the cursor saved after each chunk so a restart resumes where it stopped.
 *
 * A pulled range is written as the difference between the source's answer and what the store already holds for it, so
 * pulling a range twice (an overlap, a resumed chunk, a backfill started again) never counts anything twice.
 */
export class Puller {
  private readonly progress = new Map<string, Progress>();
  /** The pulls feeding each objective, so a status is read without scanning every pull. */
  private readonly byObjective = new Map<string, PullPlan[]>();
  private readonly sleep: (ms: number) => Promise<void>;
  private worker: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: PullerOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const saved = new Map<string, SavedProgress>();
    for (const { key, value } of options.store.alertStates()) if (key.startsWith(MARK)) saved.set(key.slice(MARK.length), value as SavedProgress);
    const now = options.clock();
    const fresh: { key: string; value: unknown }[] = [];
    for (const pull of options.pulls) {
      let known = saved.get(pull.id);
      if (!known || !Number.isFinite(known.cursor) || !Number.isFinite(known.from)) {
        // The period is filled from whole hours, so old buckets can be compared with the store's hourly ones.
        const from = Math.floor((now - Math.max(pull.reach, options.settings.reach ?? 0)) / HOUR) * HOUR;
        known = { from, cursor: from, ...(pull.mode === 'history' ? { to: Math.floor(now / STEP) * STEP } : {}) };
        fresh.push({ key: `${MARK}${pull.id}`, value: known });
      }
      this.progress.set(pull.id, { ...known, busy: false, announced: false });
      for (const objective of pull.objectives) {
        const pulls = this.byObjective.get(objective) ?? [];
        pulls.push(pull);
        this.byObjective.set(objective, pulls);
      }
    }
    options.store.saveAlertStates(fresh);
  }

  /**
   * Pulls what is new for every live pull that is caught up, and wakes the backfill worker for those that are not. Pulls
   * of one source over the same range are asked together (`RemoteSeries.rangeMany`), so the source can answer many
   * SLOs' queries of one shape with one query.
   */
  async tick(now: number): Promise<void> {
    const target = this.target(now);
    const batches = new Map<string, { source: string; from: number; pulls: PullPlan[] }>();
    for (const pull of this.options.pulls) {
      const progress = this.progress.get(pull.id)!;
      const live = pull.mode === 'live' && !progress.busy && target - progress.cursor <= this.options.settings.liveLimitMs && (progress.retryAt ?? 0) <= now && target > progress.cursor;
      if (!live) continue;
      const from = this.rangeStart(Math.max(progress.from, progress.cursor - this.options.settings.overlapMs), now);
      if (target <= from) continue;
      const key = `${pull.source}\u0000${from}`;
      const batch = batches.get(key) ?? { source: pull.source, from, pulls: [] };
      batch.pulls.push(pull);
      batches.set(key, batch);
    }
    for (const { source, from, pulls } of batches.values()) {
      const started = pulls.map((pull) => this.begin(pull));
      const answers = await this.options.remote.rangeMany(source, pulls.map((pull) => pull.promql), from + STEP, target, STEP);
      pulls.forEach((pull, index) => {
        const answer = answers[index] ?? { error: new Error('the source gave no answer for this query') };
        if ('error' in answer) this.fail(pull, started[index]!, answer.error);
        else this.land(pull, started[index]!, answer.points, from, target, now);
      });
    }
    if (this.behind(now).length > 0) this.worker ??= this.backfill().finally(() => (this.worker = undefined));
  }

  /** The backfill state of one objective (undefined when nothing is pulled for it). */
  status(objective: string, now: number): BackfillStatus | undefined {
    const target = this.target(now);
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    let done = 0;
    let span = 0;
    let running = false;
    let reason: string | undefined;
    for (const pull of this.byObjective.get(objective) ?? []) {
      const progress = this.progress.get(pull.id)!;
      const end = progress.to ?? target;
      from = Math.min(from, progress.from);
      to = Math.max(to, end);
      span += Math.max(0, end - progress.from);
      done += Math.max(0, Math.min(progress.cursor, end) - progress.from);
      if (this.isBehind(pull, progress, target)) running = true;
      reason ??= progress.error;
    }
    if (!Number.isFinite(from)) return undefined;
    const state = reason !== undefined ? 'failed' : running ? 'running' : 'done';
    return { state, progress: span === 0 ? 1 : Math.min(1, done / span), from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...(reason === undefined ? {} : { reason }) };
  }

  /** Fills the named objectives' periods again from their source (all of them when none is named); returns the pulls restarted. */
  restart(objectives: readonly string[] | undefined, now: number): number {
    const marks: { key: string; value: unknown }[] = [];
    for (const pull of this.options.pulls) {
      if (objectives && !pull.objectives.some((name) => objectives.includes(name))) continue;
      const progress = this.progress.get(pull.id)!;
      const from = Math.floor((now - pull.reach) / HOUR) * HOUR;
      const to = pull.mode === 'history' ? (progress.to ?? Math.floor(now / STEP) * STEP) : undefined;
      const restarted: Progress = { from, cursor: from, ...(to === undefined ? {} : { to }), busy: progress.busy, announced: false };
      this.progress.set(pull.id, restarted);
      marks.push({ key: `${MARK}${pull.id}`, value: saved(restarted) });
    }
    this.options.store.saveAlertStates(marks);
    if (marks.length > 0) this.worker ??= this.backfill().finally(() => (this.worker = undefined));
    return marks.length;
  }

  /** Resolves when the backfill worker has nothing left to do (or is waiting out a failed source). */
  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** The reasons pulls are failing now, one per failing pull. */
  failures(): string[] {
    return this.options.pulls.flatMap((pull) => {
      const error = this.progress.get(pull.id)?.error;
      return error === undefined ? [] : [`${pull.promql}: ${error}`];
    });
  }

  /** Stops the backfill worker after its current chunk (the cursor of that chunk is saved). */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker;
  }

  /** The end of the newest bucket complete enough to pull: the last minute boundary at least `delay` ago. */
  private target(now: number): number {
    return Math.floor((now - this.options.settings.delayMs) / STEP) * STEP;
  }

  private isBehind(pull: PullPlan, progress: Progress, target: number): boolean {
    if (pull.mode === 'history') return progress.cursor < (progress.to ?? target);
    return target - progress.cursor > this.options.settings.liveLimitMs;
  }

  private behind(now: number): PullPlan[] {
    const target = this.target(now);
    return this.options.pulls.filter((pull) => {
      const progress = this.progress.get(pull.id)!;
      return !progress.busy && (progress.retryAt ?? 0) <= now && this.isBehind(pull, progress, target);
    });
  }

  /** One pull at a time, one chunk at a time, paced to `queriesPerSecond`; a pull finishes before the next starts. */
  private async backfill(): Promise<void> {
    const pause = 1000 / this.options.settings.queriesPerSecond;
    // A pull that failed waits for a later tick: the worker does not hammer a source that is down.
    const failed = new Set<string>();
    while (!this.closed) {
      const now = this.options.clock();
      const pull = this.behind(now).find((candidate) => !failed.has(candidate.id));
      if (!pull) return;
      const progress = this.progress.get(pull.id)!;
      if (!progress.announced) {
        progress.announced = true;
        this.options.log?.info({ pull: pull.id, objectives: pull.objectives, from: new Date(progress.cursor).toISOString() }, 'backfill running');
      }
      const end = Math.min(progress.to ?? this.target(now), alignedChunkEnd(progress.cursor, this.options.settings.chunkMs));
      const ok = await this.pullRange(pull, progress, progress.cursor, end, now);
      if (!ok) failed.add(pull.id);
      if (ok && !this.isBehind(pull, this.progress.get(pull.id)!, this.target(this.options.clock()))) {
        this.options.log?.info({ pull: pull.id, objectives: pull.objectives }, 'backfill done');
      }
      await this.sleep(pause);
    }
  }

  /**
   * Pulls the buckets in [start, end) (one range query: the points at start + 1 min … end, each the events of the
   * minute it ends) and writes the difference to what is stored; moves the cursor to `end` when it is ahead.
   */
  private async pullRange(pull: PullPlan, progress: Progress, start: number, end: number, now: number): Promise<boolean> {
    const from = this.rangeStart(start, now);
    if (end <= from) return true;
    this.begin(pull);
    let points: readonly RangePoint[];
    try {
      points = await this.options.remote.range(pull.source, pull.promql, from + STEP, end, STEP);
    } catch (error) {
      this.fail(pull, progress, error as Error);
      return false;
    }
    this.land(pull, progress, points, from, end, now);
    return true;
  }

  /** Old buckets are only kept hourly: a range reaching them starts on an hour, so whole hours are compared. */
  private rangeStart(start: number, now: number): number {
    const fineFrom = this.fineFrom(now);
    return start < fineFrom ? Math.floor(start / HOUR) * HOUR : start;
  }

  /** Where the 1-minute buckets begin: before it the store may hold only hourly ones. */
  private fineFrom(now: number): number {
    return Math.ceil((now - this.options.fineKeep) / HOUR) * HOUR;
  }

  /** Marks a pull as in flight (no second query for it meanwhile); returns its progress as it was when asked. */
  private begin(pull: PullPlan): Progress {
    const progress = this.progress.get(pull.id)!;
    progress.busy = true;
    return progress;
  }

  /** A failed query: the reason is kept (and logged once per new reason), and the pull waits `retryMs`. */
  private fail(pull: PullPlan, progress: Progress, error: Error): void {
    progress.busy = false;
    const reason = error.message;
    if (progress.error !== reason) this.options.log?.warn({ pull: pull.id, objectives: pull.objectives, err: error }, 'pull failed');
    progress.error = reason;
    progress.retryAt = this.options.clock() + this.options.settings.retryMs;
  }

  /** Writes the pulled points of [from, end) as differences to what is stored, and moves the cursor. */
  private land(pull: PullPlan, progress: Progress, points: readonly RangePoint[], from: number, end: number, now: number): void {
    const fineFrom = this.fineFrom(now);
    const rows: TermIncrease[] = [];
    for (const target of pull.targets) rows.push(...this.differences(target.key, target.read, points, from, end, fineFrom));
    this.options.store.commit(rows, []);
    for (const row of rows) this.options.series.get(row.term)?.add(row.bucket, row.value);
    const current = this.progress.get(pull.id)!;
    current.busy = false;
    delete current.error;
    delete current.retryAt;
    // A restart while this range was in flight set a new cursor: that one stands.
    if (current === progress && end > progress.cursor) {
      const moved: Progress = { ...progress, cursor: end };
      this.progress.set(pull.id, moved);
      this.options.store.saveAlertStates([{ key: `${MARK}${pull.id}`, value: saved(moved) }]);
    }
  }

  /** The increases that make the stored buckets of `key` in [from, end) equal the pulled points. */
  private differences(key: string, read: PullRead, points: readonly RangePoint[], from: number, end: number, fineFrom: number): TermIncrease[] {
    const pulled = new Map<number, number>();
    for (const point of points) {
      const bucket = point.t - STEP;
      if (bucket < from || bucket >= end) continue;
      pulled.set(bucket, valueOf(read, point.value));
    }
    const rows: TermIncrease[] = [];
    const hourlyEnd = Math.min(end, fineFrom);
    if (from < hourlyEnd) {
      // Hours whose minutes the store may have pruned: compared hour by hour, the difference put in the hour's first minute.
      const wanted = new Map<number, number>();
      for (const [bucket, value] of pulled) if (bucket < hourlyEnd) wanted.set(bucket - (bucket % HOUR), (wanted.get(bucket - (bucket % HOUR)) ?? 0) + value);
      const stored = new Map(this.options.store.buckets('coarse', key, from, hourlyEnd).map((row) => [row.t, row.value] as const));
      for (const hour of new Set([...wanted.keys(), ...stored.keys()])) {
        const difference = (wanted.get(hour) ?? 0) - (stored.get(hour) ?? 0);
        if (difference !== 0) rows.push({ term: key, bucket: hour, value: difference });
      }
    }
    const minutesFrom = Math.max(from, hourlyEnd);
    if (minutesFrom < end) {
      const stored = new Map(this.options.store.buckets('fine', key, minutesFrom, end).map((row) => [row.t, row.value] as const));
      const buckets = new Set([...stored.keys()]);
      for (const bucket of pulled.keys()) if (bucket >= minutesFrom) buckets.add(bucket);
      for (const bucket of [...buckets].sort((a, b) => a - b)) {
        const difference = (pulled.get(bucket) ?? 0) - (stored.get(bucket) ?? 0);
        if (difference !== 0) rows.push({ term: key, bucket, value: difference });
      }
    }
    return rows.sort((a, b) => a.bucket - b.bucket);
  }
}

function valueOf(read: PullRead, value: number): number {
  switch (read) {
    case 'events':
      // A counter's increase cannot be negative; a negative sum can only be a bad-event query gone odd.
      return Math.max(0, value);
    case 'share':
      return Math.min(1, Math.max(0, value));
    case 'complement':
      return 1 - Math.min(1, Math.max(0, value));
    case 'one':
      return 1;
  }
}

/** The end of the chunk starting at `cursor`: on an hour boundary, at most `chunk` later (and at least an hour). */
function alignedChunkEnd(cursor: number, chunk: number): number {
  return Math.max(Math.floor((cursor + chunk) / HOUR) * HOUR, Math.floor(cursor / HOUR) * HOUR + HOUR);
}

function saved(progress: Progress): SavedProgress {
  return { from: progress.from, cursor: progress.cursor, ...(progress.to === undefined ? {} : { to: progress.to }) };
}
