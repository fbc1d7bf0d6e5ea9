import type { DocumentStore, GateDecision, Journal, JournalEntry } from '../core/index.js';
import type { GateAnswer, VerdictData } from './answer.js';
import type { Judged } from './verdicts.js';

/** Journal kind of gate decisions; the subject is the service. */
export const DECISION_KIND = 'decision';
/** Journal kind of a verdict's inputs, as earlier versions wrote them once per verdict (still read). */
export const INPUTS_KIND = 'decision-inputs';
/** DocumentStore namespace of the audit entries still counting repeats, so a restart continues them. */
export const OPEN_DECISIONS_NAMESPACE = 'policy.open-decisions';

/** An audit entry: one distinct verdict for one caller, however often it was given. */
export interface AuditEntry extends GateAnswer {
  /** How many times this caller got this verdict between `firstAt` and `lastAt`. */
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  /** The id of the last answer it counts (`id` is the first). */
  readonly lastId: string;
  /** Who asked: `via` and the requester or User-Agent. */
  readonly caller: string;
}

/** What the journal and the document store hold of an entry: the answer fields, the verdict's figures and counts. */
type StoredEntry = Omit<AuditEntry, never>;

/** An older decision row: its verdict in a separate `inputs` entry. */
interface LegacyDecision {
  readonly id: string;
  readonly decision: GateDecision;
  readonly inputs: number;
  readonly decidedAt: string;
  readonly via: string;
}

export interface DecisionRecord {
  readonly id: string;
  readonly at: number;
  readonly via: string;
  readonly caller: string;
  readonly release?: Readonly<Record<string, unknown>>;
  readonly requester?: string;
}

export interface DecisionJournalOptions {
  readonly journal: Journal;
  /** Where entries still counting are kept between batches; without it they live in memory until closed. */
  readonly documents?: DocumentStore;
  /** Runs a batch of writes in one storage transaction; without it each is its own write. */
  readonly transaction?: (work: () => void) => void;
  /** Called when recording decisions failed (they are lost; the answers were already given). */
  readonly onWriteError?: (error: unknown, lost: number) => void;
  /** How long records wait to be written together, in ms; 0 writes at the end of the event loop's turn. Default 1000. */
  readonly flushMs?: number;
  /** An entry nobody repeated for this long is closed (written to the journal). Default 10 minutes. */
  readonly idleMs?: number;
  readonly now?: () => number;
}

/**
 * A place in the audit trail, which runs newest first by `lastAt` (Unix ms here) and, within one millisecond, by
 * `lastId` descending: both belong to the entry, so it keeps its place when it closes (moves from the open entries to
 * the journal) between two pages. A page starts after the cursor its predecessor handed out as `next`.
 */
export interface DecisionCursor {
  readonly lastAt: number;
  readonly lastId: string;
}

/** An entry of the trail before it is read in full: where it stands, and how to read it (undefined when it cannot be). */
interface Candidate {
  readonly place: DecisionCursor;
  readonly read: () => AuditEntry | undefined;
}

/** Newest first, then by `lastId` descending (code point order, so the same in every locale). */
function newestFirst(a: DecisionCursor, b: DecisionCursor): number {
  return b.lastAt - a.lastAt || (a.lastId < b.lastId ? 1 : a.lastId > b.lastId ? -1 : 0);
}

/** Journal rows are read in chunks of this many when every row at one millisecond is needed. */
const SAME_MS_CHUNK = 500;

/**
 * An entry still counting. The repeat counters live beside the entry (its first answer) and are folded into it only
 * when it is read or written, so a repeat changes three fields and allocates nothing.
 */
interface Open {
  readonly first: StoredEntry;
  count: number;
  lastAt: number;
  lastId: string;
  /** Repeats the entry counts, by verdict signature and release. */
  readonly signature: string;
  dirty: boolean;
}

/** The entry as the audit trail shows it: its first answer with the counts so far. */
function entryOf(open: Open): StoredEntry {
  return { ...open.first, count: open.count, lastAt: new Date(open.lastAt).toISOString(), lastId: open.lastId };
}

function openFrom(entry: StoredEntry, signature: string, dirty: boolean): Open {
  return { first: entry, count: entry.count, lastAt: Date.parse(entry.lastAt), lastId: entry.lastId, signature, dirty };
}

