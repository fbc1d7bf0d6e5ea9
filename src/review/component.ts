import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Component, DocumentStore, Evaluation, EventsReader, HistoryReader, IncidentStore, Journal, StatusReader } from '../core/index.js';
import { DAY, SloeError, badRequest, objectiveIdentity } from '../core/index.js';
import type { Fetch, Timers } from '../delivery/index.js';
import { Announcer } from './announce.js';
import type { ReviewReceivers } from './announce.js';
import { IncidentTracker } from './incident-tracker.js';
import { parseOpenRange, parseRange } from './params.js';
import { Postmortems } from './postmortems.js';
import type { Postmortem } from './postmortems.js';
import { buildReport } from './report.js';
import type { Report, ReportSelection } from './report.js';
import { reportMarkdown } from './report-text.js';
import { explainBudget } from './explain.js';
import type { BudgetExplanation } from './explain.js';
import { ReportScheduler } from './schedule.js';
import type { ReportSchedule, SentReport } from './schedule.js';
import { incidentView, serviceSummaries } from './summary.js';
import type { IncidentView } from './summary.js';
import { firstSent } from './timeline.js';

/** What the review component logs through; pino's Logger fits. */
export interface ReviewLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ReviewComponentOptions {
  readonly incidents: IncidentStore;
  readonly journal: Journal;
  readonly documents: DocumentStore;
  readonly transaction: (work: () => void) => void;
  readonly registry: Registry;
  readonly clock: () => number;
  /** `postmortemThreshold`: an incident spending more than this share of its period's budget gets a postmortem. */
  readonly postmortemThreshold: number;
  /** `postmortems`: where postmortems are announced. */
  readonly postmortemReceivers: ReviewReceivers;
  readonly logger: ReviewLogger;
  /** What reports read of the engine. */
  readonly engine: { readonly statuses: StatusReader; readonly history: HistoryReader; readonly events: EventsReader };
  /** `reports:`: scheduled reports and where each goes. */
  readonly reports?: readonly (ReportSchedule & { readonly receivers: ReviewReceivers })[];
  /** The URL users reach sloe at: the Slack message of a scheduled report links the report page there. */
  readonly publicUrl?: string;
  /** Tests hand in their own fetch and timers. */
  readonly fetch?: Fetch;
  readonly timers?: Timers;
}

/** The review component as the app composes it, with what reports and the MCP server read. */
export interface ReviewComponent extends Component<Hono> {
  /** Incidents overlapping [from, to), oldest first. */
  incidents(query: { slo?: string; service?: string; from: number; to: number }): IncidentView[];
  postmortems(filter?: { service?: string; slo?: string }): Postmortem[];
  /** The report over [from, to) of the selected SLOs (all when the selection is empty). */
  report(selection: ReportSelection, range: { from: number; to: number }): Report;
  /**
   * The report as `GET /api/v1/reports` and the MCP tool `get_report` ask for it: times as text (Unix seconds or RFC
   * 3339, default the 30 days before now), Markdown or JSON. A bad time is a SloeError with status 400.
   */
  reportFor(query: ReportQuery): Report | string;
  /**
   * What spent an objective's budget (the MCP tool `explain_budget`): times as for `reportFor`, default its period up
   * to now; undefined for an unknown objective.
   */
  explainBudget(query: { name: string; from?: string; to?: string }): BudgetExplanation | undefined;
  /** Sends the scheduled reports due at `now` (also run after every evaluation); returns their dedupe keys. */
  sendDueReports(now: number): string[];
  /** Scheduled reports sent, newest first. */
  sentReports(): SentReport[];
  /** Settles the postmortem announcements queued so far (tests; shutdown does it too). */
  flush(timeoutMs: number): Promise<boolean>;
}

/** A report asked for with text parameters, as the API and the MCP tool receive them. */
export interface ReportQuery extends ReportSelection {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly format: 'json' | 'markdown';
}

/** Default range of `GET /api/v1/incidents` without `from`: one 30-day period back. */
const DEFAULT_SPAN = 30 * DAY;

/**
 * Incidents and postmortems (docs/reviews.md) as one part of the daemon: after each evaluation it updates the incident
 * records from the statuses and transitions (and the notification journal, for detection), and turns a final incident
 * that spent more than the threshold into one announced postmortem. It must come after notify in the composition, so
 * the notifications of an evaluation are journalled when it looks for them.
 */
