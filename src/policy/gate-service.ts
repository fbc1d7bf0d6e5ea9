import type { BudgetPolicy, Decision, DocumentStore, GateAction, GateDecision, Journal, Labels, SloStatus, StatusReader } from '../core/index.js';
import { decideGate, policyForService, policyForSlo } from '../core/policy/index.js';
import type { CoveredSlo, GateVerdict, ManualFreeze, SloVerdict } from '../core/policy/index.js';

/** Journal kind of gate decisions; the subject is the service. */
export const DECISION_KIND = 'decision';
/**
 * Journal kind of a verdict with its inputs (each SLO's figures), written once per evaluation and question and
 * referred to by every decision that it answered (`inputs`, the entry's journal id), which keeps decision rows small.
 */
export const INPUTS_KIND = 'decision-inputs';
/** DocumentStore namespace of the freezes set by hand, keyed `service/environment`. */
export const MANUAL_FREEZES_NAMESPACE = 'policy.manual-freezes';

/** A decision: CONTRACT.md's gate answer, with each SLO's figures (the decision's inputs). */
export interface GateAnswer extends Decision {
  readonly figures: readonly SloVerdict[];
  /** With an override: the reasons the change would have been denied for. */
  readonly overridden?: readonly string[];
  readonly requester?: string;
  /** Where the question came from: `gate`, `flagger`, `admission`. */
  readonly via: string;
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
  /** Where the question came from: `gate`, `flagger`, `admission`. */
  readonly via: string;
}

export interface GateServiceOptions {
  readonly statuses: StatusReader;
  readonly policies: readonly BudgetPolicy[];
  readonly journal: Journal;
  /** Where freezes set by hand are kept; without it they live in memory only. */
  readonly documents?: DocumentStore;
  readonly now?: () => number;
  /** The environment of a question that names none. Default `production`: the strictest reading. */
  readonly defaultEnvironment?: string;
  /** Called after each decision (metrics, logs). */
  readonly onDecision?: (answer: GateAnswer) => void;
  /**
   * Runs journal writes in one storage transaction (the SQLite store's `db.transaction`). Decisions are then written
   * in groups: those decided in one turn of the event loop share one commit. Without it each is its own write.
   */
  readonly transaction?: (work: () => void) => void;
  /** Called when recording decisions failed (they are lost; the answers were already given). */
  readonly onWriteError?: (error: unknown, lost: number) => void;
  /**
   * How long decisions wait to be written together, in ms. 0 writes at the end of the event loop's turn. The
   * trade-off: a crash (kill -9, power loss) loses the decisions of at most this long; the answers were given.
   * Default 10.
   */
  readonly flushMs?: number;
}

/** Decisions written per transaction at most; more are written at once, in another transaction. */
const MAX_BATCH = 1024;

interface ServiceIndex {
  /** The `latest()` array the index was built from; a new array means a new evaluation. */
  readonly source: readonly SloStatus[];
  readonly byService: ReadonlyMap<string, readonly CoveredSlo[]>;
}

/** A verdict with its figures, journalled once (`journalId` once written). */
interface Inputs {
  readonly service: string;
  readonly data: ReturnType<typeof verdictFields> & { readonly figures: readonly SloVerdict[] };
  journalId?: number;
}

interface Judged {
  readonly verdict: GateVerdict;
  readonly inputs: Inputs;
  /** The verdict's fields as JSON members (no braces), serialized once for every answer that shares it. */
  readonly json: string;
}

/** What the journal holds for a decision: what is its own; the verdict and figures are in the `inputs` entry. */
interface StoredDecision {
  readonly id: string;
  /** Also in the verdict; kept here so the row says what was decided on its own (metrics count it on write). */
  readonly decision: GateDecision;
  readonly inputs: number;
  readonly decidedAt: string;
  readonly via: string;
  readonly release?: Readonly<Record<string, unknown>>;
  readonly requester?: string;
}

function verdictFields(verdict: GateVerdict) {
  return {
    service: verdict.service,
    environment: verdict.environment,
    action: verdict.action,
    decision: verdict.decision,
    allowed: verdict.allowed,
    reasons: verdict.reasons,
    slos: verdict.slos.map((slo) => slo.name),
    policy: verdict.policy,
    ...(verdict.override ? { override: `${verdict.override.label}=${verdict.override.value}`, overridden: verdict.override.overridden } : {}),
    evaluatedAt: verdict.evaluatedAt,
  };
}

/**
 * Answers gates from the engine's last evaluation in memory and records every decision in the journal. The
 * per-service list of SLOs and their policies is built once per evaluation, and so is the verdict of a question
 * without labels (the common case), so a gate costs a map lookup, a small JSON string and a journal row; the rows
 * of one event-loop turn share one transaction, and the figures a verdict rests on are journalled once.
 */
