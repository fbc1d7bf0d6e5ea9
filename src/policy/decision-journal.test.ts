import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../store/memory-records.js';
import type { VerdictData } from './answer.js';
import { DECISION_KIND, DecisionJournal, INPUTS_KIND } from './decision-journal.js';
import type { Inputs } from './verdicts.js';

const AT = Date.parse('2026-11-26T12:01:00Z');
const data = { service: 'checkout', environment: 'production', action: 'deploy', decision: 'allow', allowed: true, reasons: [], slos: [], policy: 'sloe-default', evaluatedAt: '2026-11-26T12:00:00.000Z', figures: [] } as unknown as VerdictData;

function record(id: string) {
  return { id, decision: 'allow' as const, decidedAt: new Date(AT).toISOString(), via: 'gate' };
}

describe('decision journal', () => {
  it('writes a batch in one transaction and the shared inputs once', () => {
    const journal = new MemoryJournal();
    let transactions = 0;
    const decisions = new DecisionJournal({ journal, transaction: (work) => (transactions++, work()), flushMs: 60_000 });
    const inputs: Inputs = { service: 'checkout', data };
    decisions.record(AT, record('a'), inputs);
    decisions.record(AT, record('b'), inputs);
    expect(journal.query(DECISION_KIND, { limit: 10 })).toEqual([]);
    const page = decisions.decisions({ limit: 10 });
    expect(transactions).toBe(1);
    expect(page.data.map((answer) => [answer.id, answer.service])).toEqual([['b', 'checkout'], ['a', 'checkout']]);
    expect(journal.query(INPUTS_KIND, { limit: 10 })).toHaveLength(1);
  });

  it('reports a failed write with how many were lost, and writes the inputs again with the next batch', () => {
    const journal = new MemoryJournal();
    const lost: number[] = [];
    let fail = true;
    const decisions = new DecisionJournal({
      journal,
      transaction: (work) => {
        if (fail) throw new Error('disk full');
        work();
      },
      onWriteError: (_error, count) => lost.push(count),
    });
    const inputs: Inputs = { service: 'checkout', data };
    decisions.record(AT, record('a'), inputs);
    decisions.flush();
    expect(lost).toEqual([1]);
    expect(inputs.journalId).toBeUndefined();
    fail = false;
    decisions.record(AT, record('b'), inputs);
    expect(decisions.decisions({ limit: 10 }).data.map((answer) => answer.id)).toEqual(['b']);
  });

  it('writes at the end of the flush interval without being asked', async () => {
    const journal = new MemoryJournal();
    const decisions = new DecisionJournal({ journal, flushMs: 0 });
    decisions.record(AT, record('a'), { service: 'checkout', data });
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.query(DECISION_KIND, { limit: 10 })).toHaveLength(1);
  });
});
