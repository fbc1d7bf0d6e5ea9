import type { DocumentStore, Journal, JournalEntry, JournalPosition } from '../core/index.js';
import { DECISION_KIND, FREEZE_KIND } from './timeline.js';

/** Where the policy keeps audit entries still counting repeats (read by name: adapters do not import each other). */
const OPEN_DECISIONS_NAMESPACE = 'policy.open-decisions';

/** How many entries a report lists per service and how many the journal hands over per read. */
export interface GateActivityLimits {
  /** Audit entries listed (the latest); the totals count every entry in the range, and `omittedEntries` says how many were left out. */
  readonly maxEntries: number;
  /** Journal entries read per query while paging through the range. */
  readonly pageSize: number;
}

/** A month of a busy service's distinct verdicts fits; a report never holds more, whatever the range. */
export const GATE_ACTIVITY_LIMITS: GateActivityLimits = { maxEntries: 5000, pageSize: 1000 };

/** One audit entry of the gate (repeats of one verdict for one caller counted, as `GET /api/v1/decisions` shows). */
export interface GateDecisionEntry {
  readonly decision: string;
  readonly environment: string | null;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly caller: string | null;
  readonly reasons: readonly string[];
}

export interface FreezeEntry {
  readonly at: string;
  readonly type: 'freeze' | 'thaw';
  readonly environment: string | null;
  readonly reasons: readonly string[];
}

/** A service's gate decisions (counted with repeats) and freezes and thaws in a range. */
export interface GateActivity {
  readonly decisions: {
    readonly allow: number;
    readonly warn: number;
    readonly deny: number;
    /** The latest entries by `lastAt`, oldest first, at most `maxEntries`. */
    readonly entries: readonly GateDecisionEntry[];
    /** Entries in the range counted in the totals but not listed. */
    readonly omittedEntries: number;
  };
  readonly freezes: readonly FreezeEntry[];
}

type Data = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

function decisionEntry(data: Data, at: number): GateDecisionEntry {
  const iso = new Date(at).toISOString();
  return {
    decision: text(data.decision) ?? 'unknown',
    environment: text(data.environment),
    count: typeof data.count === 'number' ? data.count : 1,
    firstAt: text(data.firstAt) ?? text(data.decidedAt) ?? iso,
    lastAt: text(data.lastAt) ?? iso,
    caller: text(data.caller) ?? text(data.via),
    reasons: strings(data.reasons),
  };
}

/**
 * Every entry of `kind` about `subject` with `at` in [since, until], latest first: paged by position in `at` order, so
 * no range is cut short by a query's limit.
 */
function* journalRange(journal: Journal, kind: string, subject: string, since: number, until: number, pageSize: number): Generator<JournalEntry> {
  let olderThan: JournalPosition | undefined;
  for (;;) {
    const page = journal.query(kind, { subject, since, until, order: 'at', limit: pageSize, ...(olderThan === undefined ? {} : { olderThan }) });
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    olderThan = { at: last.at, id: last.id };
  }
}

/**
 * What the gate decided for a service over [from, to): the audit entries closed into the journal and those still
 * counting repeats (an entry counts when its last repeat falls in the range), and the freezes and thaws. The totals
 * count every entry, however many; the list keeps the latest `maxEntries`.
 */
export function gateActivity(journal: Journal, documents: DocumentStore, service: string, from: number, to: number, limits: GateActivityLimits = GATE_ACTIVITY_LIMITS): GateActivity {
  const totals = { allow: 0, warn: 0, deny: 0 };
  const count = (entry: GateDecisionEntry): void => {
    if (entry.decision === 'allow' || entry.decision === 'warn' || entry.decision === 'deny') totals[entry.decision] += entry.count;
  };
  // The open entries (a few: one per caller and verdict still counting) and the latest closed ones hold the latest
  // `maxEntries` of all.
  const latest: GateDecisionEntry[] = [];
  let counted = 0;
  for (const { value } of documents.list(OPEN_DECISIONS_NAMESPACE)) {
    const data = (value as { entry?: Data }).entry;
    if (!data || data.service !== service) continue;
    const lastAt = Date.parse(text(data.lastAt) ?? '');
    if (!(lastAt >= from && lastAt < to)) continue;
    const entry = decisionEntry(data, lastAt);
    count(entry);
    counted += 1;
    latest.push(entry);
  }
  let closedKept = 0;
  for (const closed of journalRange(journal, DECISION_KIND, service, from, to - 1, limits.pageSize)) {
    const entry = decisionEntry(closed.data as Data, closed.at);
    count(entry);
    counted += 1;
    // Closed entries come latest first, so the first ones met are the only ones that can be listed.
    if (closedKept < limits.maxEntries) {
      latest.push(entry);
      closedKept += 1;
    }
  }
  latest.sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  const entries = latest.slice(0, limits.maxEntries).reverse();
  const freezes = [...journalRange(journal, FREEZE_KIND, service, from, to - 1, limits.pageSize)]
    .map((entry) => {
      const data = entry.data as Data;
      return { at: new Date(entry.at).toISOString(), type: data.type === 'thaw' ? ('thaw' as const) : ('freeze' as const), environment: text(data.environment), reasons: strings(data.type === 'thaw' ? data.frozenReasons : data.reasons) };
    })
    .reverse();
  return { decisions: { ...totals, entries, omittedEntries: counted - entries.length }, freezes };
}
