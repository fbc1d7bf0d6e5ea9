import type { AlertStatus, Evaluation, IncidentEvent, IncidentRecord, IncidentStore, SloStatus } from '../core/index.js';
import { groupSelector, objectiveIdentity } from '../core/index.js';
import { periodMs, shortestBurnRate } from './burn.js';

/** The engine's tier for the no-data condition: not a burn, so it opens no incident. */
const NODATA_TIER = 'nodata';

/**
 * Finds when the first page or ticket of an objective (of one of its groups, with `group`: its selector) was sent at or
 * after `since` (the notification journal).
 */
export type DetectionLookup = (objective: string, since: number, group?: string) => number | undefined;

/** What the tracker remembers of one objective between evaluations (in memory: a restart starts it afresh). */
interface Running {
  lastAt: number;
  /** Since when the shortest window has burned above 1, and the budget spent since then. */
  burningSince?: number;
  spentWhileBurning: number;
}

function active(alert: AlertStatus): boolean {
  return alert.tier !== NODATA_TIER && (alert.state === 'pending' || alert.state === 'firing');
}

/** Earliest activeSince of the active tiers: the incident starts when its first tier went pending. */
function startOf(alerts: readonly AlertStatus[], now: number): number {
  const times = alerts.filter(active).map((alert) => (alert.activeSince === undefined ? Number.NaN : Date.parse(alert.activeSince))).filter((time) => !Number.isNaN(time));
  return times.length === 0 ? now : Math.min(...times);
}

/** The most urgent firing severity: tiers are listed fastest (page) first. */
function firingSeverity(alerts: readonly AlertStatus[]): string | undefined {
  return alerts.find((alert) => alert.tier !== NODATA_TIER && alert.state === 'firing')?.severity;
}

function moreUrgent(alerts: readonly AlertStatus[], a: string | null, b: string | undefined): string | null {
  if (b === undefined) return a;
  if (a === null) return b;
  const rank = (severity: string): number => alerts.findIndex((alert) => alert.severity === severity);
  return rank(b) >= 0 && rank(b) < rank(a) ? b : a;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Turns each Evaluation into incident records (docs/reviews.md "Incidents"). An incident of an objective runs from the
 * first tier pending to the evaluation where no tier is pending or firing. Its budget spent is the integral of the
 * shortest window's burn rate over time, divided by the period: burn rate 1 for the whole period spends the whole
 * budget, so 30× for one hour of a 30-day period spends 30/720 ≈ 4.2 %. The integral starts where the shortest window
 * began burning above 1 (the burn the tiers took time to catch is the incident's) and ends once it is back at or below
 * 1 after the resolution (the last bad events leave the short window then), when the record becomes final.
 */
export class IncidentTracker {
  private readonly store: IncidentStore;
  private readonly detection: DetectionLookup;
  /** By objective identity: the objective's name, or a group's `orders{route="/v1/orders"}`. */
  private readonly running = new Map<string, Running>();
  /** Unsettled incidents by objective identity: the open one, or a resolved one still counting its spend. */
  private readonly current = new Map<string, Mutable<IncidentRecord>>();

  constructor(store: IncidentStore, detection: DetectionLookup) {
    this.store = store;
    this.detection = detection;
    for (const incident of store.unsettled()) this.current.set(objectiveIdentity({ name: incident.objective, ...(incident.group ? { group: incident.group } : {}) }), { ...incident });
  }

  /**
   * Applies one evaluation; returns the incidents that became final in it (for postmortem triggers). Each group of a
   * grouped SLO has incidents of its own, with their own spend against the group's budget.
   */
  observe(evaluation: Evaluation): IncidentRecord[] {
    const finished: IncidentRecord[] = [];
    const transitions = new Map<string, IncidentEvent[]>();
    for (const transition of evaluation.transitions) {
      const identity = objectiveIdentity(transition.slo);
      const events = transitions.get(identity) ?? [];
      events.push({ at: transition.at, kind: 'transition', text: `${transition.tier} (${transition.severity}): ${transition.from} → ${transition.to}` });
      transitions.set(identity, events);
    }
    for (const list of [evaluation.statuses, evaluation.groups ?? []]) {
      for (const status of list) {
        const identity = objectiveIdentity(status);
        const done = this.observeOne(status, identity, evaluation.now, transitions.get(identity) ?? []);
        if (done) finished.push(done);
      }
    }
    return finished;
  }

  private observeOne(status: SloStatus, identity: string, now: number, transitions: readonly IncidentEvent[]): IncidentRecord | undefined {
    const period = periodMs(status);
    if (period === undefined) return undefined;
    const burn = shortestBurnRate(status) ?? 0;
    const running = this.running.get(identity) ?? { lastAt: now, spentWhileBurning: 0 };
    this.running.set(identity, running);
    const spent = (burn * Math.max(0, now - running.lastAt)) / period;
    running.lastAt = now;
    if (burn > 1) {
      running.burningSince ??= now;
      running.spentWhileBurning += spent;
    } else {
      delete running.burningSince;
      running.spentWhileBurning = 0;
    }

    const isActive = status.alerts.some(active);
    let incident = this.current.get(identity);
    let finished: IncidentRecord | undefined;
    if (incident && incident.resolvedAt !== null && isActive) {
      // A new burn before the last one settled: the old record is final as it stands, a new one begins.
      finished = this.finish(identity, incident);
      incident = undefined;
    }
    if (!incident) {
      if (!isActive) return finished;
      const startedAt = startOf(status.alerts, now);
      incident = {
        id: `${identity}@${new Date(startedAt).toISOString()}`,
        objective: status.name,
        slo: status.slo,
        objectiveKey: status.objectiveKey,
        service: status.service,
        ...(status.group === undefined ? {} : { group: status.group }),
        startedAt,
        burnStartedAt: Math.min(running.burningSince ?? startedAt, startedAt),
        detectedAt: null,
        resolvedAt: null,
        peakBurnRate: burn,
        // This evaluation's spend is in spentWhileBurning already when the window burns above 1.
        budgetSpent: burn > 1 ? running.spentWhileBurning : spent,
        severity: null,
        final: false,
        timeline: [...transitions],
      };
      this.current.set(identity, incident);
    } else {
      incident.budgetSpent += spent;
      incident.peakBurnRate = Math.max(incident.peakBurnRate, burn);
      if (transitions.length > 0) incident.timeline = [...incident.timeline, ...transitions];
    }
    incident.severity = moreUrgent(status.alerts, incident.severity, firingSeverity(status.alerts));
    if (incident.detectedAt === null) incident.detectedAt = this.detection(status.name, incident.startedAt, status.group === undefined ? undefined : groupSelector(status.group)) ?? null;
    if (incident.resolvedAt === null && !isActive) incident.resolvedAt = now;
    if (incident.resolvedAt !== null && burn <= 1) return this.finish(identity, incident);
    this.store.save(incident);
    return finished;
  }

  private finish(identity: string, incident: Mutable<IncidentRecord>): IncidentRecord {
    incident.final = true;
    this.store.save(incident);
    this.current.delete(identity);
    return incident;
  }
}
