import type { BudgetPolicy, DocumentStore, GateDecision, GateVerdict, Journal, ManualFreeze, Slo, StatusReader } from '../core/index.js';
import { answerOf, answerTail, renderAnswer, renderAnswerBytes } from './answer.js';
import type { GateAnswer } from './answer.js';
import { DecisionJournal } from './decision-journal.js';
import type { AuditEntry, DecisionCursor } from './decision-journal.js';
import { GateIndex } from './gate-index.js';
import { ManualFreezes } from './manual-freezes.js';
import { ACTIONS } from './release.js';
import { Verdicts } from './verdicts.js';
import type { FrozenLookup, GateQuestion, Judged } from './verdicts.js';

export type { GateAnswer } from './answer.js';
export { DECISION_KIND, INPUTS_KIND } from './decision-journal.js';
export { MANUAL_FREEZES_NAMESPACE } from './manual-freezes.js';
export type { GateQuestion } from './verdicts.js';

export interface GateServiceOptions {
  readonly statuses: StatusReader;
  readonly policies: readonly BudgetPolicy[];
  /** The SLOs in force (their windows); statuses of others are read by their `window` label. */
  readonly slos?: readonly Slo[];
  readonly journal: Journal;
  /** Where freezes set by hand, open audit entries and first-data times are kept; without it, in memory only. */
  readonly documents?: DocumentStore;
  readonly now?: () => number;
  /** The environment of a question that names none. Default `production`: the strictest reading. */
  readonly defaultEnvironment?: string;
  /** Called after each decision with its outcome (the `sloe_gate_decisions_total` counter); kept cheap on purpose. */
  readonly onDecision?: (decision: GateDecision) => void;
  /** Runs a batch of audit writes in one storage transaction (the SQLite store's `db.transaction`). */
  readonly transaction?: (work: () => void) => void;
  /** Called when recording decisions failed (they are lost; the answers were already given). */
  readonly onWriteError?: (error: unknown, lost: number) => void;
  /** How long audit records wait to be written together, in ms (see DecisionJournal). Default 1000. */
  readonly flushMs?: number;
  /** Whether freeze tracking holds the service frozen in an environment (hysteresis). */
  readonly frozen?: FrozenLookup;
}

/** What a question adds to its answer besides the verdict, id, time and via. */
type Extra = Pick<GateQuestion, 'release' | 'requester'>;

/** What a question without release metadata adds to its answer: nothing (shared, not built per request). */
const NO_EXTRA: Extra = {};

/** The release metadata and requester a question adds to its answer, or NO_EXTRA. */
function extraOf(question: GateQuestion): Extra {
  if (question.release === undefined && question.requester === undefined) return NO_EXTRA;
  return { ...(question.release === undefined ? {} : { release: question.release }), ...(question.requester === undefined ? {} : { requester: question.requester }) };
}

/** A decision as a request gets it: the id, the verdict and its answer body. */
export interface Decided {
  readonly id: string;
  readonly judged: Judged;
  readonly body: string;
  readonly decidedAt: string;
}

/**
 * Answers gates from verdicts computed when an evaluation finishes (`refresh`), and keeps the audit trail. A request
 * looks its verdict up, splices its id and time into the verdict's pre-serialized answer and counts the decision in
 * memory; the audit trail is written in batches.
 */
export class GateService {
  readonly defaultEnvironment: string;
  private readonly index: GateIndex;
  private readonly verdicts: Verdicts;
  private readonly manual: ManualFreezes;
  private readonly journal: DecisionJournal;
  private readonly now: () => number;
  private readonly onDecision: ((decision: GateDecision) => void) | undefined;
  /** Environments freeze tracking follows per service, set by `refresh`. */
  private environmentsOf: (service: string) => readonly string[] = () => [this.defaultEnvironment];
  /** Decision ids: unique per daemon run (start time, then a counter), known before the journal write. */
  private readonly idPrefix: string;
  private sequence = 0;
  /** The last decision time and its RFC 3339 text: a polled gate answers many times a millisecond. */
  private decidedAtMs = Number.NaN;
  private decidedAtText = '';
  /** What else answers gates (the front thread): how to get its answers counted before the audit trail is read. */
  private readonly answerSources: (() => Promise<void>)[] = [];
  /** Called when verdicts may have changed (an evaluation's precompute, a freeze set or lifted, new specs). */
  private readonly changeListeners: (() => void)[] = [];
  /** Each verdict's answer bytes after the id and time (`decideBytes`), made on its first answer. */
  private readonly tails = new WeakMap<Judged, { readonly via: string; readonly bytes: Buffer }>();

