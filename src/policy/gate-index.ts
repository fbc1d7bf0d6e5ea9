import { judgedEntry, nominalPeriod, parseDuration, periodBounds, policyForService, policyForSlo } from '../core/index.js';
import type { BudgetPolicy, CoveredSlo, Slo, SloPeriod, SloStatus, StatusReader, Window } from '../core/index.js';

/** The SLOs of each service with the policy that governs each, as of one evaluation. */
export interface ServiceIndex {
  /** The `latest()` array the index was built from; a new array means a new evaluation. */
  readonly source: readonly SloStatus[];
  readonly byService: ReadonlyMap<string, readonly CoveredSlo[]>;
}

/**
 * Which SLOs and policies speak for a service. Built once per evaluation (the status reader hands out a new array
 * after each), not once per gate question, so a gate costs a map lookup.
 */
export class GateIndex {
  private readonly statuses: StatusReader;
  private readonly now: () => number;
  private policyList: readonly BudgetPolicy[];
  private windows = new Map<string, Window>();
  private groupBys = new Map<string, readonly string[]>();
  private index: ServiceIndex | undefined;

  constructor(statuses: StatusReader, policies: readonly BudgetPolicy[], options: { now?: () => number; slos?: readonly Slo[] } = {}) {
    this.statuses = statuses;
    this.policyList = policies;
    this.now = options.now ?? Date.now;
    this.setSlos(options.slos ?? []);
  }

  /** The SLOs of the specs in force: their windows give each status its period. */
  setSlos(slos: readonly Slo[]): void {
    this.windows = new Map(slos.map((slo) => [slo.name, slo.window]));
    this.groupBys = new Map(slos.filter((slo) => slo.groupBy !== undefined && slo.groupBy.length > 0).map((slo) => [slo.name, slo.groupBy ?? []]));
    this.index = undefined;
  }

  /** After an evaluation: rebuilds the index for it. */
  refresh(now: number): ServiceIndex {
    const latest = this.statuses.latest();
    this.index = this.build(latest, now);
    return this.index;
  }

  private period(status: SloStatus, now: number): SloPeriod {
    const window = this.windows.get(status.slo);
    const periodMs = window ? nominalPeriod(window) : (parseDuration(status.window) ?? 30 * 86_400_000);
    // The engine's coverage: the share of the period with data (backfilled data included).
    return { periodMs, coverage: status.coverage, ...(window?.kind === 'calendar' ? { resetsAt: periodBounds(window, now).end } : {}) };
  }

  policies(): readonly BudgetPolicy[] {
    return this.policyList;
  }

  /** New policies after a reload; the next question rebuilds the index. */
  setPolicies(policies: readonly BudgetPolicy[]): void {
    this.policyList = policies;
    this.index = undefined;
  }

  /** The index for the latest evaluation; the same object until the statuses or the policies change. */
  current(): ServiceIndex {
    const latest = this.statuses.latest();
    if (this.index?.source === latest) return this.index;
    this.index = this.build(latest, this.now());
    return this.index;
  }

  private build(latest: readonly SloStatus[], now: number): ServiceIndex {
    const byService = new Map<string, CoveredSlo[]>();
    for (const status of latest) {
      let list = byService.get(status.service);
      if (!list) {
        list = [];
        byService.set(status.service, list);
      }
      // Under `groupedSlos: worstGroup` a grouped SLO's worst group is judged in its place (chosen once per evaluation).
      list.push(judgedEntry({ status, policy: policyForSlo(this.policyList, status), period: this.period(status, now) }, (aggregate) => this.groups(aggregate)));
    }
    return { source: latest, byService };
  }

  /** A grouped SLO's groups as the engine evaluated them; empty when it has none or the reader cannot tell. */
  groups(status: SloStatus): readonly SloStatus[] {
    return this.statuses.groups?.(status.name) ?? [];
  }

  /** The SLO's `groupBy` labels, from the specs in force; empty when it is not grouped. */
  groupByOf(status: SloStatus): readonly string[] {
    const declared = this.groupBys.get(status.slo);
    if (declared !== undefined) return declared;
    // Not among the specs handed in: the labels its groups carry say the same.
    return Object.keys(this.groups(status)[0]?.group ?? {});
  }

  covered(service: string): readonly CoveredSlo[] {
    return this.current().byService.get(service) ?? [];
  }

  /** Services some SLO measures or some policy names. */
  services(): Set<string> {
    const names = new Set(this.current().byService.keys());
    for (const policy of this.policyList) for (const service of policy.selector.services) names.add(service);
    return names;
  }

  knows(service: string): boolean {
    return this.current().byService.has(service) || this.policyList.some((policy) => policy.selector.services.includes(service));
  }

  /** The policy that speaks for the service as a whole. */
  policyFor(service: string): BudgetPolicy {
    return policyForService(this.policyList, service);
  }

  /** The policies that govern a service's SLOs, and the one that speaks for the service as a whole. */
  policiesOf(service: string): BudgetPolicy[] {
    return [...new Set([this.policyFor(service), ...this.covered(service).map((entry) => entry.policy)])];
  }
}
