import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Alerting, DocumentStore, Journal, SloStatus } from '../core/index.js';
import { SloeError, objectiveIdentity } from '../core/index.js';
import { REAL_TIMERS } from '../delivery/index.js';
import type { BackoffOptions, Timers } from '../delivery/index.js';
import { buildNotification } from './content.js';
import { GroupBatches } from './group-batches.js';
import { IncidentTracker } from './incident-tracker.js';
import type { IncidentRecord } from './incident-tracker.js';
import type { IncidentCondition } from './incidents.js';
import { heldBack, incidentConditions } from './incidents.js';
import { notifyMetrics } from './metrics.js';
import type { NotifyMetrics } from './metrics.js';
import { NoDataDetector } from './no-data.js';
import { JOURNAL_KIND, Outbox } from './outbox.js';
import { Resender } from './resender.js';
import { Router } from './routing.js';
import type { Route } from './routing.js';
import { SilenceStore } from './silences.js';
import type { AlertNotification, Lifecycle, Notifier } from './types.js';

export { INCIDENTS_NAMESPACE } from './incident-tracker.js';
export type { IncidentRecord } from './incident-tracker.js';
export { NODATA_NAMESPACE } from './no-data.js';
export { JOURNAL_KIND, LEGACY_OUTBOX_NAMESPACE, receiverQueueName } from './outbox.js';

export interface NotificationsOptions {
  readonly notifiers: readonly Notifier[];
  readonly routes?: readonly Route[];
  readonly store: DocumentStore;
  readonly journal: Journal;
  readonly registry: Registry;
  /** The spec's alerting block of an SLO, by SLO name (runbook, dashboard, labels, no-data delay). */
  readonly alerting: (slo: string) => Alerting | undefined;
  /** Base of links into the UI, without a trailing slash. */
  readonly publicUrl: string;
  /** How often firing incidents are re-sent to lease receivers (Alertmanager). */
  readonly resendIntervalMs: number;
  /**
   * How often the engine evaluates. Re-sends stop for an incident no evaluation has confirmed for 4 × max(resend,
   * evaluation interval), the lease: if evaluation stalls, Alertmanager lets the alert end instead of trusting stale
   * state. Unset: re-sends continue while the incident is open.
   */
  readonly evaluationIntervalMs?: number;
  readonly queueCapacity?: number;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly logger?: Logger;
}

/** Whether any tier of the objective is pending or firing. */
function active(status: SloStatus): boolean {
  for (const alert of status.alerts) if (alert.state === 'firing' || alert.state === 'pending') return true;
  return false;
}

/**
 * Turns evaluations into notifications: one incident per objective and severity, more urgent severities holding back
 * the less urgent, silences applied, routed to receivers, sent through the outbox. This class decides; its parts keep
 * the state (incident tracker, no-data detector, silences), the timer (resender) and the delivery (outbox). After a
 * restart the first evaluation is compared with what was notified before: still firing stays quiet, cleared sends
 * its resolve.
 */
export class Notifications implements Lifecycle {
  readonly silences: SilenceStore;
  private readonly options: NotificationsOptions;
  private readonly router: Router;
  private readonly incidents: IncidentTracker;
  private readonly noData: NoDataDetector;
  private readonly outbox: Outbox;
  private readonly resender: Resender;
  private readonly metrics: NotifyMetrics;
  private readonly timers: Timers;
  private readonly groupBatches: GroupBatches;
  /** Silenced incidents already journalled, so a silence is recorded once, not once per evaluation. */
  private readonly silencedNoted = new Set<string>();
  private started = false;

