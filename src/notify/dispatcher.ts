import type { Hono } from 'hono';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Alerting, DocumentStore, Journal, SloStatus } from '../core/index.js';
import { buildNotification } from './content.js';
import type { IncidentCondition } from './incidents.js';
import { heldBack, incidentConditions } from './incidents.js';
import { notifyMetrics } from './metrics.js';
import type { NotifyMetrics } from './metrics.js';
import { DeliveryQueue, REAL_TIMERS } from './queue.js';
import type { BackoffOptions, QueuedNotification, Settlement, Timers } from './queue.js';
import { Router } from './routing.js';
import type { Route } from './routing.js';
import { silenceRoutes } from './silence-routes.js';
import { SilenceStore } from './silences.js';
import type { AlertNotification, Lifecycle, Notifier } from './types.js';

/** DocumentStore namespaces and the journal kind this component writes. */
export const INCIDENTS_NAMESPACE = 'notify.incidents';
export const OUTBOX_NAMESPACE = 'notify.outbox';
export const NODATA_NAMESPACE = 'notify.nodata';
export const JOURNAL_KIND = 'notification';

/** What was notified of an incident that is firing: persisted, so a restart neither re-pages nor forgets a resolve. */
export interface IncidentRecord {
  readonly incident: string;
  readonly objective: string;
  readonly startsAt: number;
  /** Receivers the firing notification went to; the resolve goes to the same ones. */
  readonly receivers: readonly string[];
  /** The firing content last built (re-sent to lease receivers); refreshed from the latest evaluation when needed. */
  notification: AlertNotification;
}

interface OutboxEntry {
  readonly seq: number;
  readonly receiver: string;
  readonly notification: AlertNotification;
}

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

function outboxKey(receiver: string, notification: AlertNotification): string {
  return `${receiver}|${notification.incident}|${notification.state}`;
}

/**
 * Turns evaluations into notifications: one incident per objective and severity, more urgent severities holding back
 * the less urgent, silences applied, routed to receivers, each receiver behind its own bounded retrying queue.
 * State (what was notified, what still waits to be delivered) lives in the DocumentStore, so after a restart the first
 * evaluation is compared with what was notified before: still firing stays quiet, cleared sends its resolve.
 */
export class Notifications implements Lifecycle {
  readonly silences: SilenceStore;
  private readonly options: NotificationsOptions;
  private readonly router: Router;
  private readonly queues = new Map<string, DeliveryQueue>();
  private readonly records = new Map<string, IncidentRecord>();
  private readonly metrics: NotifyMetrics;
  private readonly timers: Timers;
  private readonly logger: Logger;
  /** Silenced incidents already journalled, so a silence is recorded once, not once per evaluation. */
  private readonly silencedNoted = new Set<string>();
  /** The latest evaluation's content of each open incident, built on demand (see `latest`). */
  private readonly refreshed = new Map<string, () => AlertNotification>();
  /** When (by the timers' clock) an evaluation last confirmed each open incident. */
  private readonly confirmedAt = new Map<string, number>();
  /** Since when each objective has had no events, for the no-data verdict. */
  private readonly noDataSince = new Map<string, number>();
  private resendTimer: unknown;
  private started = false;

