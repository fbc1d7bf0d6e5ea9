import type { Hono } from 'hono';
import type { Alerting, Component, Evaluation, SpecSet } from '../core/index.js';
import { REAL_TIMERS } from '../delivery/index.js';
import { Notifications } from './dispatcher.js';
import type { NotificationsOptions } from './dispatcher.js';
import type { IncidentRecord } from './incident-tracker.js';
import { silenceRoutes } from './silence-routes.js';
import type { SilenceStore } from './silences.js';

export interface NotificationsComponentOptions extends Omit<NotificationsOptions, 'alerting'> {
  /** The specs in force at start; each SLO's alerting block (runbook, dashboard, no-data delay) follows reloads. */
  readonly specs: SpecSet;
}

/** Notifications as the app composes them, with what the admin API and tests look at. */
export interface NotificationsComponent extends Component<Hono> {
  readonly silences: SilenceStore;
  /** Incidents notified as firing and not yet resolved. */
  firing(): readonly IncidentRecord[];
  /** Settles queued deliveries within `timeoutMs`; true when nothing is left waiting. */
  flush(timeoutMs: number): Promise<boolean>;
}

function alertingOf(specs: SpecSet): ReadonlyMap<string, Alerting> {
  return new Map(specs.slos.map((slo) => [slo.name, slo.alerting]));
}

/**
 * Notifications (README "Notifications") as one component: the silences admin routes, a notification pass after
 * every evaluation, alerting blocks that follow spec reloads, and a stop that delivers what waits within the deadline.
 */
export function createNotifications(options: NotificationsComponentOptions): NotificationsComponent {
  const { specs, ...rest } = options;
  let alerting = alertingOf(specs);
  const notifications = new Notifications({ ...rest, alerting: (slo) => alerting.get(slo) });
  const timers = options.timers ?? REAL_TIMERS;
  return {
    name: 'notifications',
    routes: [silenceRoutes(notifications.silences, () => timers.now())],
    silences: notifications.silences,
    firing: () => notifications.firing(),
    start: () => notifications.start(),
    afterEvaluation: (evaluation: Evaluation) => notifications.evaluated(evaluation.statuses, evaluation.now, evaluation.groups ?? []),
    onSpecChange: (next: SpecSet) => {
      alerting = alertingOf(next);
    },
    flush: (timeoutMs) => notifications.flush(timeoutMs),
    // Queues deliver what waits until the deadline, then stop; undelivered firing and resolved stay in the outbox.
    stop: (timeoutMs) => notifications.shutdown(timeoutMs),
  };
}
