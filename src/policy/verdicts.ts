import { setImmediate as nextTurn } from 'node:timers/promises';
import { applicableFreezes, badRequest, decideGate, matchOverride, narrowToGroup } from '../core/index.js';
import type { BudgetPolicy, GateAction, GateVerdict, Labels, ManualFreeze } from '../core/index.js';
import { verdictData, verdictMembers } from './answer.js';
import type { VerdictData } from './answer.js';
import type { GateIndex, ServiceIndex } from './gate-index.js';

export interface GateQuestion {
  readonly service: string;
  readonly environment?: string;
  readonly action?: GateAction;
  readonly labels?: Labels;
  /** One group of the service's grouped SLOs (`?group.LABEL=VALUE`): those SLOs are judged on that group. */
  readonly group?: Labels;
  /** The caller holds the admin token (or none is configured), so overrides are honoured. */
  readonly admin: boolean;
  /** Release metadata as sent (version, labels, ...), kept with the decision. */
  readonly release?: Readonly<Record<string, unknown>>;
  readonly requester?: string;
  /** Who asks, for the audit trail's dedupe: the requester, else the client's User-Agent. */
  readonly caller?: string;
  /** Where the question came from: `gate`, `flagger`, `admission`, `github`. */
  readonly via: string;
}

/** A verdict with its figures. */
export interface Inputs {
  readonly service: string;
  readonly data: VerdictData;
}

export interface Judged {
  readonly verdict: GateVerdict;
  readonly inputs: Inputs;
  /** The verdict's fields as JSON members (no braces). */
  readonly json: string;
  /** What makes two verdicts the same for the audit trail: decision, reasons, policy, override (not the figures). */
  readonly signature: string;
  /** Unix ms after which a manual freeze it rests on expires (the verdict must be decided again); else Infinity. */
  readonly validUntil: number;
}

/** Environments a daemon keeps verdicts for between evaluations, besides those precomputed: a bound on what callers can make it hold. */
const MAX_EXTRA_VERDICTS = 4096;

/**
 * How long `precomputeInSlices` decides before it lets the event loop turn: short enough that a gate request arriving
 * meanwhile waits about as long as its own answer takes, long enough that the turns cost nothing measurable.
 */
const PRECOMPUTE_SLICE_MS = 2;

/** Whether the service is frozen in the environment now (freeze tracking's state). */
export type FrozenLookup = (service: string, environment: string) => boolean;

function judged(verdict: GateVerdict, validUntil: number): Judged {
  const data = verdictData(verdict);
  const signature = JSON.stringify([verdict.service, verdict.environment, verdict.action, verdict.decision, verdict.reasons, verdict.policy, data.override ?? null]);
  return { verdict, inputs: { service: verdict.service, data }, json: verdictMembers(data), signature, validUntil };
}

/**
 * Verdicts computed from the statuses and policy. A verdict depends on the statuses, which change once per evaluation,
 * and on the question: service, environment, action, the group asked about, and of its labels only those an override
 * of the service's policies accepts (with whether the caller may override). `precompute` decides every service,
 * environment and action without labels when an evaluation finishes; other questions are decided once and kept until
 * the next evaluation. So a gate request, a Flagger hook or an admission review carrying a dozen object labels, is a
 * map lookup and shares the verdict's serialization with every other request that asks the same.
 */
export class Verdicts {
  private readonly index: GateIndex;
  private readonly defaultEnvironment: string;
  private readonly frozen: FrozenLookup;
  private cache = new Map<string, Judged>();
  private extra = 0;
  private cachedFor: ServiceIndex | undefined;
  /** Bumped by every `invalidate`, so a sliced precompute learns that what it fills was thrown away. */
  private generation = 0;
  /** The policies that may override a service's denials, per service, for this index. */
  private overridePolicies = new Map<string, readonly BudgetPolicy[]>();

  constructor(index: GateIndex, defaultEnvironment: string, frozen: FrozenLookup = () => false) {
    this.index = index;
    this.defaultEnvironment = defaultEnvironment;
    this.frozen = frozen;
  }

  /** Forgets every kept verdict (a manual freeze was set or lifted, the policies or a freeze changed). */
  invalidate(): void {
    this.cache = new Map();
    this.overridePolicies = new Map();
    this.extra = 0;
    this.generation += 1;
  }

  /**
   * Forgets the verdicts of a service in an environment, every action and question, keeping the others: after an
   * evaluation, freeze tracking has just decided each service's deploy verdict from this index, and only where a
   * freeze began or thawed does the hysteresis (`frozen`) change what they say. So precomputing after it (with
   * `keep`) decides the rest and not those again.
   */
  forget(service: string, environment: string): void {
    const prefix = key(service, environment, '');
    for (const cacheKey of this.cache.keys()) if (cacheKey.startsWith(prefix)) this.cache.delete(cacheKey);
  }

  /** Decides every question without labels that the daemon knows to expect, as of `now`. */
  precompute(services: readonly string[], environmentsOf: (service: string) => readonly string[], actions: readonly GateAction[], manualOf: (service: string) => readonly ManualFreeze[], now: number): number {
    this.invalidate();
    this.cachedFor = this.index.current();
    let count = 0;
    for (const service of services) count += this.precomputeService(service, environmentsOf(service), actions, manualOf(service), now);
    this.extra = 0;
    return count;
  }