export class GateService {
  private readonly statuses: StatusReader;
  private readonly journal: Journal;
  private readonly now: () => number;
  private readonly onDecision: ((answer: GateAnswer) => void) | undefined;
  readonly defaultEnvironment: string;
  private policies: readonly BudgetPolicy[];
  private index: ServiceIndex | undefined;
  /** Verdicts of questions without labels, per service, environment and action, for the current index. */
  private verdicts = new Map<string, Judged>();
  private readonly transaction: (work: () => void) => void;
  private readonly onWriteError: ((error: unknown, lost: number) => void) | undefined;
  private pending: { at: number; record: Omit<StoredDecision, 'inputs'>; inputs: Inputs }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  private readonly flushMs: number;
  /** Decision ids: unique per daemon run (start time, then a counter), known before the journal write. */
  private readonly idPrefix: string;
  private sequence = 0;
  private readonly documents: DocumentStore | undefined;
  private manual: ManualFreeze[];

  constructor(options: GateServiceOptions) {
    this.statuses = options.statuses;
    this.journal = options.journal;
    this.policies = options.policies;
    this.now = options.now ?? Date.now;
    this.onDecision = options.onDecision;
    this.defaultEnvironment = options.defaultEnvironment ?? 'production';
    this.transaction = options.transaction ?? ((work) => work());
    this.onWriteError = options.onWriteError;
    this.flushMs = options.flushMs ?? 10;
    this.idPrefix = `${this.now().toString(36)}-`;
    this.documents = options.documents;
    this.manual = (options.documents?.list(MANUAL_FREEZES_NAMESPACE) ?? []).map((entry) => entry.value as ManualFreeze);
  }

  /** Freezes set by hand, in force or expired but not lifted. */
  manualFreezes(): readonly ManualFreeze[] {
    return this.manual;
  }

  /** Sets (or replaces) the manual freeze of a service in an environment. */
  freeze(freeze: ManualFreeze): void {
    this.manual = [...this.manual.filter((other) => other.service !== freeze.service || other.environment !== freeze.environment), freeze];
    this.documents?.put(MANUAL_FREEZES_NAMESPACE, `${freeze.service}/${freeze.environment}`, freeze);
    this.verdicts = new Map();
  }

  /** Lifts a manual freeze; false when there was none. */
  lift(service: string, environment: string): boolean {
    const before = this.manual.length;
    this.manual = this.manual.filter((other) => other.service !== service || other.environment !== environment);
    if (this.manual.length === before) return false;
    this.documents?.delete(MANUAL_FREEZES_NAMESPACE, `${service}/${environment}`);
    this.verdicts = new Map();
    return true;
  }

  /** New policies after a reload. */
  setPolicies(policies: readonly BudgetPolicy[]): void {
    this.policies = policies;
    this.index = undefined;
    this.verdicts = new Map();
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
    this.verdicts = new Map();
    return this.index;
  }

  /** Services some SLO measures or some policy names. */
  services(): string[] {
    const names = new Set(this.serviceIndex().byService.keys());
    for (const freeze of this.manual) names.add(freeze.service);
    for (const policy of this.policies) for (const service of policy.selector.services) names.add(service);
    return [...names].sort();
  }

  knows(service: string): boolean {
    return this.serviceIndex().byService.has(service) || this.policies.some((policy) => policy.selector.services.includes(service)) || this.manual.some((freeze) => freeze.service === service);
  }

  /** The policies that govern a service's SLOs, and the one that speaks for the service as a whole. */
  policiesOf(service: string): BudgetPolicy[] {
    const covered = this.serviceIndex().byService.get(service) ?? [];
    return [...new Set([this.policyFor(service), ...covered.map((entry) => entry.policy)])];
  }

  policyFor(service: string): BudgetPolicy {
    return policyForService(this.policies, service);
  }

