import { describe, expect, it } from 'vitest';
import { expectedTrail } from '../../test/helpers/audit-trail.js';
import type { RecordedAnswer } from '../../test/helpers/audit-trail.js';
import { sloStatus } from '../../test/policy/status-fixture.js';
import { DEFAULT_POLICY, decideGate } from '../core/index.js';
import { MemoryDocumentStore, MemoryJournal, openMemoryStore, openSqliteStore } from '../store/index.js';
import type { SloeStore } from '../store/index.js';
import { verdictData, verdictMembers } from './answer.js';
import { DECISION_KIND, DecisionJournal, INPUTS_KIND, OPEN_DECISIONS_NAMESPACE } from './decision-journal.js';
import type { AuditEntry, DecisionCursor } from './decision-journal.js';
import type { Judged } from './verdicts.js';

const AT = Date.parse('2026-11-26T12:01:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

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

/** Every page of the trail from the first, following `next`, with a bound so a cursor that never ends fails the test. */
function allPages(decisions: DecisionJournal, limit: number, service?: string): AuditEntry[][] {
  const pages: AuditEntry[][] = [];
  let from: DecisionCursor | undefined;
  for (let page = 0; page < 50; page++) {
    const answer = decisions.decisions({ limit, ...(service === undefined ? {} : { service }), ...(from === undefined ? {} : { from }) });
    pages.push(answer.data);
    if (answer.next === undefined) return pages;
    from = answer.next;
  }
  throw new Error('the trail did not end after 50 pages');
}

/** An answer as these tests record it: `allow` (budget 10 % spent) or `deny` (exhausted). */
type Answer = RecordedAnswer & { readonly verdict: 'allow' | 'deny' };

const STORES: [string, () => SloeStore][] = [
  ['memory store', () => openMemoryStore()],
  ['sqlite store', () => openSqliteStore(':memory:')],
];

describe.each(STORES)('the audit trail, newest first by last answer (%s)', (_name, openStore) => {
  /** A journal over the store as the daemon builds it, idle after 10 minutes, its clock set by the test. */
  function setup() {
    const store = openStore();
    const clock = { now: AT };
    const decisions = new DecisionJournal({ journal: store.journal, documents: store.documents, transaction: (work) => store.transaction(work), flushMs: 60_000, idleMs: 10 * MINUTE, now: () => clock.now });
    /** Records an answer and writes the batch at its time, as the flush timer would. */
    const answer = ({ id, caller, verdict, at }: Answer) => {
      clock.now = at;
      decisions.record({ id, at, via: 'gate', caller }, judged(verdict === 'allow' ? 0.1 : 1.2));
      decisions.flush(at);
    };
    return { store, clock, decisions, answer };
  }

  it('lists an entry closed for sitting idle by its last answer, after entries closed before it that are newer', () => {
    const { store, clock, decisions, answer } = setup();
    answer({ id: 'a1', caller: 'gate:a', verdict: 'allow', at: AT });
    answer({ id: 'b1', caller: 'gate:b', verdict: 'allow', at: AT + 5 * MINUTE });
    // b changes its verdict: its first entry closes now, at 6 minutes; a's closes at 11, idle for 10 minutes.
    answer({ id: 'b2', caller: 'gate:b', verdict: 'deny', at: AT + 6 * MINUTE });
    clock.now = AT + 11 * MINUTE;
    const trail = decisions.decisions({ limit: 10 }).data;
    expect(store.journal.query(DECISION_KIND, { limit: 10 }).map((row) => (row.data as AuditEntry).id)).toEqual(['a1', 'b1']);
    expect(trail.map((entry) => [entry.id, entry.lastAt])).toEqual([
      ['b2', new Date(AT + 6 * MINUTE).toISOString()],
      ['b1', new Date(AT + 5 * MINUTE).toISOString()],
      ['a1', new Date(AT).toISOString()],
    ]);
    store.close();
  });

  it('lists an open entry whose caller went quiet after the closed entries newer than it', () => {
    const { store, clock, decisions, answer } = setup();
    answer({ id: 'a1', caller: 'gate:a', verdict: 'allow', at: AT });
    answer({ id: 'b1', caller: 'gate:b', verdict: 'allow', at: AT + MINUTE });
    answer({ id: 'b2', caller: 'gate:b', verdict: 'deny', at: AT + 2 * MINUTE });
    // Five minutes on, a is still open (not idle yet) and b's first entry is closed.
    clock.now = AT + 5 * MINUTE;
    expect(decisions.decisions({ limit: 10 }).data.map((entry) => entry.id)).toEqual(['b2', 'b1', 'a1']);
    expect(store.documents.list(OPEN_DECISIONS_NAMESPACE).map((open) => (open.value as { entry: AuditEntry }).entry.id).sort()).toEqual(['a1', 'b2']);
    store.close();
  });

  it('pages through open and closed entries, each once, in last-answer order, ties within a millisecond included', () => {
    const { store, clock, decisions, answer } = setup();
    const answers: Answer[] = [
      { id: 'r01', caller: 'gate:a', verdict: 'allow', at: AT },
      { id: 'r02', caller: 'gate:f', verdict: 'deny', at: AT + 30 * SECOND },
      { id: 'r03', caller: 'gate:a', verdict: 'allow', at: AT + MINUTE },
      { id: 'r04', caller: 'gate:b', verdict: 'allow', at: AT + 2 * MINUTE },
      { id: 'r05', caller: 'gate:b', verdict: 'deny', at: AT + 3 * MINUTE },
      { id: 'r06', caller: 'gate:c', verdict: 'deny', at: AT + 4 * MINUTE },
      { id: 'r07', caller: 'gate:c', verdict: 'allow', at: AT + 5 * MINUTE },
      { id: 'r08', caller: 'gate:c', verdict: 'deny', at: AT + 6 * MINUTE },
      // The same millisecond as r08: the greater last id comes first.
      { id: 'r09', caller: 'gate:d', verdict: 'allow', at: AT + 6 * MINUTE },
      { id: 'r10', caller: 'gate:e', verdict: 'allow', at: AT + 7 * MINUTE },
      { id: 'r11', caller: 'gate:b', verdict: 'deny', at: AT + 12 * MINUTE },
      { id: 'r12', caller: 'gate:e', verdict: 'allow', at: AT + 14 * MINUTE },
    ];
    for (const each of answers) answer(each);
    clock.now = AT + 15 * MINUTE;
    const pages = allPages(decisions, 3);
    // A mix: a and f closed idle, b's and c's first entries closed by a new verdict, the rest still counting.
    expect(store.journal.query(DECISION_KIND, { limit: 20 }).map((row) => (row.data as AuditEntry).id).sort()).toEqual(['r01', 'r02', 'r04', 'r06', 'r07']);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3]);
    const expected = expectedTrail(answers);
    expect(expected).toHaveLength(9);
    expect(pages.flat().map((entry) => ({ id: entry.id, lastId: entry.lastId, lastAt: entry.lastAt, count: entry.count }))).toEqual(expected);
    store.close();
  });

  it('keeps an entry in its place when it closes between two pages', () => {
    const { store, clock, decisions, answer } = setup();
    answer({ id: 'r1', caller: 'gate:a', verdict: 'allow', at: AT });
    answer({ id: 'r2', caller: 'gate:b', verdict: 'allow', at: AT + MINUTE });
    answer({ id: 'r3', caller: 'gate:c', verdict: 'allow', at: AT + 2 * MINUTE });
    answer({ id: 'r4', caller: 'gate:d', verdict: 'allow', at: AT + 3 * MINUTE });
    clock.now = AT + 4 * MINUTE;
    const first = decisions.decisions({ limit: 2 });
    expect(first.data.map((entry) => entry.id)).toEqual(['r4', 'r3']);
    // Ten minutes later every entry has closed into the journal (idle); the next page carries on where it stopped.
    clock.now = AT + 14 * MINUTE;
    const second = decisions.decisions({ limit: 2, ...(first.next ? { from: first.next } : {}) });
    expect(store.documents.list(OPEN_DECISIONS_NAMESPACE)).toEqual([]);
    expect(second.data.map((entry) => entry.id)).toEqual(['r2', 'r1']);
    expect(second.next).toBeUndefined();
    store.close();
  });

  it('reads legacy rows (verdict in a separate inputs entry) in their place, and pages past those whose verdict is gone', () => {
    const { store, clock, decisions, answer } = setup();
    const inputs = store.journal.append(INPUTS_KIND, { at: AT, subject: 'checkout', data: judged(1.2).inputs.data });
    const legacy = (id: string, at: number, inputsId: number) =>
      store.journal.append(DECISION_KIND, { at, subject: 'checkout', data: { id, decision: 'deny', decidedAt: new Date(at).toISOString(), via: 'gate', inputs: inputsId } });
    legacy('old1', AT, inputs);
    // Three rows whose inputs retention removed: not shown, and no page hands back the cursor it was given.
    for (const [i, id] of ['gone1', 'gone2', 'gone3'].entries()) legacy(id, AT + (i + 1) * SECOND, inputs + 1000);
    legacy('old2', AT + 2 * MINUTE, inputs);
    answer({ id: 'new1', caller: 'gate:a', verdict: 'allow', at: AT + MINUTE });
    answer({ id: 'new2', caller: 'gate:b', verdict: 'allow', at: AT + 3 * MINUTE });
    clock.now = AT + 4 * MINUTE;
    const pages = allPages(decisions, 2);
    expect(pages.flat().map((entry) => [entry.id, entry.decision, entry.count, entry.lastAt])).toEqual([
      ['new2', 'allow', 1, new Date(AT + 3 * MINUTE).toISOString()],
      ['old2', 'deny', 1, new Date(AT + 2 * MINUTE).toISOString()],
      ['new1', 'allow', 1, new Date(AT + MINUTE).toISOString()],
      ['old1', 'deny', 1, new Date(AT).toISOString()],
    ]);
    expect(pages.flat()[1]).toMatchObject({ service: 'checkout', caller: 'gate', firstAt: new Date(AT + 2 * MINUTE).toISOString(), reasons: expect.any(Array) });
    store.close();
  });

  it('pages one service, and the rest of a millisecond shared by more entries than a page holds', () => {
    const { store, clock, decisions, answer } = setup();
    const answers: Answer[] = [];
    // Seven callers answered in the same millisecond, their entries closed in an order that is not their id order.
    for (const [i, caller] of ['g', 'c', 'e', 'a', 'f', 'b', 'd'].entries()) answers.push({ id: `s${caller}`, caller: `gate:${caller}`, verdict: 'allow', at: AT + MINUTE }, { id: `t${i}`, caller: `gate:${caller}`, verdict: 'deny', at: AT + 2 * MINUTE + i * SECOND });
    answers.sort((a, b) => a.at - b.at);
    for (const each of answers) answer(each);
    clock.now = AT + 30 * MINUTE;
    const expected = expectedTrail(answers);
    expect(allPages(decisions, 3, 'checkout').flat().map((entry) => entry.id)).toEqual(expected.map((entry) => entry.id));
    expect(allPages(decisions, 3, 'search')).toEqual([[]]);
    store.close();
  });
});
