import type { DocumentStore, SloStatus } from '../core/index.js';

/** DocumentStore namespace of the first evaluation at which each SLO had data (Unix ms), keyed by status name. */
export const FIRST_DATA_NAMESPACE = 'policy.first-data';

/**
 * A conservative stand-in for `SloStatus.coverage` while the engine does not report it (REPLACE when it does: the
 * gate reads the reported figure first, see core/policy `reportedCoverage`). It counts the period as covered from
 * the first evaluation at which the SLO had events, so it never claims more data than sloe has seen itself: data
 * backfilled from before that counts only once the engine reports coverage. Kept in the document store, so a restart
 * does not make every SLO look new.
 */
export class FirstData {
  private readonly documents: DocumentStore | undefined;
  private readonly first = new Map<string, number>();

  constructor(documents?: DocumentStore) {
    this.documents = documents;
    for (const { key, value } of documents?.list(FIRST_DATA_NAMESPACE) ?? []) if (typeof value === 'number') this.first.set(key, value);
  }

  /** Notes the SLOs that have data now; one that lost all of it starts over. */
  observe(statuses: readonly SloStatus[], now: number): void {
    for (const status of statuses) {
      const known = this.first.has(status.name);
      if (status.events.total > 0 && !known) {
        this.first.set(status.name, now);
        this.documents?.put(FIRST_DATA_NAMESPACE, status.name, now);
      } else if (status.events.total === 0 && known) {
        this.first.delete(status.name);
        this.documents?.delete(FIRST_DATA_NAMESPACE, status.name);
      }
    }
  }

  /** Share of a period of `periodMs` covered since the SLO's first data, 0..1; 0 for one never seen with data. */
  coverage(status: SloStatus, periodMs: number, now: number): number {
    const since = this.first.get(status.name);
    if (since === undefined || periodMs <= 0) return 0;
    return Math.min(1, Math.max(0, now - since) / periodMs);
  }
}