/**
 * The audit trail of gate decisions. Each distinct verdict a caller gets is one entry with `count`, `firstAt` and
 * `lastAt`: a pipeline polling every second adds to a count in memory, not a row per poll. An entry is open while it
 * is being repeated (kept in the document store, upserted once per batch, so a crash loses at most a batch of counts)
 * and is closed into the journal when the caller gets another verdict for the same question, when it has not been
 * repeated for `idleMs`, or on shutdown. A gate request does no storage work: it updates a map.
 */
export class DecisionJournal {
  private readonly journal: Journal;
  private readonly documents: DocumentStore | undefined;
  private readonly transaction: (work: () => void) => void;
  private readonly onWriteError: ((error: unknown, lost: number) => void) | undefined;
  private readonly flushMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  /** Open entries by caller and question. */
  private readonly open = new Map<string, Open>();
  private closed: StoredEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;

  constructor(options: DecisionJournalOptions) {
    this.journal = options.journal;
    this.documents = options.documents;
    this.transaction = options.transaction ?? ((work) => work());
    this.onWriteError = options.onWriteError;
    this.flushMs = options.flushMs ?? 1000;
    this.idleMs = options.idleMs ?? 600_000;
    this.now = options.now ?? Date.now;
    for (const { key, value } of this.documents?.list(OPEN_DECISIONS_NAMESPACE) ?? []) {
      const stored = value as { entry: StoredEntry; signature: string };
      this.open.set(key, openFrom(stored.entry, stored.signature, false));
    }
  }

  /**
   * Counts a decision: a repeat of the caller's open entry for this question, or a new entry. `repeats`: the record
   * stands for `count` answers of the same verdict, the last at `lastAt` with id `lastId` (the front thread's reports).
   */
  record(record: DecisionRecord, judged: Judged, repeats?: { readonly count: number; readonly lastAt: number; readonly lastId: string }): void {
    const count = repeats?.count ?? 1;
    const lastAt = repeats?.lastAt ?? record.at;
    const lastId = repeats?.lastId ?? record.id;
    const { verdict } = judged;
    const question = `${record.caller}\u0000${verdict.service}\u0000${verdict.environment}\u0000${verdict.action}`;
    const signature = record.release === undefined ? judged.signature : `${judged.signature}\u0000${JSON.stringify(record.release)}`;
    const current = this.open.get(question);
    if (current && current.signature === signature) {
      current.count += count;
      current.lastAt = lastAt;
      current.lastId = lastId;
      current.dirty = true;
    } else {
      if (current) this.closed.push(entryOf(current));
      const at = new Date(record.at).toISOString();
      const last = lastAt === record.at ? at : new Date(lastAt).toISOString();
      const entry: StoredEntry = {
        ...judged.inputs.data,
        id: record.id,
        decidedAt: at,
        via: record.via,
        ...(record.release === undefined ? {} : { release: record.release }),
        ...(record.requester === undefined ? {} : { requester: record.requester }),
        caller: record.caller,
        count,
        firstAt: at,
        lastAt: last,
        lastId,
      };
      this.open.set(question, openFrom(entry, signature, true));
    }
    this.scheduleFlush();
  }

