import type { Alerting, DocumentStore, SloStatus } from '../core/index.js';
import { objectiveIdentity } from '../core/index.js';

/** DocumentStore namespace of when each objective's no-data stretch began. */
export const NODATA_NAMESPACE = 'notify.nodata';

/**
 * sloe's own no-data verdict: an objective has had no events for at least its alerting block's `noDataFor`. Since
 * when is kept in the store as well as in memory, so a restart does not restart the wait (and delay the page).
 */
export class NoDataDetector {
  private readonly store: DocumentStore;
  private readonly since = new Map<string, number>();

  constructor(store: DocumentStore) {
    this.store = store;
    for (const { key, value } of store.list(NODATA_NAMESPACE)) this.since.set(key, (value as { since: number }).since);
  }

  /** Whether the objective is in a no-data incident now; starts or ends its stretch as the status says. */
  verdict(status: SloStatus, alerting: Alerting | undefined, now: number): boolean {
    const delay = alerting?.noDataFor ?? 0;
    // A group's stretch is its own (`orders{route="/v1/orders"}`): one silent route is not the whole SLO.
    const objective = objectiveIdentity(status);
    if (status.status !== 'nodata' || delay <= 0) {
      this.clear(objective);
      return false;
    }
    let since = this.since.get(objective);
    if (since === undefined) {
      since = now;
      this.since.set(objective, since);
      this.store.put(NODATA_NAMESPACE, objective, { since });
    }
    return now - since >= delay;
  }

  /** Forgets the objective's stretch: it has data again. Cheap when nothing is tracked (the common case). */
  clear(objective: string): void {
    if (this.since.size > 0 && this.since.delete(objective)) this.store.delete(NODATA_NAMESPACE, objective);
  }
}
