import type { Logger } from 'pino';
import type { CompositeSlo, Problem, Slo, SpecSet } from '../core/index.js';
import { formatProblem } from '../core/index.js';

/** What one load of the spec set came to: either the new set is in force, or it was refused with its problems. */
export interface ReloadOutcome {
  readonly ok: boolean;
  readonly trigger: string;
  /** Unix ms. */
  readonly at: number;
  /** `FILE:LINE:COLUMN: message`, as `sloe validate` prints them; empty when ok. */
  readonly problems: readonly string[];
  /** SLO names by what the reload did to them (empty when refused). */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: number;
}

/** Reads and validates the spec set; never throws for bad specs, it returns their problems. */
export type SpecSetReader = () => { specs: SpecSet; problems: readonly Problem[] };

/**
 * Told of every new set once it is valid, in registration order; a returned promise is awaited before the next
 * listener and before the reload answers. A listener that throws (or rejects) refuses the set, and the listeners
 * before it are given the previous set back.
 */
export type SpecsListener = (next: SpecSet, previous: SpecSet) => void | Promise<void>;

export interface ReloadObserver {
  recordReload(success: boolean, now: number): void;
}

/** The SLO as data, without where it was read from: moving a spec between files is not a change. */
function fingerprint(slo: Slo | CompositeSlo): string {
  const { origin: _origin, ...rest } = slo;
  return JSON.stringify(rest);
}

/** Plain and composite SLOs alike: a composite whose members, weights or method changed is a changed SLO. */
function everySlo(set: SpecSet): (Slo | CompositeSlo)[] {
  return [...set.slos, ...(set.composites ?? [])];
}

function compare(previous: SpecSet, next: SpecSet): Pick<ReloadOutcome, 'added' | 'removed' | 'changed' | 'unchanged'> {
  const before = new Map(everySlo(previous).map((slo) => [slo.name, fingerprint(slo)]));
  const after = new Map(everySlo(next).map((slo) => [slo.name, fingerprint(slo)]));
  const added = [...after.keys()].filter((name) => !before.has(name));
  const removed = [...before.keys()].filter((name) => !after.has(name));
  const changed = [...after].filter(([name, text]) => before.has(name) && before.get(name) !== text).map(([name]) => name);
  return { added, removed, changed, unchanged: after.size - added.length - changed.length };
}

/**
 * Holds the spec set in force and replaces it on SIGHUP or POST /-/reload. A new set is validated in full first; a
 * set with any problem is refused, the running one stays in force, and the refusal is kept for /readyz and counted in
 * /metrics until a later reload succeeds. Components keep the state of unchanged SLOs (they are keyed by name).
 */
export class SpecsReloader {
  private specs: SpecSet;
  private last: ReloadOutcome;
  private lastSuccess: ReloadOutcome;
  private readonly listeners: SpecsListener[] = [];
  /** Reloads run one at a time, in the order asked. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly read: SpecSetReader,
    initial: SpecSet,
    private readonly observer: ReloadObserver,
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {
    this.specs = initial;
    const at = clock();
    this.last = { ok: true, trigger: 'startup', at, problems: [], added: everySlo(initial).map((slo) => slo.name), removed: [], changed: [], unchanged: 0 };
    this.lastSuccess = this.last;
    observer.recordReload(true, at);
  }

  current(): SpecSet {
    return this.specs;
  }

  lastReload(): ReloadOutcome {
    return this.last;
  }

  lastSuccessfulReload(): ReloadOutcome {
    return this.lastSuccess;
  }

  onChange(listener: SpecsListener): void {
    this.listeners.push(listener);
  }

  /** Loads the set again and, when valid, hands it to every listener; resolves once it is in force (or refused). */
  reload(trigger: string): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: string): Promise<ReloadOutcome> {
    const at = this.clock();
    let outcome: ReloadOutcome;
    try {
      const { specs, problems } = this.read();
      outcome = problems.length > 0 ? this.refuse(trigger, at, problems.map(formatProblem)) : await this.apply(trigger, at, specs);
    } catch (error) {
      outcome = this.refuse(trigger, at, [`cannot load specs: ${error instanceof Error ? error.message : String(error)}`]);
    }
    this.last = outcome;
    this.observer.recordReload(outcome.ok, at);
    return outcome;
  }

  private async apply(trigger: string, at: number, next: SpecSet): Promise<ReloadOutcome> {
    const previous = this.specs;
    const notified: SpecsListener[] = [];
    try {
      for (const listener of this.listeners) {
        await listener(next, previous);
        notified.push(listener);
      }
    } catch (error) {
      for (const listener of notified.reverse()) {
        try {
          await listener(previous, next);
        } catch (restoreError) {
          this.logger.error({ err: restoreError }, 'a component failed to return to the previous specs');
        }
      }
      return this.refuse(trigger, at, [`a component refused the new specs: ${error instanceof Error ? error.message : String(error)}`]);
    }
    this.specs = next;
    const outcome: ReloadOutcome = { ok: true, trigger, at, problems: [], ...compare(previous, next) };
    this.lastSuccess = outcome;
    this.logger.info({ trigger, added: outcome.added, removed: outcome.removed, changed: outcome.changed, unchanged: outcome.unchanged }, 'specs reloaded');
    return outcome;
  }

  private refuse(trigger: string, at: number, problems: readonly string[]): ReloadOutcome {
    this.logger.error({ trigger, problems }, 'specs reload refused; the running set stays in force');
    return { ok: false, trigger, at, problems, added: [], removed: [], changed: [], unchanged: 0 };
  }
}
