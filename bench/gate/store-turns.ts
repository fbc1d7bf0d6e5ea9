/**
 * The store's share of what a gate answer waits behind, without HTTP: a file store fed the way group commit feeds it
 * (100,000 series states committed in groups of 2,000, one commit per event-loop turn, with the fold an evaluation
 * asks for every 50 commits), timing every turn and the store's own pieces (a commit, a whole fold, a fold step's
 * snapshot chunk and its final transaction) with process.cpuUsage. That CPU is the process's: it includes V8's and
 * the checkpoint worker's threads, which run beside the loop rather than block it.
 *
 * Usage: `npx tsx bench/gate/store-turns.ts [TREE]`, TREE a checkout of sloe (default this one), so two trees can be
 * compared in alternation with the same script (e.g. main from `git archive` into /tmp, its node_modules linked).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SeriesState } from '../../src/core/index.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';

const SERIES = 100_000;
const GROUP = 2000;
/** The first round creates the series and is not measured. */
const ROUNDS = 6;
/** Commits between two folds asked for (an evaluation's, every 30 s, at ~50 commits a second of ingest). */
const FOLD_EVERY = 50;
const T0 = Date.UTC(2026, 11, 1);

const tree = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..'));
const { openSqliteStore } = (await import(join(tree, 'src', 'store', 'sqlite', 'store.ts'))) as { openSqliteStore: (path: string) => SqliteStore };
const dir = mkdtempSync(join(tmpdir(), 'sloe-store-turns-'));
const store = openSqliteStore(join(dir, 'sloe.db'));
const engine = store.engine as unknown as Record<string, unknown> & { commit: SqliteStore['engine']['commit']; fold(): void; foldInSteps?: () => void };

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
/** The store's pieces by name, each call's CPU in ms (private methods wrapped where the tree has them). */
const pieces = new Map<string, number[]>();
let measuring = false;
for (const name of ['commit', 'foldTransaction', 'writeChunk', 'finishSteppedTransaction']) {
  const original = engine[name];
  if (typeof original !== 'function') continue;
  engine[name] = (...args: unknown[]): unknown => {
    const started = process.cpuUsage();
    try {
      return (original as (...args: unknown[]) => unknown).apply(store.engine, args);
    } finally {
      if (measuring) pieces.set(name, [...(pieces.get(name) ?? []), cpuMs(started)]);
    }
  };
}

const turns: number[] = [];
let turnStarted = process.cpuUsage();
const nextTurn = async (): Promise<void> => {
  await new Promise((resolveTurn) => setImmediate(resolveTurn));
  if (measuring) turns.push(cpuMs(turnStarted));
  turnStarted = process.cpuUsage();
};

const states: SeriesState[] = Array.from({ length: SERIES }, (_, i) => ({ key: `{__name__="http_requests_total",instance="i${i % 200}",series="${i}"}`, lastTimestamp: T0, lastValue: 0, startTime: 0 }));
const started = process.cpuUsage();
let commits = 0;
for (let round = 0; round < ROUNDS; round++) {
  measuring = round > 0;
  for (let from = 0; from < SERIES; from += GROUP) {
    // Advanced in place, as the engine's appender hands the store the same object for a series commit after commit.
    const group = states.slice(from, from + GROUP);
    for (const state of group) Object.assign(state, { lastTimestamp: T0 + round * 15_000, lastValue: round });
    await nextTurn();
    engine.commit([{ term: `t${from % 400}`, bucket: T0 + round * 60_000, value: 1 }], group);
    if (++commits % FOLD_EVERY === 0) {
      if (engine.foldInSteps) engine.foldInSteps();
      else engine.fold();
    }
  }
}
// Let a fold in steps that is under way finish.
for (let i = 0; i < 60; i++) await nextTurn();
const total = cpuMs(started);
store.close();
rmSync(dir, { recursive: true, force: true });

const describe = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${sorted.length} calls, p50 ${at(0.5)} p99 ${at(0.99)} ms, longest ${sorted.slice(-5).map((ms) => ms.toFixed(1)).join(', ')}`;
};
console.log(`${tree}: load average ${loadavg()[0]!.toFixed(2)}`);
console.log(`  turns: ${describe(turns)}; ${turns.filter((ms) => ms >= 10).length} of at least 10 ms`);
for (const [name, values] of pieces) console.log(`  ${name}: ${describe(values)}`);
console.log(`  CPU ${total.toFixed(0)} ms for ${commits} commits (${(total / commits).toFixed(2)} ms each, the unmeasured first round included)`);
