import type { BudgetPolicy, Decision, GateAction, Journal, Labels, SloStatus, StatusReader } from '../core/index.js';
import { decideGate, policyForService, policyForSlo } from '../core/policy/index.js';
import type { CoveredSlo, GateVerdict, SloVerdict } from '../core/policy/index.js';

/** Journal kind of gate decisions; the subject is the service. */
export const DECISION_KIND = 'decision';

/** A recorded decision: CONTRACT.md's gate answer, with each SLO's figures (the decision's inputs). */
export interface GateAnswer extends Decision {
  readonly figures: readonly SloVerdict[];
  /** With an override: the reasons the change would have been denied for. */
  readonly overridden?: readonly string[];
  readonly requester?: string;
}

export interface GateQuestion {
  readonly service: string;
  readonly environment?: string;
  readonly action?: GateAction;
  readonly labels?: Labels;
  /** The caller holds the admin token (or none is configured), so overrides are honoured. */
  readonly admin: boolean;
  /** Release metadata as sent (version, labels, ...), kept with the decision. */
  readonly release?: Readonly<Record<string, unknown>>;
  readonly requester?: string;
  /** Where the question came from: `gate`, `flagger`, `admission`, `cli`. */
  readonly via: string;
}

export interface GateServiceOptions {
  readonly statuses: StatusReader;
  readonly policies: readonly BudgetPolicy[];
  readonly journal: Journal;
  readonly now?: () => number;
  /** The environment of a question that names none. Default `production`: the strictest reading. */
  readonly defaultEnvironment?: string;
  /** Called after each recorded decision (metrics, logs). */
  readonly onDecision?: (answer: GateAnswer) => void;
}

interface ServiceIndex {
  /** The `latest()` array the index was built from; a new array means a new evaluation. */
  readonly source: readonly SloStatus[];
  readonly byService: ReadonlyMap<string, readonly CoveredSlo[]>;
}

/**
 * Answers gates from the engine's last evaluation in memory and records every decision in the journal. The
 * per-service list of SLOs and their policies is built once per evaluation, so a gate costs one map lookup and a
 * few comparisons per SLO plus one journal insert.
 */
export class GateService {
  private readonly statuses: StatusReader;
  private readonly journal: Journal;
  private readonly now: () => number;
  private readonly onDecision: ((answer: GateAnswer) => void) | undefined;
  readonly defaultEnvironment: string;
  private policies: readonly BudgetPolicy[];
  private index: ServiceIndex | undefined;

  constructor(options: GateServiceOptions) {
    this.statuses = options.statuses;
    this.journal = options.journal;
    this.policies = options.policies;
    this.now = options.now ?? Date.now;
    this.onDecision = options.onDecision;
    this.defaultEnvironment = options.defaultEnvironment ?? 'production';
  }

  /** New policies after a reload. */
  setPolicies(policies: readonly BudgetPolicy[]): void {
    this.policies = policies;
    this.index = undefined;
  }

  currentPolicies(): readonly BudgetPolicy[] {
    return this.policies;
  }

  private serviceIndex(): ServiceIndex {
    const latest = this.statuses.latest();
    if (this.index?.source === latest) return this.index;
    const byService = new Map<string, CoveredSlo[]>();
    for (const status of latest) {
      let list = byService.get(status.service);
      if (!list) {
        list = [];
        byService.set(status.service, list);
      }
      list.push({ status, policy: policyForSlo(this.policies, status) });
    }
    this.index = { source: latest, byService };
    return this.index;
  }

  /** Services some SLO measures or some policy names. */
  services(): string[] {
    const names = new Set(this.serviceIndex().byService.keys());
    for (const policy of this.policies) for (const service of policy.selector.services) names.add(service);
    return [...names].sort();
  }

  knows(service: string): boolean {
    return this.serviceIndex().byService.has(service) || this.policies.some((policy) => policy.selector.services.includes(service));
  }

  /** The policies that govern a service's SLOs, and the one that speaks for the service as a whole. */
  policiesOf(service: string): BudgetPolicy[] {
    const covered = this.serviceIndex().byService.get(service) ?? [];
    return [...new Set([this.policyFor(service), ...covered.map((entry) => entry.policy)])];
  }

  policyFor(service: string): BudgetPolicy {
    return policyForService(this.policies, service);
  }

  /** The decision without recording it (freeze tracking asks this after every evaluation). */
  evaluate(question: Omit<GateQuestion, 'via'>, now = this.now()): GateVerdict {
    const covered = this.serviceIndex().byService.get(question.service) ?? [];
    return decideGate(
      {
        service: question.service,
        environment: question.environment ?? this.defaultEnvironment,
        action: question.action ?? 'deploy',
        labels: question.labels ?? {},
        overridesPermitted: question.admin,
      },
      covered,
      this.policyFor(question.service),
      now,
    );
  }

  /** Decides and records. The journal write is the only storage touched. */
  decide(question: GateQuestion): GateAnswer {
    const now = this.now();
    const verdict = this.evaluate(question, now);
    const record: Omit<GateAnswer, 'id'> & { via: string } = {
      service: verdict.service,
      environment: verdict.environment,
      action: verdict.action,
      decision: verdict.decision,
      allowed: verdict.allowed,
      reasons: verdict.reasons,
      slos: verdict.slos.map((slo) => slo.name),
      policy: verdict.policy,
      ...(verdict.override ? { override: `${verdict.override.label}=${verdict.override.value}`, overridden: verdict.override.overridden } : {}),
      ...(question.release === undefined ? {} : { release: question.release }),
      ...(question.requester === undefined ? {} : { requester: question.requester }),
      figures: verdict.slos,
      evaluatedAt: verdict.evaluatedAt,
      decidedAt: new Date(now).toISOString(),
      via: question.via,
    };
    const id = this.journal.append(DECISION_KIND, { at: now, subject: verdict.service, data: record });
    const answer: GateAnswer = { id: String(id), ...record };
    this.onDecision?.(answer);
    return answer;
  }

  /** The audit trail, newest first; `before` is the id of the last decision of the previous page. */
  decisions(query: { service?: string; limit: number; before?: number }): GateAnswer[] {
    return this.journal
      .query(DECISION_KIND, { limit: query.limit, ...(query.service === undefined ? {} : { subject: query.service }), ...(query.before === undefined ? {} : { beforeId: query.before }) })
      .map((entry) => ({ ...(entry.data as Omit<GateAnswer, 'id'>), id: String(entry.id) }));
  }
}
