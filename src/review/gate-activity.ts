import type { DocumentStore, Journal } from '../core/index.js';
import { DECISION_KIND, FREEZE_KIND } from './timeline.js';

/** Where the policy keeps audit entries still counting repeats (read by name: adapters do not import each other). */
const OPEN_DECISIONS_NAMESPACE = 'policy.open-decisions';
/** Enough for a month of a busy service's distinct verdicts; the count says when more were left out. */
const LIMIT = 5000;

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
  readonly decisions: { readonly allow: number; readonly warn: number; readonly deny: number; readonly entries: readonly GateDecisionEntry[] };
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
 * What the gate decided for a service over [from, to): the audit entries closed into the journal and those still
 * counting repeats (an entry counts when its last repeat falls in the range), and the freezes and thaws.
 */
export function gateActivity(journal: Journal, documents: DocumentStore, service: string, from: number, to: number): GateActivity {
  const range = { subject: service, since: from, until: to - 1, limit: LIMIT };
  const entries = journal.query(DECISION_KIND, range).map((entry) => decisionEntry(entry.data as Data, entry.at));
  for (const { value } of documents.list(OPEN_DECISIONS_NAMESPACE)) {
    const data = (value as { entry?: Data }).entry;
    if (!data || data.service !== service) continue;
    const lastAt = Date.parse(text(data.lastAt) ?? '');
    if (lastAt >= from && lastAt < to) entries.push(decisionEntry(data, lastAt));
  }
  entries.sort((a, b) => a.lastAt.localeCompare(b.lastAt));
  const total = (decision: string): number => entries.filter((entry) => entry.decision === decision).reduce((sum, entry) => sum + entry.count, 0);
  const freezes = journal
    .query(FREEZE_KIND, range)
    .map((entry) => {
      const data = entry.data as Data;
      return { at: new Date(entry.at).toISOString(), type: data.type === 'thaw' ? ('thaw' as const) : ('freeze' as const), environment: text(data.environment), reasons: strings(data.type === 'thaw' ? data.frozenReasons : data.reasons) };
    })
    .reverse();
  return { decisions: { allow: total('allow'), warn: total('warn'), deny: total('deny'), entries }, freezes };
}