  constructor(options: NotificationsOptions) {
    if (!(options.resendIntervalMs > 0)) throw new RangeError('resendIntervalMs must be positive');
    this.options = options;
    this.timers = options.timers ?? REAL_TIMERS;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'notify' });
    this.router = new Router(options.routes ?? [], options.notifiers);
    this.silences = new SilenceStore(options.store);
    this.metrics = notifyMetrics(options.registry, () => [...this.queues].map(([name, queue]) => [name, queue.length]));
    for (const notifier of options.notifiers) {
      this.queues.set(
        notifier.name,
        new DeliveryQueue({
          notifier,
          capacity: options.queueCapacity ?? 1000,
          ...(options.backoff ? { backoff: options.backoff } : {}),
          timers: this.timers,
          ...(options.random ? { random: options.random } : {}),
          onAttempt: (entry, result) => {
            const outcome = result.outcome === 'delivered' ? 'sent' : result.outcome === 'retry' ? 'retried' : 'failed';
            this.metrics.notifications.inc({ receiver: notifier.name, outcome });
            if (result.outcome !== 'delivered') {
              this.logger.warn({ receiver: notifier.name, incident: entry.notification.incident, attempt: entry.attempts, reason: result.reason }, `notification ${outcome === 'failed' ? 'refused' : 'failed, will retry'}`);
            }
          },
          onSettled: (entry, settlement, detail) => this.settled(notifier.name, entry, settlement, detail),
        }),
      );
    }
    for (const { key, value } of options.store.list(NODATA_NAMESPACE)) this.noDataSince.set(key, (value as { since: number }).since);
    for (const { value } of options.store.list(INCIDENTS_NAMESPACE)) {
      const record = value as IncidentRecord;
      this.records.set(record.incident, record);
    }
  }

  /** Incidents notified as firing and not yet resolved. */
  firing(): readonly IncidentRecord[] {
    return [...this.records.values()];
  }

  /** The silences admin routes, to be mounted by the app behind admin authentication. */
  routes(): Hono {
    return silenceRoutes(this.silences, () => this.timers.now());
  }

  /** Re-queues what the outbox still holds from before a restart, starts delivering and the lease re-sends. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const waiting = this.options.store.list(OUTBOX_NAMESPACE).map(({ key, value }) => ({ key, entry: value as OutboxEntry }));
    waiting.sort((a, b) => a.entry.notification.at - b.entry.notification.at);
    for (const { key, entry } of waiting) {
      const queue = this.queues.get(entry.receiver);
      if (!queue) {
        this.logger.warn({ receiver: entry.receiver, incident: entry.notification.incident }, 'receiver no longer configured; dropping its undelivered notification');
        this.options.store.delete(OUTBOX_NAMESPACE, key);
        continue;
      }
      this.enqueueDurable(queue, entry.notification);
    }
    for (const queue of this.queues.values()) queue.start();
    // Incidents restored from before a restart get one lease to be confirmed by the first evaluation.
    for (const record of this.records.values()) if (!this.confirmedAt.has(record.incident)) this.confirmedAt.set(record.incident, this.timers.now());
    this.scheduleResend();
  }

  /**
   * Called after every evaluation with the status of every objective. Compares what should be firing with what was
   * notified and sends the differences. Objectives no longer evaluated (removed from the specs) are resolved.
   */
  evaluated(statuses: readonly SloStatus[], now: number): void {
    const open = new Set([...this.records.values()].map((record) => record.objective));
    const stillEvaluated = new Set<string>();
    for (const status of statuses) {
      if (open.has(status.name)) stillEvaluated.add(status.name);
      // Most objectives are quiet most of the time: nothing active, nothing notified, events arriving. Skip them cheaply.
      if (status.status !== 'nodata' && !open.has(status.name) && !active(status)) {
        if (this.noDataSince.size > 0 && this.noDataSince.delete(status.name)) this.options.store.delete(NODATA_NAMESPACE, status.name);
        continue;
      }
      const alerting = this.options.alerting(status.slo);
      const conditions = incidentConditions(status, this.noDataVerdict(status, alerting, now));
      const held = heldBack(conditions);
      for (const condition of conditions) this.reconcile(status, alerting, condition, held.has(condition.incident), now);
    }
    for (const record of [...this.records.values()]) {
      // Only incidents open before this evaluation can be orphaned; those it just opened belong to evaluated objectives.
      if (!open.has(record.objective) || stillEvaluated.has(record.objective)) continue;
      this.resolve(record, { ...this.latest(record), summary: `${record.objective}: no longer evaluated (removed from the specs)`, state: 'resolved', endsAt: now, at: now }, now);
    }
  }

  flush(timeoutMs: number): Promise<boolean> {
    return Promise.all([...this.queues.values()].map((queue) => queue.flush(timeoutMs))).then((done) => done.every(Boolean));
  }

  async shutdown(timeoutMs: number): Promise<void> {
    if (this.resendTimer !== undefined) this.timers.clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
    this.started = false;
    await Promise.all([...this.queues.values()].map((queue) => queue.shutdown(timeoutMs)));
  }

  /** Re-sends every firing incident to the lease receivers it went to, and lets ended silences go. */
  resendFiring(now: number): void {
    this.silences.expire(now);
    const staleAfter = this.options.evaluationIntervalMs === undefined ? undefined : 4 * Math.max(this.options.resendIntervalMs, this.options.evaluationIntervalMs);
    for (const record of this.records.values()) {
      const confirmed = this.confirmedAt.get(record.incident);
      if (staleAfter !== undefined && confirmed !== undefined && now - confirmed > staleAfter) continue;
      for (const name of record.receivers) {
        const queue = this.queues.get(name);
        if (queue?.notifier.leased) queue.enqueue(this.latest(record), false);
      }
    }
  }

  /** An open incident's firing notification with the figures of the latest evaluation that confirmed it. */
  private latest(record: IncidentRecord): AlertNotification {
    const build = this.refreshed.get(record.incident);
    if (build) {
      record.notification = build();
      this.refreshed.delete(record.incident);
    }
    return record.notification;
  }

  private scheduleResend(): void {
    this.resendTimer = this.timers.setTimeout(() => {
      this.resendTimer = undefined;
      if (!this.started) return;
      this.resendFiring(this.timers.now());
      this.scheduleResend();
    }, this.options.resendIntervalMs);
    const handle = this.resendTimer as { unref?: () => void };
    handle.unref?.();
  }

  /** sloe's own no-data verdict: the SLO has had no events for at least its `noDataFor` (kept in memory and the store). */
  private noDataVerdict(status: SloStatus, alerting: Alerting | undefined, now: number): boolean {
    const key = status.name;
    const delay = alerting?.noDataFor ?? 0;
    if (status.status !== 'nodata' || delay <= 0) {
      if (this.noDataSince.delete(key)) this.options.store.delete(NODATA_NAMESPACE, key);
      return false;
    }
    let since = this.noDataSince.get(key);
    if (since === undefined) {
      since = now;
      this.noDataSince.set(key, since);
      this.options.store.put(NODATA_NAMESPACE, key, { since });
    }
    return now - since >= delay;
  }

  private reconcile(status: SloStatus, alerting: Alerting | undefined, condition: IncidentCondition, held: boolean, now: number): void {
    const record = this.records.get(condition.incident);
    const facts = { incident: condition.incident, severity: condition.severity, urgency: condition.urgency, kind: condition.kind };
    const content = { publicUrl: this.options.publicUrl };
    if (!condition.firing) {
      this.silencedNoted.delete(condition.incident);
      if (record && condition.pending) {
        // Held open: the lease continues, or Alertmanager would end the alert and see the slow tier as a new one.
        this.confirmedAt.set(record.incident, this.timers.now());
        return;
      }
      if (record) this.resolve(record, buildNotification(status, alerting, { ...facts, state: 'resolved', startsAt: record.startsAt, at: now }, content), now);
      return;
    }
    if (record) {
      // Still firing: refresh the content lease receivers get; nothing new is sent. Kept in memory only: after a
      // restart the first evaluation refreshes it again, so a write per firing incident per evaluation buys nothing.
      // Built when a re-send needs it: a large outage keeps many incidents firing, and evaluations stay cheap.
      this.refreshed.set(record.incident, () => buildNotification(status, alerting, { ...facts, state: 'firing', startsAt: record.startsAt, at: now, ...(condition.tier ? { tier: condition.tier } : {}) }, content));
      this.confirmedAt.set(record.incident, this.timers.now());
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
    const receivers = this.router.receiversFor(notification);
    const created: IncidentRecord = { incident: condition.incident, objective: status.name, startsAt, receivers: receivers.map((receiver) => receiver.name), notification };
    this.records.set(created.incident, created);
    this.confirmedAt.set(created.incident, this.timers.now());
    this.options.store.put(INCIDENTS_NAMESPACE, created.incident, created);
    this.dispatch(notification, created.receivers, now);
  }

  private resolve(record: IncidentRecord, notification: AlertNotification, now: number): void {
    this.records.delete(record.incident);
    this.confirmedAt.delete(record.incident);
    this.refreshed.delete(record.incident);
    this.options.store.delete(INCIDENTS_NAMESPACE, record.incident);
    this.dispatch(notification, record.receivers.filter((name) => this.queues.has(name)), now);
  }

  private dispatch(notification: AlertNotification, receivers: readonly string[], now: number): void {
    this.options.journal.append(JOURNAL_KIND, {
      at: now,
      subject: notification.slo,
      data: { event: 'dispatched', incident: notification.incident, state: notification.state, severity: notification.severity, kind: notification.kind, summary: notification.summary, receivers },
    });
    this.logger.info({ incident: notification.incident, state: notification.state, receivers }, `${notification.state === 'firing' ? 'alert firing' : 'alert resolved'}: ${notification.summary}`);
    for (const name of receivers) {
      const queue = this.queues.get(name);
      if (queue) this.enqueueDurable(queue, notification);
    }
  }

  private enqueueDurable(queue: DeliveryQueue, notification: AlertNotification): void {
    const entry = queue.enqueue(notification, true);
    const outbox: OutboxEntry = { seq: entry.seq, receiver: queue.notifier.name, notification };
    this.options.store.put(OUTBOX_NAMESPACE, outboxKey(queue.notifier.name, notification), outbox);
  }

  private settled(receiver: string, entry: QueuedNotification, settlement: Settlement, detail: string): void {
    if (settlement === 'dropped') this.metrics.notifications.inc({ receiver, outcome: 'dropped' });
    if (settlement === 'superseded' || !entry.durable) return;
    const key = outboxKey(receiver, entry.notification);
    const stored = this.options.store.get(OUTBOX_NAMESPACE, key) as OutboxEntry | undefined;
    // A newer notification for the same key may have been queued behind this one; it keeps its outbox entry.
    if (stored?.seq === entry.seq) this.options.store.delete(OUTBOX_NAMESPACE, key);
    const notification = entry.notification;
    this.options.journal.append(JOURNAL_KIND, {
      at: this.timers.now(),
      subject: notification.slo,
      data: { event: settlement, receiver, incident: notification.incident, state: notification.state, severity: notification.severity, attempts: entry.attempts, detail },
    });
    if (settlement !== 'delivered') this.logger.error({ receiver, incident: notification.incident, state: notification.state, detail }, `notification ${settlement}`);
  }
}