  /**
   * `precompute` after an evaluation, a slice of services at a time with the event loop free between slices, so
   * gate requests that arrive meanwhile are answered rather than wait for every verdict of every service (with a few
   * hundred services this was among the longest blocks of an evaluation cycle; bench/gate/NOTES.md).
   *
   * What a request sees meanwhile is this evaluation's verdict all the same: the index (the statuses) was replaced
   * whole before this starts, and a question not yet precomputed is decided on demand from that same index (and kept;
   * this then leaves it). Resolves with the count, or with undefined when the verdicts were invalidated meanwhile (a
   * freeze set or lifted, a reload, the next evaluation's index): whoever invalidated them decides afresh.
   */
  async precomputeInSlices(services: readonly string[], environmentsOf: (service: string) => readonly string[], actions: readonly GateAction[], manualOf: (service: string) => readonly ManualFreeze[], now: number, keep = false): Promise<number | undefined> {
    // `keep`: the verdicts already decided from the current index stay (see `forget`); any older precompute stops.
    if (keep && this.index.current() === this.cachedFor) this.generation += 1;
    else this.invalidate();
    const generation = this.generation;
    this.cachedFor = this.index.current();
    let count = 0;
    let sliceStarted = performance.now();
    for (const service of services) {
      if (performance.now() - sliceStarted >= PRECOMPUTE_SLICE_MS) {
        await nextTurn();
        if (this.generation !== generation || this.index.current() !== this.cachedFor) return undefined;
        sliceStarted = performance.now();
      }
      count += this.precomputeService(service, environmentsOf(service), actions, manualOf(service), now);
    }
    return count;
  }

  /** Decides one service's label-less questions (every environment and action) unless one was decided meanwhile. */
  private precomputeService(service: string, environments: readonly string[], actions: readonly GateAction[], manual: readonly ManualFreeze[], now: number): number {
    let count = 0;
    for (const environment of environments) {
      for (const action of actions) {
        const cacheKey = key(service, environment, action);
        if (!this.cache.has(cacheKey)) this.cache.set(cacheKey, this.decide({ service, environment, action, admin: false }, manual, now));
        count += 1;
      }
    }
    return count;
  }

  judge(question: Omit<GateQuestion, 'via'>, manual: readonly ManualFreeze[], now: number): Judged {
    const current = this.index.current();
    if (current !== this.cachedFor) {
      this.cachedFor = current;
      this.invalidate();
    }
    const cacheKey = key(question.service, question.environment ?? this.defaultEnvironment, question.action ?? 'deploy') + this.questionKey(question);
    const cached = this.cache.get(cacheKey);
    if (cached && now < cached.validUntil) return cached;
    const entry = this.decide(question, manual, now);
    if (cached || this.extra < MAX_EXTRA_VERDICTS) {
      if (!cached) this.extra += 1;
      this.cache.set(cacheKey, entry);
    }
    return entry;
  }

  /**
   * What of a question besides service, environment and action can change its verdict: the group asked about, and
   * the override each policy of the service would accept from its labels (then whether the caller may override).
   * Empty for the common question, so it shares the precomputed verdict.
   */
  private questionKey(question: Omit<GateQuestion, 'via'>): string {
    let extra = question.group === undefined ? '' : `\u0000group${JSON.stringify(Object.entries(question.group).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    const labels = question.labels;
    if (labels === undefined || Object.keys(labels).length === 0) return extra;
    let policies = this.overridePolicies.get(question.service);
    if (!policies) {
      policies = this.index.policiesOf(question.service);
      this.overridePolicies.set(question.service, policies);
    }
    let overrides = '';
    for (const policy of policies) {
      const accepted = matchOverride(policy, labels);
      if (accepted) overrides += `\u0000${policy.name}\u0001${accepted.label}\u0001${accepted.value}`;
    }
    if (overrides !== '') extra += `\u0000override${question.admin ? 1 : 0}${overrides}`;
    return extra;
  }

  private decide(question: Omit<GateQuestion, 'via'>, manual: readonly ManualFreeze[], now: number): Judged {
    const current = this.index.current();
    let covered = current.byService.get(question.service) ?? [];
    if (question.group !== undefined) {
      const narrowed = narrowToGroup(question.service, covered, question.group, { groupsOf: (status) => this.index.groups(status), groupByOf: (status) => this.index.groupByOf(status) });
      if ('problem' in narrowed) throw badRequest(narrowed.problem);
      covered = narrowed.covered;
    }
    const environment = question.environment ?? this.defaultEnvironment;
    const action = question.action ?? 'deploy';
    const request = { service: question.service, environment, action, labels: question.labels ?? {}, overridesPermitted: question.admin, frozen: this.frozen(question.service, environment) };
    const verdict = decideGate(request, covered, this.index.policyFor(question.service), now, manual, question.group);
    // A manual freeze with an end changes the verdict when it expires, between evaluations.
    let validUntil = Number.POSITIVE_INFINITY;
    for (const freeze of applicableFreezes(manual, request, now)) if (freeze.until !== undefined) validUntil = Math.min(validUntil, Date.parse(freeze.until));
    return judged(verdict, validUntil);
  }
}

function key(service: string, environment: string, action: string): string {
  return `${service}\u0000${environment}\u0000${action}`;
}
