import type { DocumentStore } from '../core/index.js';
import type { AlertNotification } from './types.js';

/** DocumentStore namespace of the incidents notified as firing and not yet resolved. */
export const INCIDENTS_NAMESPACE = 'notify.incidents';

/** What was notified of an incident that is firing: persisted, so a restart neither re-pages nor forgets a resolve. */
export interface IncidentRecord {
  readonly incident: string;
  /** What the incident is about: the objective's name, or for a group its identity (`orders{route="/v1/orders"}`). */
  readonly objective: string;
  readonly startsAt: number;
  /** Receivers the firing notification went to; the resolve goes to the same ones. */
  readonly receivers: readonly string[];
  /**
   * A group's incident: the receivers that heard of it as part of its objective's batch (`<objective>/<severity>/groups`)
   * rather than on its own. They hear the batch's resolve once the last group in it resolves.
   */
  readonly batchedTo?: readonly string[];
  /** The firing content last built (re-sent to lease receivers); refreshed from the latest evaluation when needed. */
  notification: AlertNotification;
}

/**
 * The open incidents: what was notified as firing, when an evaluation last confirmed each (for the lease), and the
 * latest evaluation's content of each. Records live in the store; confirmations and content only in memory, since
 * the first evaluation after a restart supplies them again.
 */
export class IncidentTracker {
  private readonly store: DocumentStore;
  private readonly records = new Map<string, IncidentRecord>();
  /** Content built on demand: a large outage keeps many incidents firing, and evaluations must stay cheap. */
  private readonly refreshed = new Map<string, () => AlertNotification>();
  private readonly confirmedAt = new Map<string, number>();

  constructor(store: DocumentStore) {
    this.store = store;
    for (const { value } of store.list(INCIDENTS_NAMESPACE)) {
      const record = value as IncidentRecord;
      this.records.set(record.incident, record);
    }
  }

  open(): readonly IncidentRecord[] {
    return [...this.records.values()];
  }

  get(incident: string): IncidentRecord | undefined {
    return this.records.get(incident);
  }

  /** Objectives with an open incident. */
  objectives(): Set<string> {
    return new Set([...this.records.values()].map((record) => record.objective));
  }

  /** Records a newly notified incident, confirmed as of `at`. */
  opened(record: IncidentRecord, at: number): void {
    this.records.set(record.incident, record);
    this.confirmedAt.set(record.incident, at);
    this.store.put(INCIDENTS_NAMESPACE, record.incident, record);
  }

  /** An evaluation still holds the incident open (firing, or pending behind a slower tier). */
  confirm(incident: string, at: number): void {
    this.confirmedAt.set(incident, at);
  }

  /** The latest evaluation's content, built only if a re-send asks for it. */
  refresh(incident: string, build: () => AlertNotification): void {
    this.refreshed.set(incident, build);
  }

  /** Incidents restored from before a restart get one lease, from `at`, to be confirmed by the first evaluation. */
  leaseRestored(at: number): void {
    for (const record of this.records.values()) if (!this.confirmedAt.has(record.incident)) this.confirmedAt.set(record.incident, at);
  }

  /** Whether no evaluation has confirmed the incident for longer than `staleAfter` (never, when that is undefined). */
  stale(incident: string, now: number, staleAfter: number | undefined): boolean {
    const confirmed = this.confirmedAt.get(incident);
    return staleAfter !== undefined && confirmed !== undefined && now - confirmed > staleAfter;
  }

  /** An open incident's firing notification with the figures of the latest evaluation that confirmed it. */
  latest(record: IncidentRecord): AlertNotification {
    const build = this.refreshed.get(record.incident);
    if (build) {
      record.notification = build();
      this.refreshed.delete(record.incident);
    }
    return record.notification;
  }

  closed(incident: string): void {
    this.records.delete(incident);
    this.confirmedAt.delete(incident);
    this.refreshed.delete(incident);
    this.store.delete(INCIDENTS_NAMESPACE, incident);
  }
}
