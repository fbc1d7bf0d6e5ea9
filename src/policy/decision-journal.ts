import type { GateDecision, Journal } from '../core/index.js';
import type { GateAnswer, VerdictData } from './answer.js';
import type { Inputs } from './verdicts.js';

/** Journal kind of gate decisions; the subject is the service. */
export const DECISION_KIND = 'decision';
/**
 * Journal kind of a verdict with its inputs (each SLO's figures), written once per evaluation and question and
 * referred to by every decision that it answered (`inputs`, the entry's journal id), which keeps decision rows small.
 */
export const INPUTS_KIND = 'decision-inputs';

/** Decisions written per transaction at most; more are written at once, in another transaction. */
const MAX_BATCH = 1024;

/** What the journal holds for a decision: what is its own; the verdict and figures are in the `inputs` entry. */
export interface StoredDecision {
  readonly id: string;
  /** Also in the verdict; kept here so the row says what was decided on its own (metrics count it on write). */
  readonly decision: GateDecision;
  readonly inputs: number;
  readonly decidedAt: string;
  readonly via: string;
  readonly release?: Readonly<Record<string, unknown>>;
  readonly requester?: string;
}

export interface DecisionJournalOptions {
  readonly journal: Journal;
  /** Runs journal writes in one storage transaction; without it each is its own write. */
  readonly transaction?: (work: () => void) => void;
  /** Called when recording decisions failed (they are lost; the answers were already given). */
  readonly onWriteError?: (error: unknown, lost: number) => void;
  /** How long decisions wait to be written together, in ms; 0 writes at the end of the event loop's turn. */
  readonly flushMs?: number;
}

/**
 * The audit trail of gate decisions, written in batches: a gate answers at once and its record joins the others
 * decided within `flushMs` in one transaction. The trade-off: a crash loses at most that long of records, never an
 * answer; a gate under load costs a row, not a commit.
 */
export class DecisionJournal {
  private readonly journal: Journal;
  private readonly transaction: (work: () => void) => void;
  private readonly onWriteError: ((error: unknown, lost: number) => void) | undefined;
  private readonly flushMs: number;
  private pending: { at: number; record: Omit<StoredDecision, 'inputs'>; inputs: Inputs }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;

  constructor(options: DecisionJournalOptions) {
    this.journal = options.journal;
    this.transaction = options.transaction ?? ((work) => work());
    this.onWriteError = options.onWriteError;
    this.flushMs = options.flushMs ?? 10;
  }

  /** Queues a decision's record; written with the others of this batch (at once when the batch is full). */
  record(at: number, record: Omit<StoredDecision, 'inputs'>, inputs: Inputs): void {
    this.pending.push({ at, record, inputs });
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.scheduleFlush();
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

  /**
   * The audit trail, newest first, with each decision's figures (decisions not yet written are written first).
   * `before` is a cursor: the `next` of the previous page.
   */
  decisions(query: { service?: string; limit: number; before?: number }): { data: GateAnswer[]; next?: number } {
    this.flush();
    const entries = this.journal.query(DECISION_KIND, { limit: query.limit, ...(query.service === undefined ? {} : { subject: query.service }), ...(query.before === undefined ? {} : { beforeId: query.before }) });
    const verdicts = new Map<number, VerdictData | undefined>();
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

  private inputsOf(journalId: number): VerdictData | undefined {
    const [entry] = this.journal.query(INPUTS_KIND, { beforeId: journalId + 1, limit: 1 });
    return entry?.id === journalId ? (entry.data as VerdictData) : undefined;
  }
}
