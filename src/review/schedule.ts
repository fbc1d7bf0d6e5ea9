import { CronTime } from 'cron';
import type { DocumentStore } from '../core/index.js';
import { SloeError } from '../core/index.js';
import type { ReviewMessage } from './announce.js';
import type { Report, ReportSelection } from './report.js';
import { reportSlackText } from './report-text.js';

/** DocumentStore namespace of reports sent, keyed by the dedupe key `<name>@<cron time>`. */
export const REPORT_SENT_NAMESPACE = 'review.reports-sent';
/** DocumentStore namespace of each schedule's cursor: the last cron time handled. */
export const REPORT_CURSOR_NAMESPACE = 'review.report-cursors';

/** One `reports:` entry as the scheduler takes it. */
export interface ReportSchedule {
  readonly name: string;
  /** Cron expression (5 fields; 6 with seconds), read by the `cron` package. */
  readonly schedule: string;
  readonly timeZone: string;
  /** The report covers [cron time − range, cron time). */
  readonly rangeMs: number;
  readonly services?: readonly string[];
  readonly slos?: readonly string[];
}

interface Cursor {
  /** Unix ms of the last cron time handled (sent or skipped). */
  readonly after: number;
  /** The schedule it was kept for: a changed schedule starts afresh. */
  readonly schedule: string;
  readonly timeZone: string;
}

/** What is stored per report sent: enough to show and to check what went out. */
export interface SentReport {
  readonly key: string;
  readonly name: string;
  readonly scheduledAt: string;
  readonly sentAt: string;
  readonly from: string;
  readonly to: string;
}

export interface ReportSchedulerOptions {
  readonly schedules: readonly ReportSchedule[];
  readonly documents: DocumentStore;
  /** One storage transaction: the sent record, the cursor and the queued messages commit together. */
  readonly transaction: (work: () => void) => void;
  readonly build: (selection: ReportSelection, range: { from: number; to: number }, now: number) => Report;
  /** Queues a message for one schedule's receivers (durably, inside the transaction). */
  readonly announce: (name: string, message: ReviewMessage) => void;
  /** Where the full report can be read (the UI's report page); in the Slack message. */
  readonly link?: (schedule: ReportSchedule, range: { from: number; to: number }) => string;
  readonly logger: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

/** Most cron times walked in one tick: a every-minute schedule after two months down. */
const MAX_STEPS = 100_000;

/**
 * Scheduled reports (`reports:`): at each cron time the report over the range before it goes, once, to the schedule's
 * receivers. Time is a parameter (`tick(now)`, called after every evaluation), so a report goes at the first
 * evaluation at or after its cron time. Once per cron time holds across restarts: the dedupe key `<name>@<cron time>`
 * is stored with the queued messages in one transaction, and a key already stored is never sent again. Replicas
 * sharing a store see each other's keys; replicas with copies of the same state send the same key, which webhook
 * receivers get as `id` and `Idempotency-Key` to drop repeats. After downtime only the latest missed cron time is
 * sent (a catch-up of every missed one would flood the channel with stale reports). A new or changed schedule starts
 * at the first tick: nothing from before it is sent.
 */
export class ReportScheduler {
  private readonly options: ReportSchedulerOptions;
  private readonly times: Map<string, CronTime>;

  constructor(options: ReportSchedulerOptions) {
    this.options = options;
    this.times = new Map();
    for (const schedule of options.schedules) {
      if (this.times.has(schedule.name)) throw new SloeError('config_invalid', `reports: the name ${schedule.name} is used twice (it keys what was sent)`);
      try {
        this.times.set(schedule.name, new CronTime(schedule.schedule, schedule.timeZone));
      } catch (error) {
        throw new SloeError('config_invalid', `reports[${schedule.name}].schedule: "${schedule.schedule}" is not a cron expression (${error instanceof Error ? error.message : String(error)}); expected 5 fields such as "0 9 * * 1"`, { cause: error });
      }
      if (!(schedule.rangeMs > 0)) throw new SloeError('config_invalid', `reports[${schedule.name}].range must be positive`);
    }
  }

  /** The next cron time after `after` (Unix ms). */
  nextAfter(name: string, after: number): number {
    const time = this.times.get(name);
    if (!time) throw new SloeError('not_found', `no report schedule named ${name}`);
    return time.getNextDateFrom(new Date(after)).toMillis();
  }

  /** Sends every report whose cron time has come since the last tick; returns the dedupe keys sent. */
  tick(now: number): string[] {
    const sent: string[] = [];
    for (const schedule of this.options.schedules) {
      const key = this.tickOne(schedule, now);
      if (key) sent.push(key);
    }
    return sent;
  }

  /** Reports sent, newest first. */
  sent(): SentReport[] {
    return this.options.documents
      .list(REPORT_SENT_NAMESPACE)
      .map(({ value }) => value as SentReport)
      .sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt));
  }

  private tickOne(schedule: ReportSchedule, now: number): string | undefined {
    const { documents } = this.options;
    const cursor = documents.get(REPORT_CURSOR_NAMESPACE, schedule.name) as Cursor | undefined;
    const fresh: Cursor = { after: now, schedule: schedule.schedule, timeZone: schedule.timeZone };
    if (!cursor || cursor.schedule !== schedule.schedule || cursor.timeZone !== schedule.timeZone) {
      documents.put(REPORT_CURSOR_NAMESPACE, schedule.name, fresh);
      return undefined;
    }
    let due: number | undefined;
    let skipped = 0;
    for (let next = this.nextAfter(schedule.name, cursor.after), steps = 0; next <= now && steps < MAX_STEPS; next = this.nextAfter(schedule.name, next), steps++) {
      if (due !== undefined) skipped++;
      due = next;
    }
    if (due === undefined) return undefined;
    if (skipped > 0) this.options.logger.warn({ report: schedule.name, skipped }, 'report cron times missed while down; sending only the latest');
    const key = `${schedule.name}@${new Date(due).toISOString()}`;
    const range = { from: due - schedule.rangeMs, to: due };
    const moved: Cursor = { ...cursor, after: due };
    let sentNow = false;
    this.options.transaction(() => {
      // Read inside the transaction: a replica writing the same store either committed first (seen here) or waits.
      if (documents.get(REPORT_SENT_NAMESPACE, key) !== undefined) {
        documents.put(REPORT_CURSOR_NAMESPACE, schedule.name, moved);
        return;
      }
      const report = this.options.build({ ...(schedule.services ? { services: schedule.services } : {}), ...(schedule.slos ? { slos: schedule.slos } : {}) }, range, now);
      const record: SentReport = { key, name: schedule.name, scheduledAt: new Date(due).toISOString(), sentAt: new Date(now).toISOString(), from: report.from, to: report.to };
      documents.put(REPORT_SENT_NAMESPACE, key, record);
      documents.put(REPORT_CURSOR_NAMESPACE, schedule.name, moved);
      this.options.announce(schedule.name, { type: 'sloe.report', id: key, text: reportSlackText(report, schedule.name, this.options.link?.(schedule, range)), body: { name: schedule.name, ...report } });
      sentNow = true;
    });
    if (!sentNow) return undefined;
    this.options.logger.info({ report: schedule.name, key }, 'scheduled report queued');
    return key;
  }
}