  private judge(question: Omit<GateQuestion, 'via'>, now: number): Judged {
    const covered = this.serviceIndex().byService.get(question.service) ?? [];
    const labels = question.labels ?? {};
    const manual = this.manual.length === 0 ? [] : this.manual.filter((freeze) => freeze.service === question.service);
    // Without labels the answer depends only on the statuses, which change once per evaluation: keep it until then.
    // (Not while a manual freeze concerns the service: it may expire between evaluations.)
    const cacheable = covered.length > 0 && manual.length === 0 && Object.keys(labels).length === 0;
    const key = cacheable ? `${question.service}\u0000${question.environment ?? this.defaultEnvironment}\u0000${question.action ?? 'deploy'}` : '';
    const cached = cacheable ? this.verdicts.get(key) : undefined;
    if (cached) return cached;
    const verdict = decideGate(
      {
        service: question.service,
        environment: question.environment ?? this.defaultEnvironment,
        action: question.action ?? 'deploy',
        labels,
        overridesPermitted: question.admin,
      },
      covered,
      this.policyFor(question.service),
      now,
      manual,
    );
    const data = { ...verdictFields(verdict), figures: verdict.slos };
    const judged: Judged = { verdict, inputs: { service: verdict.service, data }, json: JSON.stringify(data).slice(1, -1) };
    if (cacheable) this.verdicts.set(key, judged);
    return judged;
  }

  /** The decision without recording it (freeze tracking asks this after every evaluation). */
  evaluate(question: Omit<GateQuestion, 'via'>, now = this.now()): GateVerdict {
    return this.judge(question, now).verdict;
  }

  /**
   * Decides and records; `body` is the answer as JSON. The answer is given at once; the record is written to the
   * journal at the end of this turn of the event loop, with the others decided in it (see `transaction`).
   */
  decideJson(question: GateQuestion): { answer: GateAnswer; body: string } {
    const now = this.now();
    const { verdict, inputs, json } = this.judge(question, now);
    const id = `${this.idPrefix}${(++this.sequence).toString(36)}`;
    const decidedAt = new Date(now).toISOString();
    const extra = {
      ...(question.release === undefined ? {} : { release: question.release }),
      ...(question.requester === undefined ? {} : { requester: question.requester }),
      decidedAt,
      via: question.via,
    };
    this.pending.push({ at: now, record: { id, decision: verdict.decision, ...extra }, inputs });
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.scheduleFlush();
    const answer: GateAnswer = { id, ...inputs.data, ...extra };
    this.onDecision?.(answer);
    return { answer, body: `{"id":${JSON.stringify(id)},${JSON.stringify(extra).slice(1, -1)},${json}}` };
  }

  decide(question: GateQuestion): GateAnswer {
    return this.decideJson(question).answer;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.flushImmediate !== undefined) return;
    if (this.flushMs <= 0) {
      this.flushImmediate = setImmediate(() => this.flush());
      return;
    }
    this.flushTimer = setTimeout(() => this.flush(), this.flushMs);
    // Shutdown flushes explicitly; a pending write must not keep a finished process alive.
    this.flushTimer.unref();
  }

  /** Writes the decisions not yet in the journal, in one transaction. */
  flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    if (this.flushImmediate !== undefined) clearImmediate(this.flushImmediate);
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const written: Inputs[] = [];
    try {
      this.transaction(() => {
        for (const { at, record, inputs } of batch) {
          if (inputs.journalId === undefined) {
            inputs.journalId = this.journal.append(INPUTS_KIND, { at, subject: inputs.service, data: inputs.data });
            written.push(inputs);
          }
          this.journal.append(DECISION_KIND, { at, subject: inputs.service, data: { ...record, inputs: inputs.journalId } });
        }
      });
    } catch (error) {
      // The transaction was rolled back: those inputs are not in the journal after all.
      for (const inputs of written) delete inputs.journalId;
      this.onWriteError?.(error, batch.length);
    }
  }

  private inputsOf(journalId: number): Inputs['data'] | undefined {
    const [entry] = this.journal.query(INPUTS_KIND, { beforeId: journalId + 1, limit: 1 });
    return entry?.id === journalId ? (entry.data as Inputs['data']) : undefined;
  }

  /**
   * The audit trail, newest first, with each decision's figures (decisions not yet written are written first).
   * `before` is a cursor: the `next` of the previous page.
   */
  decisions(query: { service?: string; limit: number; before?: number }): { data: GateAnswer[]; next?: number } {
    this.flush();
    const entries = this.journal.query(DECISION_KIND, { limit: query.limit, ...(query.service === undefined ? {} : { subject: query.service }), ...(query.before === undefined ? {} : { beforeId: query.before }) });
    const verdicts = new Map<number, Inputs['data'] | undefined>();
    const data = entries.flatMap((entry): GateAnswer[] => {
      const { inputs, ...record } = entry.data as StoredDecision;
      const verdict = verdicts.has(inputs) ? verdicts.get(inputs) : this.inputsOf(inputs);
      verdicts.set(inputs, verdict);
      // Retention removes old entries of every kind alike; a decision whose verdict is gone is not shown half.
      return verdict ? [{ ...verdict, ...record }] : [];
    });
    const last = entries.at(-1);
    return { data, ...(entries.length === query.limit && last ? { next: last.id } : {}) };
  }
}
