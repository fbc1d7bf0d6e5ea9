/**
 * A report's gate activity counts every audit entry in its range, however many there are: the journal is paged, the
 * listed entries are the latest (closed or still counting) and the rest are counted in `omittedEntries`. Before, one
 * query of 5,000 entries cut the totals short without a word.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/core/index.js';
import { gateActivity } from '../../src/review/gate-activity.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SqliteStore } from '../../src/store/index.js';

const START = Date.UTC(2026, 11, 1);
const DECISIONS = ['allow', 'warn', 'deny'] as const;
const UNTIL = START + 5 * DAY;

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sloe-gate-activity-'));
  store = openSqliteStore(join(dir, 'sloe.db'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Entry i: a verdict closed at START + i minutes, counting i % 4 + 1 answers, appended out of time order. */
function closeEntries(service: string, count: number): { allow: number; warn: number; deny: number } {
  const totals = { allow: 0, warn: 0, deny: 0 };
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => ((a * 7919) % count) - ((b * 7919) % count));
  for (const i of order) {
    const decision = DECISIONS[i % 3]!;
    const answers = (i % 4) + 1;
    totals[decision] += answers;
    const lastAt = new Date(START + i * MINUTE).toISOString();
    store.journal.append('decision', { at: START + i * MINUTE, subject: service, data: { service, decision, count: answers, firstAt: lastAt, lastAt, caller: `ci ${i}`, reasons: [] } });
  }
  return totals;
}

describe('gate activity in a report', () => {
  it('counts every entry in the range across pages and lists the latest ones, oldest first', () => {
    const expected = closeEntries('api', 250);
    closeEntries('other', 40);
    // One entry still counting repeats, newer than every closed one.
    const openAt = new Date(START + 400 * MINUTE).toISOString();
    store.documents.put('policy.open-decisions', 'api|deny|ci', { entry: { service: 'api', decision: 'deny', count: 9, firstAt: openAt, lastAt: openAt, caller: 'ci', reasons: ['page alert firing'] } });

    const activity = gateActivity(store.journal, store.documents, 'api', START, UNTIL, { maxEntries: 30, pageSize: 16 });
    expect(activity.decisions).toMatchObject({ allow: expected.allow, warn: expected.warn, deny: expected.deny + 9, omittedEntries: 251 - 30 });
    const listed = activity.decisions.entries.map((entry) => entry.lastAt);
    const latestClosed = Array.from({ length: 29 }, (_, k) => new Date(START + (221 + k) * MINUTE).toISOString());
    expect(listed).toEqual([...latestClosed, openAt]);
  });

  it('with the default limits, counts past the 5,000 entries one journal query used to stop at', () => {
    const expected = closeEntries('api', 5_200);
    const activity = gateActivity(store.journal, store.documents, 'api', START, UNTIL);
    expect(activity.decisions).toMatchObject({ ...expected, omittedEntries: 200 });
    expect(activity.decisions.entries).toHaveLength(5_000);
    expect(activity.decisions.entries[0]!.lastAt).toBe(new Date(START + 200 * MINUTE).toISOString());
  });

  it('counts only the range: an entry at its end is out, one at its start is in', () => {
    closeEntries('api', 100);
    const activity = gateActivity(store.journal, store.documents, 'api', START + 10 * MINUTE, START + 20 * MINUTE, { maxEntries: 1000, pageSize: 3 });
    expect(activity.decisions.entries.map((entry) => entry.lastAt)).toEqual(Array.from({ length: 10 }, (_, k) => new Date(START + (10 + k) * MINUTE).toISOString()));
    expect(activity.decisions.omittedEntries).toBe(0);
  });
});