  constructor(options: NotificationsOptions) {
    if (!(options.resendIntervalMs > 0)) throw new SloeError('notify_options', `resendIntervalMs must be positive, not ${options.resendIntervalMs}`);
    this.options = options;
    this.timers = options.timers ?? REAL_TIMERS;
    const logger: Logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'notify' });
    this.router = new Router(options.routes ?? [], options.notifiers);
    this.silences = new SilenceStore(options.store);
    this.metrics = notifyMetrics(options.registry, () => this.outbox.lengths());
    this.outbox = new Outbox({
      notifiers: options.notifiers,
      store: options.store,
      journal: options.journal,
      metrics: this.metrics,
      registry: options.registry,
      timers: this.timers,
      logger,
      ...(options.queueCapacity === undefined ? {} : { queueCapacity: options.queueCapacity }),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    this.noData = new NoDataDetector(options.store);
    this.incidents = new IncidentTracker(options.store);
    this.groupBatches = new GroupBatches(this.incidents, this.outbox, new Map(options.notifiers.map((notifier) => [notifier.name, notifier])), () => this.timers.now());
    this.resender = new Resender({ timers: this.timers, intervalMs: options.resendIntervalMs, tick: (now) => this.resendFiring(now) });
  }

  /** Incidents notified as firing and not yet resolved. */
  firing(): readonly IncidentRecord[] {
    return this.incidents.open();
  }

  /** Re-queues what the outbox still holds from before a restart, starts delivering and the lease re-sends. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.outbox.start();
    this.incidents.leaseRestored(this.timers.now());
    this.resender.start();
  }

  /**
   * Called after every evaluation with the status of every objective, and of every group of the grouped ones (each
   * group is an objective of its own here: its own incidents, pages and resolves). Compares what should be firing with
   * what was notified and sends the differences; what groups changed goes out together at the end (GroupBatches).
   * Objectives and groups no longer evaluated (removed from the specs, dropped after a silent period) are resolved.
   */
  evaluated(statuses: readonly SloStatus[], now: number, groups: readonly SloStatus[] = []): void {
    const open = this.incidents.objectives();
    const stillEvaluated = new Set<string>();
    for (const list of [statuses, groups]) {
      // A group pages on its burn only: a route or tenant without traffic is no outage (and groups come and go with
      // the data); a silent SLO is still the aggregate's no-data incident.
      const burnOnly = list === groups;
      for (const status of list) {
        const objective = objectiveIdentity(status);
        if (open.has(objective)) stillEvaluated.add(objective);
        // Most objectives are quiet most of the time: nothing active, nothing notified, events arriving. Skip them cheaply.
        if ((burnOnly || status.status !== 'nodata') && !open.has(objective) && !active(status)) {
          if (!burnOnly) this.noData.clear(objective);
          continue;
        }
        const alerting = this.options.alerting(status.slo);
        const all = incidentConditions(status, !burnOnly && this.noData.verdict(status, alerting, now));
        const conditions = burnOnly ? all.filter((condition) => condition.kind === 'burn') : all;
        const held = heldBack(conditions);
        for (const condition of conditions) this.reconcile(status, alerting, condition, held.has(condition.incident), now);
      }
    }
    for (const record of this.incidents.open()) {
      // Only incidents open before this evaluation can be orphaned; those it just opened belong to evaluated objectives.
      if (!open.has(record.objective) || stillEvaluated.has(record.objective)) continue;
      this.resolve(record, { ...this.incidents.latest(record), summary: `${record.objective}: no longer evaluated (removed from the specs, or a group silent for a whole period)`, state: 'resolved', endsAt: now, at: now }, now);
    }
    this.groupBatches.deliver(now);
  }

  flush(timeoutMs: number): Promise<boolean> {
    return this.outbox.flush(timeoutMs);
  }

  async shutdown(timeoutMs: number): Promise<void> {
    this.resender.stop();
    this.started = false;
    await this.outbox.shutdown(timeoutMs);
  }

  /** Re-sends every firing incident to the lease receivers it went to, and lets ended silences go. */
  resendFiring(now: number): void {
    this.silences.expire(now);
    // The lease: if evaluation stalls, Alertmanager lets the alert end instead of trusting stale state.
    const staleAfter = this.options.evaluationIntervalMs === undefined ? undefined : 4 * Math.max(this.options.resendIntervalMs, this.options.evaluationIntervalMs);
    for (const record of this.incidents.open()) {
      if (this.incidents.stale(record.incident, now, staleAfter)) continue;
      this.outbox.resend(this.incidents.latest(record), record.receivers);
    }
  }

  private reconcile(status: SloStatus, alerting: Alerting | undefined, condition: IncidentCondition, held: boolean, now: number): void {
    const record = this.incidents.get(condition.incident);
    const facts = { incident: condition.incident, severity: condition.severity, urgency: condition.urgency, kind: condition.kind };
    const content = { publicUrl: this.options.publicUrl };
    if (!condition.firing) {
      this.silencedNoted.delete(condition.incident);
      if (record && condition.pending) {
        // Held open: the lease continues, or Alertmanager would end the alert and see the slow tier as a new one.
        this.incidents.confirm(record.incident, this.timers.now());
        return;
      }
      if (record) this.resolve(record, buildNotification(status, alerting, { ...facts, state: 'resolved', startsAt: record.startsAt, at: now }, content), now);
      return;
    }
    if (record) {
      // Still firing: refresh the content lease receivers get; nothing new is sent. Kept in memory only: after a
      // restart the first evaluation refreshes it again, so a write per firing incident per evaluation buys nothing.
      this.incidents.refresh(record.incident, () => buildNotification(status, alerting, { ...facts, state: 'firing', startsAt: record.startsAt, at: now, ...(condition.tier ? { tier: condition.tier } : {}) }, content));
      this.incidents.confirm(record.incident, this.timers.now());
      return;
    }
    if (held) return;
    const startsAt = condition.activeSince ?? now;
    const notification = buildNotification(status, alerting, { ...facts, state: 'firing', startsAt, at: now, ...(condition.tier ? { tier: condition.tier } : {}) }, content);
    const silence = this.silences.silencing(notification.labels, now);
    if (silence) {
      this.metrics.silenced.inc({ severity: condition.severity });
      if (!this.silencedNoted.has(condition.incident)) {
        this.silencedNoted.add(condition.incident);
        this.options.journal.append(JOURNAL_KIND, { at: now, subject: status.name, data: { event: 'silenced', incident: notification.incident, state: notification.state, severity: notification.severity, summary: notification.summary, silence: silence.id } });
      }
      return;
    }
    const receivers = this.router.receiversFor(notification).map((receiver) => receiver.name);
    const opened = { incident: condition.incident, objective: objectiveIdentity(status), startsAt, receivers, notification };
    if (notification.group !== undefined) {
      this.groupBatches.fired(opened);
      return;
    }
    this.incidents.opened(opened, this.timers.now());
    this.outbox.dispatch(notification, receivers, now);
  }

  private resolve(record: IncidentRecord, notification: AlertNotification, now: number): void {
    if (notification.group !== undefined) {
      this.groupBatches.resolved(record, notification);
      return;
    }
    this.incidents.closed(record.incident);
    this.outbox.dispatch(notification, record.receivers.filter((name) => this.outbox.has(name)), now);
  }
}
