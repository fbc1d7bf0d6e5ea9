import type { BudgetPolicy, DocumentStore, GateVerdict, Journal, ManualFreeze, StatusReader } from '../core/index.js';
import { answerOf, renderAnswer } from './answer.js';
import type { DecisionExtra, GateAnswer } from './answer.js';
import { DecisionJournal } from './decision-journal.js';
import { GateIndex } from './gate-index.js';
import { ManualFreezes } from './manual-freezes.js';
import { Verdicts } from './verdicts.js';
import type { GateQuestion } from './verdicts.js';

export type { GateAnswer } from './answer.js';
export { DECISION_KIND, INPUTS_KIND } from './decision-journal.js';
export { MANUAL_FREEZES_NAMESPACE } from './manual-freezes.js';
export type { GateQuestion } from './verdicts.js';

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

/**
 * Answers gates from the engine's last evaluation in memory and records every decision. It asks its parts: the
 * gate index (service to SLOs and policies), the verdicts (kept per evaluation), the manual freezes, the decision
 * journal (batched writes) and the answer rendering (pre-serialized verdicts), so a gate costs a map lookup, a
 * small JSON string and a journal row.
 */
export class GateService {
  readonly defaultEnvironment: string;
  private readonly index: GateIndex;
  private readonly verdicts: Verdicts;
  private readonly manual: ManualFreezes;
  private readonly journal: DecisionJournal;
  private readonly now: () => number;
  private readonly onDecision: ((answer: GateAnswer) => void) | undefined;
  /** Decision ids: unique per daemon run (start time, then a counter), known before the journal write. */
  private readonly idPrefix: string;
  private sequence = 0;

  constructor(options: GateServiceOptions) {
    this.now = options.now ?? Date.now;
    this.onDecision = options.onDecision;
    this.defaultEnvironment = options.defaultEnvironment ?? 'production';
    this.index = new GateIndex(options.statuses, options.policies);
    this.verdicts = new Verdicts(this.index, this.defaultEnvironment);
    this.manual = new ManualFreezes(options.documents);
    this.journal = new DecisionJournal({
      journal: options.journal,
      ...(options.transaction ? { transaction: options.transaction } : {}),
      ...(options.onWriteError ? { onWriteError: options.onWriteError } : {}),
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
    });
    this.idPrefix = `${this.now().toString(36)}-`;
  }

  /** Freezes set by hand, in force or expired but not lifted. */
  manualFreezes(): readonly ManualFreeze[] {
    return this.manual.all();
  }

  /** Sets (or replaces) the manual freeze of a service in an environment. */
  freeze(freeze: ManualFreeze): void {
    this.manual.set(freeze);
    this.verdicts.invalidate();
  }

  /** Lifts a manual freeze; false when there was none. */
  lift(service: string, environment: string): boolean {
    if (!this.manual.lift(service, environment)) return false;
    this.verdicts.invalidate();
    return true;
  }

  /** New policies after a reload. */
  setPolicies(policies: readonly BudgetPolicy[]): void {
    this.index.setPolicies(policies);
  }

  currentPolicies(): readonly BudgetPolicy[] {
    return this.index.policies();
  }

  /** Services some SLO measures, some policy names or a manual freeze concerns. */
  services(): string[] {
    const names = this.index.services();
    for (const freeze of this.manual.all()) names.add(freeze.service);
    return [...names].sort();
  }

  knows(service: string): boolean {
    return this.index.knows(service) || this.manual.all().some((freeze) => freeze.service === service);
  }

  /** The policies that govern a service's SLOs, and the one that speaks for the service as a whole. */
  policiesOf(service: string): BudgetPolicy[] {
    return this.index.policiesOf(service);
  }

  policyFor(service: string): BudgetPolicy {
    return this.index.policyFor(service);
  }

  /** The decision without recording it (freeze tracking asks this after every evaluation). */
  evaluate(question: Omit<GateQuestion, 'via'>, now = this.now()): GateVerdict {
    return this.verdicts.judge(question, this.manual.of(question.service), now).verdict;
  }

  /**
   * Decides and records; `body` is the answer as JSON. The answer is given at once; the record is written to the
   * journal with the others decided within the flush interval (see `transaction`).
   */
  decideJson(question: GateQuestion): { answer: GateAnswer; body: string } {
    const now = this.now();
    const { verdict, inputs, json } = this.verdicts.judge(question, this.manual.of(question.service), now);
    const id = `${this.idPrefix}${(++this.sequence).toString(36)}`;
    const extra: DecisionExtra = {
      ...(question.release === undefined ? {} : { release: question.release }),
      ...(question.requester === undefined ? {} : { requester: question.requester }),
      decidedAt: new Date(now).toISOString(),
      via: question.via,
    };
    this.journal.record(now, { id, decision: verdict.decision, ...extra }, inputs);
    const answer = answerOf(id, extra, inputs.data);
    this.onDecision?.(answer);
    return { answer, body: renderAnswer(id, extra, json) };
  }

  decide(question: GateQuestion): GateAnswer {
    return this.decideJson(question).answer;
  }

  /** Writes the decisions not yet in the journal, in one transaction. */
  flush(): void {
    this.journal.flush();
  }

  /** The audit trail, newest first, with each decision's figures. `before` is the `next` of the previous page. */
  decisions(query: { service?: string; limit: number; before?: number }): { data: GateAnswer[]; next?: number } {
    return this.journal.decisions(query);
  }
}