export function createReviews(options: ReviewComponentOptions): ReviewComponent {
  if (!(options.postmortemThreshold > 0 && options.postmortemThreshold <= 1)) throw new SloeError('config_invalid', `postmortemThreshold must be in (0, 1], got ${options.postmortemThreshold}`);
  const tracker = new IncidentTracker(options.incidents, (objective, since, group) => firstSent(options.journal, objective, since, group));
  const announcer = new Announcer({
    name: 'postmortems',
    receivers: options.postmortemReceivers,
    store: options.documents,
    registry: options.registry,
    logger: options.logger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const postmortems = new Postmortems({
    documents: options.documents,
    journal: options.journal,
    threshold: options.postmortemThreshold,
    transaction: options.transaction,
    announce: (postmortem) =>
      announcer.announce({
        type: 'sloe.postmortem',
        text: `*Postmortem needed*: ${objectiveIdentity({ name: postmortem.objective, ...(postmortem.group ? { group: postmortem.group } : {}) })} (${postmortem.service}) spent ${(postmortem.budgetSpent * 100).toFixed(1)} % of its error budget in one incident, ${postmortem.startedAt} to ${postmortem.endedAt} (threshold ${(postmortem.threshold * 100).toFixed(0)} %).`,
        body: postmortem,
      }),
  });

  const reportAnnouncers = new Map(
    (options.reports ?? []).map((schedule) => [
      schedule.name,
      new Announcer({
        name: `report-${schedule.name}`,
        receivers: schedule.receivers,
        store: options.documents,
        registry: options.registry,
        logger: options.logger,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.timers ? { timers: options.timers } : {}),
      }),
    ]),
  );
  const announcers = [announcer, ...reportAnnouncers.values()];

  const incidents = (query: { slo?: string; service?: string; from: number; to: number }): IncidentView[] =>
    options.incidents
      .list({ from: query.from, to: query.to, ...(query.service ? { service: query.service } : {}) })
      .filter((incident) => query.slo === undefined || incident.slo === query.slo || incident.objective === query.slo)
      .map(incidentView);

  const report = (selection: ReportSelection, range: { from: number; to: number }): Report =>
    buildReport({ ...options.engine, journal: options.journal, documents: options.documents, incidents }, selection, range, options.clock());
  const reportFor = (query: ReportQuery): Report | string => {
    const built = report({ services: query.services ?? [], slos: query.slos ?? [] }, parseRange(query.from, query.to, options.clock(), DEFAULT_SPAN));
    return query.format === 'markdown' ? reportMarkdown(built) : built;
  };
  const explain = (query: { name: string; from?: string; to?: string }): BudgetExplanation | undefined => {
    const now = options.clock();
    return explainBudget({ ...options.engine, journal: options.journal, documents: options.documents, incidents }, query.name, parseOpenRange(query.from, query.to, now), now);
  };
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const scheduler = new ReportScheduler({
    schedules: options.reports ?? [],
    documents: options.documents,
    transaction: options.transaction,
    build: (selection, range) => report(selection, range),
    announce: (name, message) => reportAnnouncers.get(name)?.announce(message),
    ...(publicUrl === undefined
      ? {}
      : {
          link: (schedule, range) => {
            const query = new URLSearchParams({ format: 'markdown', from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() });
            if (schedule.services?.length === 1 && schedule.services[0] !== undefined) query.set('service', schedule.services[0]);
            return `${publicUrl}/api/v1/reports?${query.toString()}`;
          },
        }),
    logger: options.logger,
  });
  const sendDueReports = (now: number): string[] => {
    try {
      return scheduler.tick(now);
    } catch (error) {
      // A report that cannot be built now is tried again at the next evaluation (its cursor did not move).
      options.logger.error({ err: error }, 'scheduled report failed');
      return [];
    }
  };

  const routes = new Hono();
  routes.get('/api/v1/incidents', (c) => {
    const range = parseRange(c.req.query('from'), c.req.query('to'), options.clock(), DEFAULT_SPAN);
    const slo = c.req.query('slo') || undefined;
    const service = c.req.query('service') || undefined;
    const data = incidents({ ...range, ...(slo ? { slo } : {}), ...(service ? { service } : {}) });
    return c.json({ data, services: serviceSummaries(data), from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() });
  });
  routes.get('/api/v1/postmortems', (c) => {
    const slo = c.req.query('slo') || undefined;
    const service = c.req.query('service') || undefined;
    return c.json({ data: postmortems.list({ ...(slo ? { slo } : {}), ...(service ? { service } : {}) }) });
  });

  routes.get('/api/v1/reports', (c) => {
    const list = (name: string): string[] => c.req.queries(name)?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '') ?? [];
    const format = c.req.query('format') ?? 'json';
    if (format !== 'json' && format !== 'markdown') throw badRequest(`format: "${format}" is not json or markdown`);
    const built = reportFor({ services: list('service'), slos: list('slo'), from: c.req.query('from'), to: c.req.query('to'), format });
    if (typeof built === 'string') return c.body(built, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    return c.json(built);
  });

  return {
    name: 'reviews',
    routes: [routes],
    incidents,
    postmortems: (filter) => postmortems.list(filter),
    report,
    reportFor,
    explainBudget: explain,
    sendDueReports,
    sentReports: () => scheduler.sent(),
    flush: async (timeoutMs) => (await Promise.all(announcers.map((each) => each.flush(timeoutMs)))).every(Boolean),
    afterEvaluation(evaluation: Evaluation) {
      try {
        // One transaction: an incident becomes final together with its postmortem, so a crash between the two cannot
        // leave a final incident that no restart will look at again.
        options.transaction(() => {
          for (const incident of tracker.observe(evaluation)) {
            const postmortem = postmortems.consider(incident, evaluation.now);
            if (postmortem) options.logger.info({ slo: postmortem.objective, budgetSpent: postmortem.budgetSpent }, 'postmortem triggered');
          }
        });
      } catch (error) {
        // Reviews must never stop the evaluation loop; the next evaluation retries from the stored records.
        options.logger.error({ err: error }, 'incident tracking failed');
      }
      sendDueReports(evaluation.now);
    },
    start: () => {
      for (const each of announcers) each.start();
      sendDueReports(options.clock());
    },
    stop: async (timeoutMs) => {
      await Promise.all(announcers.map((each) => each.stop(timeoutMs)));
    },
  };
}
