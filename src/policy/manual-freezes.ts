import type { DocumentStore, ManualFreeze } from '../core/index.js';

/** DocumentStore namespace of the freezes set by hand, keyed `service/environment`. */
export const MANUAL_FREEZES_NAMESPACE = 'policy.manual-freezes';

const NO_FREEZES: readonly ManualFreeze[] = Object.freeze([]);

/**
 * Freezes set by hand through the admin API, one per service and environment. Kept in the store when one is given
 * (they outlive a restart: an operator who froze releases expects them to stay frozen), else in memory.
 */
export class ManualFreezes {
  private readonly documents: DocumentStore | undefined;
  private list: ManualFreeze[];

  constructor(documents?: DocumentStore) {
    this.documents = documents;
    this.list = (documents?.list(MANUAL_FREEZES_NAMESPACE) ?? []).map((entry) => entry.value as ManualFreeze);
  }

  /** In force or expired but not lifted. */
  all(): readonly ManualFreeze[] {
    return this.list;
  }

  /** The service's freezes; with none set, one shared empty list (every gate answer asks). */
  of(service: string): readonly ManualFreeze[] {
    return this.list.length === 0 ? NO_FREEZES : this.list.filter((freeze) => freeze.service === service);
  }

  /** Sets (or replaces) the manual freeze of a service in an environment. */
  set(freeze: ManualFreeze): void {
    this.list = [...this.list.filter((other) => other.service !== freeze.service || other.environment !== freeze.environment), freeze];
    this.documents?.put(MANUAL_FREEZES_NAMESPACE, `${freeze.service}/${freeze.environment}`, freeze);
  }

  /** Lifts a manual freeze; false when there was none. */
  lift(service: string, environment: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((other) => other.service !== service || other.environment !== environment);
    if (this.list.length === before) return false;
    this.documents?.delete(MANUAL_FREEZES_NAMESPACE, `${service}/${environment}`);
    return true;
  }
}
