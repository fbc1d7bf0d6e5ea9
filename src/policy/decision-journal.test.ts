import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../test/policy/status-fixture.js';
import { DEFAULT_POLICY, decideGate } from '../core/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import { verdictData, verdictMembers } from './answer.js';
import { DECISION_KIND, DecisionJournal, OPEN_DECISIONS_NAMESPACE } from './decision-journal.js';
import type { Judged } from './verdicts.js';

const AT = Date.parse('2026-11-26T12:01:00Z');
const SECOND = 1000;

/** A verdict for checkout in production with `consumed` of the budget spent, as the verdict cache holds it. */
function judged(consumed: number, environment = 'production'): Judged {
  const status = sloStatus({ name: 'checkout-availability', service: 'checkout', consumed });
  const verdict = decideGate({ service: 'checkout', environment, action: 'deploy', labels: {}, overridesPermitted: false }, [{ status, policy: DEFAULT_POLICY, period: { periodMs: 30 * 86_400_000, coverage: 1 } }], DEFAULT_POLICY, AT);
  const data = verdictData(verdict);
  return { verdict, inputs: { service: 'checkout', data }, json: verdictMembers(data), signature: JSON.stringify([verdict.decision, verdict.reasons, environment]), validUntil: Infinity };
}

const asked = (id: string, at: number, caller = 'gate:ci') => ({ id, at, via: 'gate', caller });

describe('decision journal: one entry per distinct verdict per caller', () => {
  it('counts a pipeline polling every second as one entry with count, firstAt and lastAt, and writes no row per poll', () => {
    const journal = new MemoryJournal();
    const documents = new MemoryDocumentStore();
    let transactions = 0;
    const decisions = new DecisionJournal({ journal, documents, transaction: (work) => (transactions++, work()), flushMs: 60_000 });
    const allow = judged(0.1);
    for (let poll = 0; poll < 60; poll++) decisions.record(asked(`a${poll}`, AT + poll * SECOND), allow);
    decisions.flush(AT + 60 * SECOND);
    // Still counting: kept as one open entry in the document store, not in the journal.
    expect(journal.query(DECISION_KIND, { limit: 100 })).toEqual([]);
    expect(documents.list(OPEN_DECISIONS_NAMESPACE)).toHaveLength(1);
    expect(transactions).toBe(1);
    const [entry] = decisions.decisions({ limit: 10 }).data;
    expect(entry).toMatchObject({ id: 'a0', lastId: 'a59', count: 60, firstAt: '2026-11-26T12:01:00.000Z', lastAt: '2026-11-26T12:01:59.000Z', decision: 'allow', caller: 'gate:ci' });
  });

  it('starts a new entry when the verdict changes and closes the old one into the journal', () => {
    const journal = new MemoryJournal();
    const decisions = new DecisionJournal({ journal, documents: new MemoryDocumentStore(), flushMs: 60_000 });
    decisions.record(asked('a', AT), judged(0.1));
    decisions.record(asked('b', AT + SECOND), judged(0.1));
    decisions.record(asked('c', AT + 2 * SECOND), judged(1.2));
    decisions.record(asked('d', AT + 3 * SECOND), judged(1.2));
    decisions.flush(AT + 4 * SECOND);
    expect(journal.query(DECISION_KIND, { limit: 10 }).map((row) => (row.data as { id: string; count: number }).count)).toEqual([2]);
    expect(decisions.decisions({ limit: 10 }).data.map((entry) => [entry.id, entry.decision, entry.count])).toEqual([
      ['c', 'deny', 2],
      ['a', 'allow', 2],
    ]);
  });

  it('keeps callers and questions apart', () => {
    const decisions = new DecisionJournal({ journal: new MemoryJournal(), flushMs: 60_000 });
    decisions.record(asked('a', AT, 'gate:ci'), judged(0.1));
    decisions.record(asked('b', AT, 'gate:laptop'), judged(0.1));
    decisions.record(asked('c', AT, 'gate:ci'), judged(0.1, 'staging'));
    decisions.record(asked('d', AT + SECOND, 'gate:ci'), judged(0.1));
    expect(decisions.decisions({ limit: 10 }).data.map((entry) => [entry.id, entry.count]).sort()).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
  });

  it('closes an entry left idle, and every entry on shutdown', () => {
    const journal = new MemoryJournal();
    const decisions = new DecisionJournal({ journal, flushMs: 60_000, idleMs: 60_000 });
    decisions.record(asked('a', AT, 'gate:ci'), judged(0.1));
    decisions.record(asked('b', AT + 50 * SECOND, 'gate:laptop'), judged(0.1));
    decisions.flush(AT + 100 * SECOND);
    expect(journal.query(DECISION_KIND, { limit: 10 }).map((row) => (row.data as { id: string }).id)).toEqual(['a']);
    decisions.flush(AT + 100 * SECOND, true);
    expect(journal.query(DECISION_KIND, { limit: 10 }).map((row) => (row.data as { id: string }).id)).toEqual(['b', 'a']);
  });

  it('continues an open entry after a restart', () => {
    const journal = new MemoryJournal();
    const documents = new MemoryDocumentStore();
    const first = new DecisionJournal({ journal, documents, flushMs: 60_000 });
    first.record(asked('a', AT), judged(0.1));
    first.flush(AT);
    const second = new DecisionJournal({ journal, documents, flushMs: 60_000 });
    second.record(asked('b', AT + SECOND), judged(0.1));
    expect(second.decisions({ limit: 10 }).data.map((entry) => [entry.id, entry.count])).toEqual([['a', 2]]);
  });

  it('reports a failed write with how many closed entries were lost, and keeps open counts for the next batch', () => {
    const journal = new MemoryJournal();
    const lost: number[] = [];
    let fail = true;
    const decisions = new DecisionJournal({
      journal,
      documents: new MemoryDocumentStore(),
      flushMs: 60_000,
      transaction: (work) => {
        if (fail) throw new Error('disk full');
        work();
      },
      onWriteError: (_error, count) => lost.push(count),
    });
    decisions.record(asked('a', AT), judged(0.1));
    decisions.record(asked('b', AT), judged(1.2));
    decisions.flush(AT);
    expect(lost).toEqual([1]);
    fail = false;
    expect(decisions.decisions({ limit: 10 }).data.map((entry) => entry.id)).toEqual(['b']);
  });

  it('writes at the end of the flush interval without being asked', async () => {
    const journal = new MemoryJournal();
    const documents = new MemoryDocumentStore();
    const decisions = new DecisionJournal({ journal, documents, flushMs: 0, now: () => AT });
    decisions.record(asked('a', AT), judged(0.1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(documents.list(OPEN_DECISIONS_NAMESPACE)).toHaveLength(1);
  });
});
