import type { Labels } from '../core/index.js';
import type { DeliveryResult } from '../delivery/index.js';

/** What an incident is about: budget burning too fast, or no events arriving at all. */
export type IncidentKind = 'burn' | 'nodata';

/** The two states a receiver hears of. */
export type NotificationState = 'firing' | 'resolved';

/** One burn-rate window pair of the tier that is the reason for a notification. */
export interface BurnFigures {
  readonly tier: string;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly longBurnRate: number | null;
  readonly shortBurnRate: number | null;
  readonly threshold: number;
}

/**
 * One notification about one incident, independent of any receiver's wire format. An incident is one SLO objective
 * at one severity (`page`, `ticket`, ...) or its no-data condition: the tiers of a severity share one incident, so a
 * burn pages once whichever of its windows catches it first.
 */
export interface AlertNotification {
  /**
   * Stable identity of the incident: `<objective>/<severity>` or `<objective>/nodata`, where a group's objective is
   * `<name>{route="/v1/orders"}` (core's `objectiveIdentity`); a batch is `<objective>/<severity>/groups`.
   */
  readonly incident: string;
  /** The objective's name as in `SloStatus.name` (`<slo>` or `<slo>:<objective>`). */
  readonly slo: string;
  /**
   * A grouped SLO's group (`spec.groupBy`) this incident is about, e.g. `{route: "/v1/orders"}`: every group pages,
   * dedupes and resolves on its own. Absent for an ordinary objective and for a batch.
   */
  readonly group?: Readonly<Record<string, string>>;
  /**
   * A batch: the groups of one objective and severity that began firing (or resolved) in one evaluation, sent as one
   * message to receivers that do not group alerts themselves (PagerDuty, Slack, webhooks), worst budget first.
   */
  readonly groups?: readonly GroupFigures[];
  readonly service: string;
  readonly severity: string;
  /** `page` or `ticket`: what the severity means, also when the SLO renames it (`critical` pages). */
  readonly urgency: 'page' | 'ticket';
  readonly kind: IncidentKind;
  readonly state: NotificationState;
  readonly alertName: string;
  /**
   * Identifying labels (alertname, slo_name, slo_service, severity, the SLO's own alert labels, and a group's labels),
   * so Alertmanager's `group_by: [alertname, slo_name, severity]` folds a flood of groups into one notification.
   */
  readonly labels: Labels;
  /** Informational annotations (the SLO's own, plus summary, description and links). */
  readonly annotations: Labels;
  readonly summary: string;
  readonly description: string;
  /** Unix ms the incident began firing. */
  readonly startsAt: number;
  /** Unix ms it resolved; set when `state` is `resolved`. */
  readonly endsAt?: number;
  /** Unix ms this notification was made. */
  readonly at: number;
  readonly links: { readonly ui: string; readonly dashboard?: string; readonly runbook?: string };
  readonly figures: {
    readonly objective: number;
    readonly window: string;
    readonly sli: number | null;
    /** Null without events in the period. */
    readonly budgetRemaining: number | null;
    readonly timeToExhaustionSeconds: number | null;
    /** The highest firing tier of this severity (the one that explains the incident); absent for no-data. */
    readonly burn?: BurnFigures;
    readonly burnRates: Readonly<Record<string, number | null>>;
  };
}

/** One group of a batch, with the figures a reader ranks groups by. */
export interface GroupFigures {
  readonly group: Readonly<Record<string, string>>;
  readonly budgetRemaining: number | null;
  /** The burn of the tier that explains the group's incident; absent for a resolve. */
  readonly burnRate?: number | null;
}

/** What one delivery attempt came to: delivery/'s result, the same for every sender. */
export type { DeliveryResult } from '../delivery/index.js';

export type ReceiverKind = 'alertmanager' | 'pagerduty' | 'slack' | 'webhook';

/** The notifier port: one receiver, one wire format. Implementations check their options once, at construction. */
export interface Notifier {
  /** The receiver's name, used in routes, metrics and the journal. */
  readonly name: string;
  readonly kind: ReceiverKind;
  /**
   * Severities this receiver takes (`page` to PagerDuty, `page` and `ticket` to Slack...), matched against the
   * severity or its urgency (so `page` also takes a severity renamed `critical`); undefined means all.
   * Routes narrow further; they never widen this.
   */
  readonly severities?: readonly string[];
  /**
   * True for lease-based receivers (Alertmanager): a firing incident is re-sent on an interval with an `endsAt` ahead,
   * so the receiver resolves it by itself if sloe goes away. Others hear only changes of state.
   */
  readonly leased: boolean;
  send(notification: AlertNotification): Promise<DeliveryResult>;
}

/** The lifecycle every running component shares. */
export interface Lifecycle {
  start(): void;
  /** Resolves once everything queued has been settled, or the deadline passed; true when nothing is left. */
  flush(timeoutMs: number): Promise<boolean>;
  shutdown(timeoutMs: number): Promise<void>;
}
