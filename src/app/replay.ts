import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertStateName, DurationMs, RemoteSeries, SloStatus, SpecSet } from '../core/index.js';
import { HOUR, SloeError, nominalPeriod } from '../core/index.js';
import { DEFAULT_PULL_SETTINGS, Engine } from '../engine/index.js';
import { SourceRemoteSeries } from '../source/index.js';
import { openMemoryStore, openSqliteStore } from '../store/index.js';
import type { SloeStore } from '../store/index.js';

/** Where replayed history comes from: a daemon's data folder, or a Prometheus-compatible source. */
export type ReplayHistory = { readonly kind: 'data'; readonly dir: string } | { readonly kind: 'source'; readonly url: string; readonly headers?: Readonly<Record<string, string>> } | { readonly kind: 'remote'; readonly remote: RemoteSeries; readonly source: string };

export interface ReplayOptions {
  readonly specs: SpecSet;
  readonly history: ReplayHistory;
  /** Unix ms; evaluations at from, from + step, …, to. */
  readonly from: number;
  readonly to: number;
  readonly step: DurationMs;
}

export interface ReplayTransition {
  readonly at: number;
  readonly slo: string;
  readonly tier: string;
  readonly severity: string;
  readonly from: AlertStateName;
  readonly to: AlertStateName;
}

export interface ReplayOutcome {
  readonly transitions: readonly ReplayTransition[];
  /** Each objective's status at `to`, with how often each severity fired. */
  readonly slos: readonly { readonly status: SloStatus; readonly fired: Readonly<Record<string, number>> }[];
}

const REPLAY_SOURCE = 'replay';

/**
 * Evaluates specs over history as the daemon would have, evaluation by evaluation, and records every alert transition.
 * The history is filled into a scratch store first (from a copy of a daemon's database, or pulled from a source over
 * the replayed range plus each SLO's period), so the daemon's own data and alert state are never touched.
 */
export async function replay(options: ReplayOptions): Promise<ReplayOutcome> {
  if (!(options.to > options.from)) throw new SloeError('usage', 'replay: --to must be after --from', { status: 400 });
  if (!(options.step > 0)) throw new SloeError('usage', 'replay: --step must be positive', { status: 400 });
  // A fold, not Math.max(...periods): 100,000 SLOs are past V8's argument limit.
  const reach = options.specs.slos.reduce((longest, slo) => Math.max(longest, nominalPeriod(slo.window)), 0) + 3 * 86_400_000;
  // The fine ring covers the whole replay, so short windows are read minute by minute however far back they are.
  const fineKeep = options.to - options.from + reach + HOUR;
  const scratch = mkdtempSync(join(tmpdir(), 'sloe-replay-'));
  let store: SloeStore;
  let remote: RemoteSeries | undefined;
  let specs = options.specs;
  if (options.history.kind === 'data') {
    const database = join(options.history.dir, 'sloe.db');
    if (!existsSync(database)) throw new SloeError('usage', `replay: ${database} does not exist (--data names a sloe data folder)`, { status: 400 });
    for (const suffix of ['', '-wal']) if (existsSync(`${database}${suffix}`)) copyFileSync(`${database}${suffix}`, join(scratch, `sloe.db${suffix}`));
    store = openSqliteStore(join(scratch, 'sloe.db'), { fineKeep, retention: 10 * 365 * 86_400_000 });
  } else {
    store = openMemoryStore({ fineKeep });
    const source = options.history.kind === 'remote' ? options.history.source : REPLAY_SOURCE;
    remote = options.history.kind === 'remote' ? options.history.remote : new SourceRemoteSeries([{ name: REPLAY_SOURCE, url: options.history.url, headers: options.history.headers ?? {}, timeoutMs: 30_000, retries: 2, partialResponse: false }]);
    // Every SLO kept from ingested samples is filled from the source, as `spec.backfill.source` would.
    specs = { ...specs, slos: specs.slos.map((slo) => ({ ...slo, backfill: { source } })) };
  }
  try {
    // Alert state the daemon saved is not the replay's starting point: every tier starts inactive at `from`, and
    // Timeslices decide their slices afresh from the stored buckets.
    store.engine.saveAlertStates([], store.engine.alertStates().map((entry) => entry.key).filter((key) => key.startsWith('alert/')));
    store.engine.saveSliceMarks([], store.engine.sliceMarks().map((mark) => mark.objective));
    if (remote) {
      // Fill first, as of `to`, from the start of the earliest period the replay reads.
      const filler = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => options.to, remote, fineKeep, pullSettings: { ...DEFAULT_PULL_SETTINGS, delayMs: 0, reach: options.to - options.from + reach } });
      await filler.fill(options.to);
      await filler.close();
    }
    const engine = new Engine({ specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => options.to, fineKeep, ...(remote ? { remote, pullSettings: { ...DEFAULT_PULL_SETTINGS, delayMs: 0, reach: options.to - options.from + reach } } : {}) });
    const transitions: ReplayTransition[] = [];
    let last: readonly SloStatus[] = [];
    for (let now = options.from; now <= options.to; now += options.step) {
      const report = await engine.evaluate(now);
      for (const transition of report.transitions) transitions.push({ at: transition.at, slo: transition.slo.name, tier: transition.tier, severity: transition.severity, from: transition.from, to: transition.to });
      last = report.statuses;
    }
    await engine.close();
    const slos = last.map((status) => {
      const fired: Record<string, number> = {};
      for (const transition of transitions) if (transition.slo === status.name && transition.to === 'firing') fired[transition.severity] = (fired[transition.severity] ?? 0) + 1;
      return { status, fired };
    });
    return { transitions, slos };
  } finally {
    store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