  constructor(options: GateServiceOptions) {
    this.now = options.now ?? Date.now;
    this.onDecision = options.onDecision;
    this.defaultEnvironment = options.defaultEnvironment ?? 'production';
    this.index = new GateIndex(options.statuses, options.policies, { now: this.now, ...(options.slos ? { slos: options.slos } : {}) });
    this.verdicts = new Verdicts(this.index, this.defaultEnvironment, options.frozen);
    this.manual = new ManualFreezes(options.documents);
    this.journal = new DecisionJournal({
      journal: options.journal,
      ...(options.documents ? { documents: options.documents } : {}),
      ...(options.transaction ? { transaction: options.transaction } : {}),
      ...(options.onWriteError ? { onWriteError: options.onWriteError } : {}),
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
      now: this.now,
    });
    this.idPrefix = `${this.now().toString(36)}-`;
  }

  /** After an evaluation: the index for its statuses. Call `precompute` once freezes are tracked. */
  refresh(now = this.now()): void {
    this.index.refresh(now);
  }

  /** Decides every service in every tracked environment for every action, so requests only look verdicts up. */
  precompute(environmentsOf: (service: string) => readonly string[], now = this.now()): number {
    this.environmentsOf = environmentsOf;
    const count = this.verdicts.precompute(this.services(), environmentsOf, ACTIONS, (service) => this.manual.of(service), now);
    this.changed();
    return count;
  }

  /** Calls `listener` whenever verdicts may have changed, before the next request is answered from them. */
  onVerdictsChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /**
   * `precompute` a slice of services at a time, the event loop free between slices (Verdicts.precomputeInSlices):
   * after an evaluation, so gate requests are answered while the verdicts are decided. Resolves with the count, or
   * undefined when something invalidated the verdicts meanwhile and decided afresh.
   * `changed`: where freeze tracking, having just decided from this evaluation's statuses, saw a freeze begin or thaw;
   * only those verdicts are decided again, the others kept. Without it, every verdict is decided afresh.
   */
  precomputeInSlices(environmentsOf: (service: string) => readonly string[], now = this.now(), changed?: readonly { readonly service: string; readonly environment: string }[]): Promise<number | undefined> {
    this.environmentsOf = environmentsOf;
    for (const { service, environment } of changed ?? []) this.verdicts.forget(service, environment);
    if (changed !== undefined && changed.length > 0) this.changed();
    return this.verdicts.precomputeInSlices(this.services(), environmentsOf, ACTIONS, (service) => this.manual.of(service), now, changed !== undefined).then((count) => {
      this.changed();
      return count;
    });
  }

  /** Freezes set by hand, in force or expired but not lifted. */
  manualFreezes(): readonly ManualFreeze[] {
    return this.manual.all();
  }

  /** Sets (or replaces) the manual freeze of a service in an environment. */
  freeze(freeze: ManualFreeze): void {
    this.manual.set(freeze);
    this.precompute(this.environmentsOf);
  }

  /** Lifts a manual freeze; false when there was none. */
  lift(service: string, environment: string): boolean {
    if (!this.manual.lift(service, environment)) return false;
    this.precompute(this.environmentsOf);
    return true;
  }

  /** New policies and SLOs after a reload. */
  setSpecs(policies: readonly BudgetPolicy[], slos?: readonly Slo[]): void {
    this.index.setPolicies(policies);
    if (slos) this.index.setSlos(slos);
    this.verdicts.invalidate();
    this.changed();
  }

