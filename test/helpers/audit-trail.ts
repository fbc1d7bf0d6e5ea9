/** One answer a gate gave, as a test recorded it: enough to say which audit entry it belongs to. */
export interface RecordedAnswer {
  readonly id: string;
  /** Who asked, as the audit trail tells callers apart (`via` and requester or User-Agent). */
  readonly caller: string;
  /** What makes two answers the same verdict for the trail (decision, reasons, release metadata...). */
  readonly verdict: string;
  /** Unix ms. */
  readonly at: number;
}

export interface ExpectedEntry {
  readonly id: string;
  readonly lastId: string;
  readonly lastAt: string;
  readonly count: number;
}

/**
 * The audit trail written plainly from the raw answers, as the oracle for GET /api/v1/decisions: each caller's run of
 * the same verdict is one entry (its first id, its last id and time, how many answers), and the trail lists every
 * entry by its last answer, latest first, the greater last id first within one millisecond.
 */
export function expectedTrail(answers: readonly RecordedAnswer[]): ExpectedEntry[] {
  const entries: { id: string; lastId: string; at: number; count: number }[] = [];
  const current = new Map<string, { verdict: string; entry: { id: string; lastId: string; at: number; count: number } }>();
  for (const answer of answers) {
    const open = current.get(answer.caller);
    if (open && open.verdict === answer.verdict) {
      open.entry.lastId = answer.id;
      open.entry.at = answer.at;
      open.entry.count += 1;
      continue;
    }
    const entry = { id: answer.id, lastId: answer.id, at: answer.at, count: 1 };
    entries.push(entry);
    current.set(answer.caller, { verdict: answer.verdict, entry });
  }
  return entries
    .sort((a, b) => b.at - a.at || (a.lastId < b.lastId ? 1 : -1))
    .map((entry) => ({ id: entry.id, lastId: entry.lastId, lastAt: new Date(entry.at).toISOString(), count: entry.count }));
}
