import type { GateAction, GateVerdict, Labels, ManualFreeze } from '../core/index.js';
import { decideGate } from '../core/index.js';
import { verdictData, verdictMembers } from './answer.js';
import type { VerdictData } from './answer.js';
import type { GateIndex, ServiceIndex } from './gate-index.js';

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
  /** Where the question came from: `gate`, `flagger`, `admission`. */
  readonly via: string;
}

/** A verdict with its figures, journalled once (`journalId` once written). */
export interface Inputs {
  readonly service: string;
  readonly data: VerdictData;
  journalId?: number;
}

export interface Judged {
  readonly verdict: GateVerdict;
  readonly inputs: Inputs;
  /** The verdict's fields as JSON members (no braces). */
  readonly json: string;
}

/**
 * Verdicts computed from the statuses and policy. The verdict of a question without labels (the common case) depends
 * only on the statuses, which change once per evaluation, so it is kept until the index changes: every gate asked
 * between two evaluations shares one verdict, one serialization and one journalled set of inputs.
 */
export class Verdicts {
  private readonly index: GateIndex;
  private readonly defaultEnvironment: string;
  private cache = new Map<string, Judged>();
  private cachedFor: ServiceIndex | undefined;

  constructor(index: GateIndex, defaultEnvironment: string) {
    this.index = index;
    this.defaultEnvironment = defaultEnvironment;
  }

  /** Forgets every kept verdict (a manual freeze was set or lifted, or the policies changed). */
  invalidate(): void {
    this.cache = new Map();
  }

  judge(question: Omit<GateQuestion, 'via'>, manual: readonly ManualFreeze[], now: number): Judged {
    const current = this.index.current();
    if (current !== this.cachedFor) {
      this.cachedFor = current;
      this.cache = new Map();
    }
    const covered = current.byService.get(question.service) ?? [];
    const labels = question.labels ?? {};
    const environment = question.environment ?? this.defaultEnvironment;
    const action = question.action ?? 'deploy';
    // Not while a manual freeze concerns the service: it may expire between evaluations.
    const cacheable = covered.length > 0 && manual.length === 0 && Object.keys(labels).length === 0;
    const key = cacheable ? `${question.service}\u0000${environment}\u0000${action}` : '';
    const cached = cacheable ? this.cache.get(key) : undefined;
    if (cached) return cached;
    const verdict = decideGate({ service: question.service, environment, action, labels, overridesPermitted: question.admin }, covered, this.index.policyFor(question.service), now, manual);
    const data = verdictData(verdict);
    const judged: Judged = { verdict, inputs: { service: verdict.service, data }, json: verdictMembers(data) };
    if (cacheable) this.cache.set(key, judged);
    return judged;
  }
}