  /** New policies after a reload. */
  setPolicies(policies: readonly BudgetPolicy[]): void {
    this.setSpecs(policies);
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

  /** Decides and counts the decision in the audit trail; `body` is the answer as JSON. */
  decideJson(question: GateQuestion): Decided {
    const { id, judged, decidedAt } = this.decideAndRecord(question);
    return { id, judged, body: renderAnswer(id, decidedAt, question.via, extraOf(question), judged.json), decidedAt };
  }

  /**
   * `decideJson`'s answer as the bytes a response sends (the gate's fast path): the same decision, counted the same
   * way, its body byte for byte `decideJson`'s. The part after the id and time is kept per verdict, so an answer
   * copies it rather than build and encode a string.
   */
  decideBytes(question: GateQuestion): Buffer {
    const { id, judged, decidedAt } = this.decideAndRecord(question);
    const extra = extraOf(question);
    if (extra !== NO_EXTRA) return Buffer.from(renderAnswer(id, decidedAt, question.via, extra, judged.json), 'utf8');
    return renderAnswerBytes(id, decidedAt, this.answerTail(question, judged));
  }

  /**
   * Decision ids the front thread gives start with this: the daemon's own prefix and `f-`, which none of its own ids
   * has (theirs continue with a base-36 counter).
   */
  get frontIdPrefix(): string {
    return `${this.idPrefix}f-`;
  }

  /** The verdict a question gets now, without counting a decision (the front thread's templates). */
  judge(question: GateQuestion): Judged {
    return this.verdicts.judge(question, this.manual.of(question.service), this.now());
  }

  /** What follows the id and time in the answer to a question without release metadata, for a verdict it got. */
  answerTail(question: GateQuestion, judged: Judged): Buffer {
    let tail = this.tails.get(judged);
    if (tail === undefined || tail.via !== question.via) {
      tail = { via: question.via, bytes: answerTail(question.via, judged.json) };
      this.tails.set(judged, tail);
    }
    return tail.bytes;
  }

  /**
   * Counts `count` answers the front thread gave to a question from one verdict, the first at `firstAt` with id
   * `firstId`, the last at `lastAt` with `lastId`: in the audit trail and the metrics as `decideBytes` counts them.
   */
  recordAnswers(question: GateQuestion, judged: Judged, run: { readonly count: number; readonly firstAt: number; readonly firstId: string; readonly lastAt: number; readonly lastId: string }): void {
    this.journal.record({ id: run.firstId, at: run.firstAt, via: question.via, caller: `${question.via}:${question.caller ?? 'anonymous'}` }, judged, run);
    if (this.onDecision) for (let i = 0; i < run.count; i += 1) this.onDecision(judged.verdict.decision);
  }

  /** Judges the question, gives the decision its id and time, and counts it in the audit trail and the metrics. */
  private decideAndRecord(question: GateQuestion): { id: string; judged: Judged; decidedAt: string } {
    const now = this.now();
    const judged = this.verdicts.judge(question, this.manual.of(question.service), now);
    const id = `${this.idPrefix}${(++this.sequence).toString(36)}`;
    if (now !== this.decidedAtMs) {
      this.decidedAtMs = now;
      this.decidedAtText = new Date(now).toISOString();
    }
    const decidedAt = this.decidedAtText;
    this.journal.record(
      {
        id,
        at: now,
        via: question.via,
        caller: `${question.via}:${question.requester ?? question.caller ?? 'anonymous'}`,
        ...(question.release === undefined ? {} : { release: question.release }),
        ...(question.requester === undefined ? {} : { requester: question.requester }),
      },
      judged,
    );
    if (this.onDecision) this.onDecision(judged.verdict.decision);
    return { id, judged, decidedAt };
  }

  decide(question: GateQuestion): GateAnswer {
    const { id, judged, decidedAt } = this.decideAndRecord(question);
    return answerOf(id, { ...extraOf(question), decidedAt, via: question.via }, judged.inputs.data);
  }

  /** Writes the audit batch now; `closeAll` closes every open entry (shutdown). */
  flush(closeAll = false): void {
    this.journal.flush(this.now(), closeAll);
  }

  /** Adds something else that answers gates: `settle` gets its answers counted (resolves once they are). */
  addAnswerSource(settle: () => Promise<void>): void {
    this.answerSources.push(settle);
  }

  /** Resolves once every answer given so far, wherever it was given, is counted in the audit trail. */
  async settled(): Promise<void> {
    await Promise.all(this.answerSources.map((settle) => settle()));
  }

  /** The audit trail, newest first. `before` is the `next` of the previous page. */
  decisions(query: { service?: string; limit: number; from?: DecisionCursor }): { data: AuditEntry[]; next?: DecisionCursor } {
    return this.journal.decisions(query);
  }
}
