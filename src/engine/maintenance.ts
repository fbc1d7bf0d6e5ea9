import { CronTime } from 'cron';
import type { Exclusion, MaintenanceWindow, Slo } from '../core/index.js';
import { SloeError, mergeRanges } from '../core/index.js';

/**
 * A schedule firing more often than this within one expansion is refused rather than expanded (a typo such as
 * `* * * * *`). CronTime takes about 10 ms per occurrence here, so expansions are cached and extended, never redone.
 */
const MAX_OCCURRENCES = 5_000;

/**
 * One repeating maintenance window: a 5-field cron schedule in a time zone (the `cron` package's CronTime, which
 * follows the zone's DST: a time the clocks skip fires just after the jump), each occurrence excluding
 * [fire, fire + duration). Occurrences are computed once and cached, and the next one after the cached span is
 * remembered, so the engine can ask for the last 30 days every tick without calling CronTime again until a new
 * occurrence is due.
 */
export class MaintenanceSchedule {
  private readonly cron: CronTime;
  /** Every occurrence in (coveredFrom, coveredTo], ascending, and the first one after coveredTo. */
  private fires: number[] = [];
  private coveredFrom = 0;
  private coveredTo = 0;
  private nextAfterCovered = 0;
  private covered = false;

  constructor(readonly window: MaintenanceWindow) {
    const fields = window.schedule.trim().split(/\s+/);
    if (fields.length !== 5) {
      throw new SloeError('bad_maintenance', `maintenance schedule "${window.schedule}" must have 5 cron fields (minute hour day month weekday)`, { status: 400 });
    }
    if (!(window.duration > 0)) throw new SloeError('bad_maintenance', `maintenance window "${window.schedule}" needs a positive duration`, { status: 400 });
    try {
      this.cron = new CronTime(window.schedule, window.timeZone);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new SloeError('bad_maintenance', `maintenance schedule "${window.schedule}" in ${window.timeZone}: ${detail}`, { status: 400, cause: error });
    }
  }

  /** The occurrences overlapping [from, to), clipped to it, as exclusions carrying the window's reason. */
  exclusions(from: number, to: number): Exclusion[] {
    if (!(to > from)) return [];
    // An occurrence starting after from - duration reaches into [from, to); one starting at or after `to` does not.
    const earliest = from - this.window.duration;
    this.cover(earliest, to);
    const out: Exclusion[] = [];
    for (const fire of this.fires) {
      if (fire <= earliest || fire >= to) continue;
      out.push({ start: Math.max(fire, from), end: Math.min(fire + this.window.duration, to), reason: this.window.reason });
    }
    return out;
  }

  private cover(from: number, to: number): void {
    if (!this.covered) {
      const span = this.occurrences(this.nextFrom(from), from, to);
      [this.fires, this.nextAfterCovered] = [span.fires, span.next];
      [this.coveredFrom, this.coveredTo, this.covered] = [from, to, true];
      return;
    }
    if (from < this.coveredFrom) {
      this.fires = [...this.occurrences(this.nextFrom(from), from, this.coveredFrom).fires, ...this.fires];
      this.coveredFrom = from;
    }
    if (to > this.coveredTo) {
      const span = this.occurrences(this.nextAfterCovered, this.coveredTo, to);
      [this.fires, this.nextAfterCovered] = [[...this.fires, ...span.fires], span.next];
      this.coveredTo = to;
    }
  }

  private nextFrom(after: number): number {
    return this.cron.getNextDateFrom(new Date(after), this.window.timeZone).toMillis();
  }

  /** Occurrences in (after, until], starting from the first one (`first`), and the one after them. */
  private occurrences(first: number, after: number, until: number): { fires: number[]; next: number } {
    const fires: number[] = [];
    let next = first;
    while (next <= until) {
      fires.push(next);
      next = this.nextFrom(next);
      if (fires.length === 1 && next > fires[0]! && (until - after) / (next - fires[0]!) > MAX_OCCURRENCES) throw this.tooFrequent();
      if (fires.length >= MAX_OCCURRENCES) throw this.tooFrequent();
    }
    return { fires, next };
  }

  private tooFrequent(): SloeError {
    return new SloeError('bad_maintenance', `maintenance schedule "${this.window.schedule}" fires more than ${MAX_OCCURRENCES} times in the range asked for`, { status: 400 });
  }
}

const schedules = new Map<string, MaintenanceSchedule>();
const MAX_CACHED_SCHEDULES = 10_000;

function scheduleOf(window: MaintenanceWindow): MaintenanceSchedule {
  const key = JSON.stringify([window.schedule, window.timeZone, window.duration, window.reason]);
  let schedule = schedules.get(key);
  if (!schedule) {
    if (schedules.size >= MAX_CACHED_SCHEDULES) schedules.clear();
    schedule = new MaintenanceSchedule(window);
    schedules.set(key, schedule);
  }
  return schedule;
}

/** Every occurrence of the given maintenance windows that overlaps [from, to), clipped, in start order. */
export function expandMaintenance(windows: readonly MaintenanceWindow[], from: number, to: number): Exclusion[] {
  return windows.flatMap((window) => scheduleOf(window).exclusions(from, to)).sort((a, b) => a.start - b.start);
}

/** An SLO's maintenance as merged [start, end) pairs: the engine's `MaintenanceExpander`. */
export function maintenanceRanges(slo: Slo, from: number, to: number): (readonly [number, number])[] {
  return mergeRanges(expandMaintenance(slo.maintenance, from, to)).map((range) => [range.start, range.end] as const);
}

/** A problem with a maintenance window (bad schedule, time zone or duration), or undefined when it is usable. */
export function maintenanceProblem(window: MaintenanceWindow): string | undefined {
  try {
    scheduleOf(window);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