  /**
   * Writes a batch in one transaction: closed entries (and those idle for `idleMs` before `now`) to the journal,
   * counts still open to the document store. `closeAll` closes every entry (shutdown).
   */
  flush(now = this.now(), closeAll = false): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    if (this.flushImmediate !== undefined) clearImmediate(this.flushImmediate);
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
    const closing = this.closed;
    this.closed = [];
    const closingKeys = new Set<string>();
    for (const [question, open] of this.open) {
      if (closeAll || now - open.lastAt >= this.idleMs) {
        closing.push(entryOf(open));
        closingKeys.add(question);
      }
    }
    const dirty = [...this.open].filter(([question, open]) => open.dirty && !closingKeys.has(question));
    if (closing.length === 0 && dirty.length === 0) return;
    try {
      this.transaction(() => {
        for (const entry of closing) this.journal.append(DECISION_KIND, { at: Date.parse(entry.lastAt), subject: entry.service, data: entry });
        for (const question of closingKeys) this.documents?.delete(OPEN_DECISIONS_NAMESPACE, question);
        for (const [question, open] of dirty) this.documents?.put(OPEN_DECISIONS_NAMESPACE, question, { entry: entryOf(open), signature: open.signature });
      });
      for (const question of closingKeys) this.open.delete(question);
      for (const [, open] of dirty) open.dirty = false;
    } catch (error) {
      // Rolled back: the closed entries are lost (they were answered); the open ones are tried again next batch.
      this.onWriteError?.(error, closing.length);
    }
  }

  /**
   * A page of the audit trail, newest first by `lastAt` across the entries still counting repeats and the closed
   * ones: an entry that closed because it sat idle stands where its last answer puts it, not where it was closed.
   * `from` is the `next` of the previous page; while nothing is recorded in between, pages neither skip nor repeat.
   */
  decisions(query: { service?: string; limit: number; from?: DecisionCursor }): { data: AuditEntry[]; next?: DecisionCursor } {
    this.flush();
    const from = query.from;
    const afterCursor = (place: DecisionCursor): boolean => from === undefined || newestFirst(from, place) < 0;
    const open = [...this.open.values()]
      .filter((entry) => query.service === undefined || entry.first.service === query.service)
      .map((entry): Candidate => ({ place: { lastAt: entry.lastAt, lastId: entry.lastId }, read: () => entryOf(entry) }))
      .filter((candidate) => afterCursor(candidate.place));
    const candidates = [...open, ...this.closedAfter(query.limit, query.service, from)].sort((a, b) => newestFirst(a.place, b.place));
    const page = candidates.slice(0, query.limit);
    const last = page.at(-1);
    // The cursor is the last entry considered, even one not shown (a legacy row whose verdict retention removed), so
    // a run of such rows cannot hand back the same cursor forever.
    const data = page.flatMap((candidate) => candidate.read() ?? []);
    return { data, ...(candidates.length > query.limit && last ? { next: last.place } : {}) };
  }

  /**
   * The closed entries after `from` that could be among the first `limit` of the page, and at least one more when
   * there are more. The journal orders rows by (at, journal id) and the trail by (lastAt, lastId), which agree except
   * within one millisecond, so both ends of the range take every row at their millisecond: the cursor's (those
   * after it by lastId) and the last row fetched (the rest of its millisecond).
   */
  private closedAfter(limit: number, service: string | undefined, from: DecisionCursor | undefined): Candidate[] {
    const subject = service === undefined ? {} : { subject: service };
    const sameMs = (at: number, olderThan?: { at: number; id: number }): JournalEntry[] => {
      const rows: JournalEntry[] = [];
      for (let position = olderThan; ; ) {
        const chunk = this.journal.query(DECISION_KIND, { ...subject, order: 'at', since: at, until: at, limit: SAME_MS_CHUNK, ...(position ? { olderThan: position } : {}) });
        rows.push(...chunk);
        const last = chunk.at(-1);
        if (chunk.length < SAME_MS_CHUNK || !last) return rows;
        position = { at: last.at, id: last.id };
      }
    };
    const rows = from === undefined ? [] : sameMs(from.lastAt);
    // Journal ids start at 1, so (at, 0) is "every row before this millisecond".
    const earlier = this.journal.query(DECISION_KIND, { ...subject, order: 'at', limit: limit + 1, ...(from === undefined ? {} : { olderThan: { at: from.lastAt, id: 0 } }) });
    rows.push(...earlier);
    const lastEarlier = earlier.at(-1);
    if (earlier.length === limit + 1 && lastEarlier) rows.push(...sameMs(lastEarlier.at, { at: lastEarlier.at, id: lastEarlier.id }));
    const verdicts = new Map<number, VerdictData | undefined>();
    return rows
      .map((row) => this.candidateOf(row, verdicts))
      .filter((candidate) => from === undefined || newestFirst(from, candidate.place) < 0);
  }

  /** A closed row as a candidate; a legacy row's verdict is read from its `inputs` entry (each once per page). */
  private candidateOf(row: JournalEntry, verdicts: Map<number, VerdictData | undefined>): Candidate {
    const data = row.data as StoredEntry | LegacyDecision;
    if (!('inputs' in data) || typeof data.inputs !== 'number') {
      const entry = data as StoredEntry;
      return { place: { lastAt: row.at, lastId: entry.lastId }, read: () => entry };
    }
    const { inputs, ...record } = data;
    return {
      place: { lastAt: row.at, lastId: record.id },
      read: () => {
        const verdict = verdicts.has(inputs) ? verdicts.get(inputs) : this.inputsOf(inputs);
        verdicts.set(inputs, verdict);
        // Retention removes old entries of every kind alike; a decision whose verdict is gone is not shown half.
        return verdict ? { ...verdict, ...record, count: 1, firstAt: record.decidedAt, lastAt: record.decidedAt, lastId: record.id, caller: record.via } : undefined;
      },
    };
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
