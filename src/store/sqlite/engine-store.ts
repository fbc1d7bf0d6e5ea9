import type { Statement } from 'better-sqlite3';
import type { BucketColumns, BucketResolution, BucketRow, EngineStore, SeriesState, SliceMark, TermIncrease } from '../../core/index.js';
import { COARSE_BUCKET_MS } from '../../core/index.js';
import { BucketPrefetch } from './bucket-prefetch.js';
import { bucketScanSql, parsePackedRow } from './bucket-scan.js';
import type { Connection } from './database.js';

/**
 * The ingest log is folded after a commit once it holds this many entries (increases plus series states), so it and
 * the memory holding what it says stay bounded between evaluations.
 */
const FOLD_AT = 400_000;
/** Each ingest log row is a Float64Array: [increases, states, (term id, bucket, value)..., (series id, ts, value, start)...]. */
const HEADER = 2;
const INCREASE_FIELDS = 3;
const STATE_FIELDS = 4;
/**
 * Series ids per snapshot chunk (series `id` is in chunk `floor(id / SNAPSHOT_CHUNK_SERIES)`): a chunk of 4,096 states
 * is 128 KB, about a millisecond to build and write, where the whole snapshot of 100,000 series took 25-70 ms in one
 * piece (bench/gate/NOTES.md).
 */
const SNAPSHOT_CHUNK_SERIES = 4096;
/**
 * Terms below which a restart reads its buckets itself. Starting the worker takes 40-70 ms from the build (its thread,
 * the SQLite module, a connection) and ~0.3 s more from source (tsx in the worker); at 10,000 SLOs (11,000 terms) the
 * prefetch was a wash from the build (restart 1.04 and 0.88 s against 1.36 and 0.75 s) and a loss from source (1.70
 * and 1.56 s against 1.29 and 1.19 s), at 100,000 SLOs a gain either way (bench/scale/NOTES.md).
 */
const PREFETCH_MIN_TERMS = 50_000;

/** A fold under way in steps: the log up to entry `position` is being folded; the increases it held, set aside. */
interface SteppedFold {
  readonly position: number;
  readonly increases: Map<number, Map<number, number>>;
  nextChunk: number;
}

export interface RetentionOptions {
  /** How long coarse buckets and journal entries are kept (ms). */
  readonly retention: number;
  /** How long fine buckets are kept (ms); older ones live on in the coarse buckets. */
  readonly fineKeep: number;
  /** Reads a term's buckets at restart as one packed row; default: when `packedReadsExact` holds. */
  readonly packedBucketScan?: boolean;
  /** Reads scans ahead on a worker (prefetchBuckets) only with at least this many terms; default PREFETCH_MIN_TERMS. */
  readonly prefetchMinTerms?: number;
}

/**
 * EngineStore on SQLite. Every increase is added to its 1-minute bucket and to its 1-hour bucket, so downsampling
 * is only deleting old fine rows. Terms and series get integer ids so a row is a few bytes. A commit (one group
 * commit of many ingest requests) is one row of the ingest log: its increases and series states packed in one blob,
 * so its cost does not grow with the rows it would otherwise touch. What the log holds is also kept in memory
 * (increases per term and minute, the latest state per series) until a fold moves it into the bucket tables and the
 * states snapshot; reads add the memory to the tables, so folding changes nothing a reader sees. At open the snapshot
 * is read and the log replayed into that memory, so a kill loses nothing committed.
 *
 * The snapshot is in chunks of series ids, so a fold can write them on separate turns while commits go on
 * (foldInSteps). That stays right after a kill at any point because the log is emptied only up to the entry where that
 * fold began, in the transaction that folds those entries' increases, once every chunk is written: a series whose
 * entries are gone has its newest state in a chunk (each written after them), and one with entries left gets its
 * newest from them, since replay applies every entry left, in order, after the chunks. A chunk may hold a state newer
 * than an entry left; a later entry left then holds that state too.
 */
export class SqliteEngineStore implements EngineStore {
  private readonly termIds = new Map<string, number>();
  private readonly statements: {
    insertTerm: Statement;
    selectTerms: Statement;
    selectFine: Statement;
    selectCoarse: Statement;
    logSums: Statement;
    clearLog: Statement;
    insertIngestLog: Statement;
    selectIngestLog: Statement;
    clearIngestLog: Statement;
    clearIngestLogUpTo: Statement;
    putChunk: Statement;
    selectChunks: Statement;
    clearSnapshot: Statement;
    insertSeriesId: Statement;
    selectSeriesIds: Statement;
    selectSnapshot: Statement;
    selectSeries: Statement;
    putAlert: Statement;
    deleteAlert: Statement;
    selectAlerts: Statement;
    putSliceMark: Statement;
    deleteSliceMark: Statement;
    selectSliceMarks: Statement;
    pruneFine: Statement;
    pruneCoarse: Statement;
    pruneJournal: Statement;
  };
  private readonly commitTransaction: (increases: readonly TermIncrease[], series: readonly SeriesState[]) => { body: Float64Array; logId: number };
  private readonly finishSteppedTransaction: (fold: SteppedFold) => void;
  private readonly seriesIds = new Map<string, number>();
  /**
   * The id of each state object committed so far. The engine hands over the same object for a series commit after
   * commit (advanced in place), so its id is found by identity, without hashing its long key again.
   */
  private idsByState = new WeakMap<SeriesState, number>();
  /** Committed increases not folded yet (and not set aside by a fold in steps): term id -> fine bucket -> increase. */
  private pendingIncreases = new Map<number, Map<number, number>>();
  /** The fold in steps under way, if any (see foldInSteps). */
  private stepped: SteppedFold | undefined;
  /** Why the last fold in steps failed, for the next foldInSteps() to throw (a step runs on a turn of its own). */
  private steppedFailure: Error | undefined;
  /** The id of the newest ingest log entry committed: where a fold in steps begins. */
  private lastLogId = 0;
  private maxSeriesId = 0;
  /** Every series' latest committed state by series id (the objects the appender handed over, kept by reference). */
  private readonly latestStates = new Map<number, SeriesState>();
  /**
   * The states the snapshot held at open, packed as stored ((series id, ts, value, start) per state, known series
   * only), with each one's key in `restoredKeys`. An entry stands until its series commits (then `latestStates` has
   * it). A restart reads 200,000 states at 100k SLOs; as objects they were all promoted by the GC, then replaced by
   * the appender's own at their next commit (issue 21). `restoredIndex` finds a series' entry by id (-1: none): the
   * snapshot's chunks are written by id range, and a later chunk's state of a series stands over an earlier one's.
   */
  private restored = new Float64Array(0);
  private restoredKeys: string[] = [];
  private restoredIndex = new Int32Array(0);
  /** States read from the old series_state table whose series has no id yet: they live there until seen again. */
  private readonly legacyStates = new Map<string, SeriesState>();
  /** Whether a state changed since the last snapshot (or since a fold in steps began writing one). */
  private statesChanged = false;
  /** Entries in the ingest log; folded when it passes FOLD_AT even if nobody calls fold(). */
  private logEntries = 0;
  private readonly foldTransaction: () => number;
  private readonly addFine: ChunkedUpsert;
  private readonly addCoarse: ChunkedUpsert;
  private readonly selectTermId: Statement;
  private readonly scanFine: Statement;
  private readonly scanCoarse: Statement;
  /** Whether the scans read a term's rows packed as JSON (see `packedReadsExact`), else one row at a time. */
  private readonly packedScan: boolean;
  /** Scans being read ahead on a worker (prefetchBuckets), until taken or dropped. */
  private prefetch: BucketPrefetch | undefined;
  /** Writes to the bucket tables so far: a scan read ahead before one is not taken (see prefetchBuckets). */
  private bucketWrites = 0;
  /** `bucketWrites` when the prefetch's first scan was asked for. */
  private prefetchedAt = 0;
  private readonly pruneTransaction: (now: number) => { fine: number; coarse: number };
  private readonly saveAlertsTransaction: (put: readonly { key: string; value: unknown }[], remove: readonly string[]) => void;
  private readonly saveSliceMarksTransaction: (put: readonly SliceMark[], remove: readonly string[]) => void;

  constructor(
    private readonly db: Connection,
    private readonly options: RetentionOptions,
  ) {
    this.statements = {
      insertTerm: db.prepare('INSERT INTO terms (key) VALUES (?) ON CONFLICT (key) DO NOTHING'),
      selectTerms: db.prepare('SELECT id, key FROM terms'),
      // Buckets plus the increases not folded yet.
      selectFine: db.prepare(
        `SELECT t, SUM(value) AS value FROM (
           SELECT t, value FROM buckets_fine WHERE term_id = @term AND t >= @from AND t < @to
           UNION ALL SELECT t, value FROM bucket_log WHERE term_id = @term AND t >= @from AND t < @to)
         GROUP BY t ORDER BY t`,
      ),
      selectCoarse: db.prepare(
        `SELECT t, SUM(value) AS value FROM (
           SELECT t, value FROM buckets_coarse WHERE term_id = @term AND t >= @from AND t < @to
           UNION ALL SELECT t - t % ${COARSE_BUCKET_MS} AS t, value FROM bucket_log WHERE term_id = @term AND t - t % ${COARSE_BUCKET_MS} >= @from AND t - t % ${COARSE_BUCKET_MS} < @to)
         GROUP BY t ORDER BY t`,
      ),
      insertIngestLog: db.prepare('INSERT INTO ingest_log (body) VALUES (?)'),
      selectIngestLog: db.prepare('SELECT id, body FROM ingest_log ORDER BY id'),
      clearIngestLog: db.prepare('DELETE FROM ingest_log'),
      clearIngestLogUpTo: db.prepare('DELETE FROM ingest_log WHERE id <= ?'),
      putChunk: db.prepare('INSERT INTO series_snapshot_chunks (chunk, body) VALUES (?, ?) ON CONFLICT (chunk) DO UPDATE SET body = excluded.body'),
      selectChunks: db.prepare('SELECT body FROM series_snapshot_chunks'),
      clearSnapshot: db.prepare('DELETE FROM series_snapshot'),
      insertSeriesId: db.prepare('INSERT INTO series_ids (key) VALUES (?)'),
      selectSeriesIds: db.prepare('SELECT id, key FROM series_ids'),
      selectSnapshot: db.prepare('SELECT body FROM series_snapshot WHERE id = 1'),
      logSums: db.prepare('SELECT term_id, t, SUM(value) AS value FROM bucket_log GROUP BY term_id, t'),
      clearLog: db.prepare('DELETE FROM bucket_log'),
      selectSeries: db.prepare('SELECT key, last_ts, last_value, start_time FROM series_state'),
      putAlert: db.prepare('INSERT INTO alert_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deleteAlert: db.prepare('DELETE FROM alert_state WHERE key = ?'),
      selectAlerts: db.prepare('SELECT key, value FROM alert_state'),
      putSliceMark: db.prepare('INSERT INTO slice_marks (objective, slice_end) VALUES (?, ?) ON CONFLICT (objective) DO UPDATE SET slice_end = excluded.slice_end'),
      deleteSliceMark: db.prepare('DELETE FROM slice_marks WHERE objective = ?'),
      selectSliceMarks: db.prepare('SELECT objective, slice_end AS "end" FROM slice_marks'),
      // Per term, so each delete walks the primary key instead of scanning the whole table.
      pruneFine: db.prepare('DELETE FROM buckets_fine WHERE term_id = ? AND t < ?'),
      pruneCoarse: db.prepare('DELETE FROM buckets_coarse WHERE term_id = ? AND t < ?'),
      pruneJournal: db.prepare('DELETE FROM journal WHERE at < ?'),
    };
    this.loadIds();
    this.selectTermId = db.prepare('SELECT id FROM terms WHERE key = ?');
    this.packedScan = options.packedBucketScan ?? packedReadsExact(db);
    this.scanFine = db.prepare(bucketScanSql('fine', this.packedScan));
    this.scanCoarse = db.prepare(bucketScanSql('coarse', this.packedScan));
    const addTo = (table: string) => (values: string) => `INSERT INTO ${table} (term_id, t, value) VALUES ${values} ON CONFLICT (term_id, t) DO UPDATE SET value = value + excluded.value`;
    this.addFine = new ChunkedUpsert(db, 3, addTo('buckets_fine'));
    this.addCoarse = new ChunkedUpsert(db, 3, addTo('buckets_coarse'));
    this.commitTransaction = db.transaction((increases: readonly TermIncrease[], series: readonly SeriesState[]) => {
      let kept = 0;
      for (const increase of increases) if (increase.value !== 0) kept++;
      const body = new Float64Array(HEADER + kept * INCREASE_FIELDS + series.length * STATE_FIELDS);
      body[0] = kept;
      body[1] = series.length;
      let at = HEADER;
      for (const increase of increases) {
        if (increase.value === 0) continue;
        if (!Number.isFinite(increase.value) || !Number.isFinite(increase.bucket)) throw new Error(`increase of term ${increase.term} is not a finite number: ${increase.value}`);
        body[at++] = this.termId(increase.term);
        body[at++] = increase.bucket;
        body[at++] = increase.value;
      }
      for (const state of series) {
        if (!Number.isFinite(state.lastValue) || !Number.isFinite(state.lastTimestamp)) throw new Error(`state of series ${state.key} is not finite`);
        body[at++] = this.stateId(state);
        body[at++] = state.lastTimestamp;
        body[at++] = state.lastValue;
        body[at++] = state.startTime;
      }
      const logId = Number(this.statements.insertIngestLog.run(Buffer.from(body.buffer, body.byteOffset, body.byteLength)).lastInsertRowid);
      return { body, logId };
    });
    this.foldTransaction = db.transaction(() => this.foldRows());
    this.finishSteppedTransaction = db.transaction((fold: SteppedFold) => {
      this.addIncreases(fold.increases);
      this.statements.clearIngestLogUpTo.run(fold.position);
      // Every state the old single-row snapshot held is in the chunks now.
      this.statements.clearSnapshot.run();
    });
    this.pruneTransaction = db.transaction((now: number) => {
      let fine = 0;
      let coarse = 0;
      for (const id of this.termIds.values()) {
        fine += this.statements.pruneFine.run(id, now - this.options.fineKeep).changes;
        coarse += this.statements.pruneCoarse.run(id, now - this.options.retention).changes;
      }
      this.statements.pruneJournal.run(now - this.options.retention);
      if (fine + coarse > 0) this.bucketWrites++;
      return { fine, coarse };
    });
    this.saveAlertsTransaction = db.transaction((put: readonly { key: string; value: unknown }[], remove: readonly string[]) => {
      for (const entry of put) this.statements.putAlert.run(entry.key, JSON.stringify(entry.value));
      for (const key of remove) this.statements.deleteAlert.run(key);
    });
    this.saveSliceMarksTransaction = db.transaction((put: readonly SliceMark[], remove: readonly string[]) => {
      for (const mark of put) this.statements.putSliceMark.run(mark.objective, mark.end);
      for (const objective of remove) this.statements.deleteSliceMark.run(objective);
    });
  }

  /**
   * Moves what the logs hold into the tables, all at once: one upsert per (term, minute) and per (term, hour), and
   * every chunk of the states snapshot. Reads the old per-row bucket log too (databases written before the ingest
   * log). Runs in a transaction.
   */
  private foldRows(): number {
    const fine = new Map<number, Map<number, number>>();
    for (const increases of this.unfolded()) for (const [id, buckets] of increases) for (const [t, value] of buckets) addTo(fine, id, t, value);
    const folded = this.addIncreases(fine);
    if (this.statesChanged || this.stepped !== undefined) this.writeSnapshot();
    this.statements.clearIngestLog.run();
    return folded;
  }

  /**
   * Upserts increases (term id -> fine bucket -> increase) into the minute and hour tables, with what the old per-row
   * bucket log holds (databases written before the ingest log), which it empties. Returns the (term, minute) rows.
   */
  private addIncreases(increases: ReadonlyMap<number, ReadonlyMap<number, number>>): number {
    const fine = new Map<number, Map<number, number>>();
    for (const [id, buckets] of increases) fine.set(id, new Map(buckets));
    for (const [id, t, value] of this.statements.logSums.raw().all() as [number, number, number][]) addTo(fine, id, t, value);
    const fineRows: number[] = [];
    const coarse = new Map<number, Map<number, number>>();
    for (const [id, buckets] of fine)
      for (const [t, value] of buckets) {
        fineRows.push(id, t, value);
        addTo(coarse, id, t - (t % COARSE_BUCKET_MS), value);
      }
    const coarseRows: number[] = [];
    for (const [id, hours] of coarse) for (const [hour, value] of hours) coarseRows.push(id, hour, value);
    this.addFine.run(fineRows);
    this.addCoarse.run(coarseRows);
    this.statements.clearLog.run();
    if (fineRows.length > 0) this.bucketWrites++;
    return fineRows.length / 3;
  }

  /** Increases committed and not folded yet: those a fold in steps set aside, then the rest. */
  private unfolded(): Map<number, Map<number, number>>[] {
    return this.stepped === undefined ? [this.pendingIncreases] : [this.stepped.increases, this.pendingIncreases];
  }

  /** Every chunk of the states snapshot, as of the newest log entry; the old single-row snapshot goes. */
  private writeSnapshot(): void {
    for (let chunk = 0; chunk < this.chunkCount(); chunk++) this.writeChunk(chunk);
    this.statements.clearSnapshot.run();
  }

  private chunkCount(): number {
    return Math.floor(this.maxSeriesId / SNAPSHOT_CHUNK_SERIES) + 1;
  }

  /** One chunk of the snapshot: the states of its series ids, packed [count, (series id, ts, value, start)...]. */
  private writeChunk(chunk: number): void {
    const body = new Float64Array(1 + SNAPSHOT_CHUNK_SERIES * STATE_FIELDS);
    let at = 1;
    for (let id = chunk * SNAPSHOT_CHUNK_SERIES; id < (chunk + 1) * SNAPSHOT_CHUNK_SERIES; id++) {
      const state = this.latestStates.get(id);
      if (state === undefined) {
        if (this.writeRestored(id, body, at)) at += STATE_FIELDS;
        continue;
      }
      body[at++] = id;
      body[at++] = state.lastTimestamp;
      body[at++] = state.lastValue;
      body[at++] = state.startTime;
    }
    body[0] = (at - 1) / STATE_FIELDS;
    this.statements.putChunk.run(chunk, Buffer.from(body.buffer, body.byteOffset, at * 8));
  }

  /** Where series `id`'s restored state starts in `restored`, while it stands (its series has not committed since); -1 if none. */
  private restoredAt(id: number): number {
    const entry = id < this.restoredIndex.length ? this.restoredIndex[id]! : -1;
    return entry < 0 || this.latestStates.has(id) ? -1 : entry * STATE_FIELDS;
  }

  /** Copies series `id`'s standing restored state (id, ts, value, start) into `body` at `at`; whether there was one. */
  private writeRestored(id: number, body: Float64Array, at: number): boolean {
    const from = this.restoredAt(id);
    if (from < 0) return false;
    for (let field = 0; field < STATE_FIELDS; field++) body[at + field] = this.restored[from + field]!;
    return true;
  }

  /** After a fold committed: the tables now hold what memory held. */
  private foldedInMemory(): void {
    this.pendingIncreases.clear();
    this.stepped = undefined;
    this.statesChanged = false;
    this.logEntries = 0;
  }

  /**
   * Starts a fold that runs in steps, each on a turn of the event loop of its own (setImmediate), so no other work
   * waits behind a whole fold: one snapshot chunk per step, then one transaction that folds the increases the log held
   * when it started and deletes that part of the log. Commits go on meanwhile; their entries stay in the log for the
   * next fold, and the chunks written after them hold their states too, which replay sorts out by position. A fold()
   * meanwhile folds everything at once and ends this one. Does nothing while one is under way or nothing is pending;
   * throws (once) why the last one failed.
   */
  foldInSteps(): void {
    if (this.steppedFailure !== undefined) {
      const failure = this.steppedFailure;
      this.steppedFailure = undefined;
      throw failure;
    }
    if (this.stepped !== undefined || (this.logEntries === 0 && this.pendingIncreases.size === 0 && !this.statesChanged)) return;
    const fold: SteppedFold = { position: this.lastLogId, increases: this.pendingIncreases, nextChunk: 0 };
    this.stepped = fold;
    this.pendingIncreases = new Map();
    this.statesChanged = false;
    this.logEntries = 0;
    setImmediate(() => this.foldStep(fold));
  }

  private foldStep(fold: SteppedFold): void {
    // Ended by a fold() meanwhile, or the database closed.
    if (this.stepped !== fold || !this.db.open) return;
    try {
      if (fold.nextChunk < this.chunkCount()) {
        this.writeChunk(fold.nextChunk++);
        setImmediate(() => this.foldStep(fold));
        return;
      }
      this.finishSteppedTransaction(fold);
      this.stepped = undefined;
    } catch (error) {
      // The increases it set aside are still in the log, unfolded: back into memory, for the next fold.
      for (const [id, buckets] of fold.increases) for (const [t, value] of buckets) addTo(this.pendingIncreases, id, t, value);
      this.statesChanged = true;
      this.stepped = undefined;
      this.steppedFailure = error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Term and series ids, every series' state (table, snapshot, then the log replayed), and the unfolded increases. */
  private loadIds(): void {
    this.reloadIds();
    // Series ids are SQLite rowids, dense from 1: an array by id is a lookup without hashing (200,000 at 100k SLOs).
    const seriesKeys: (string | undefined)[] = [];
    for (const [key, id] of this.seriesIds) seriesKeys[id] = key;
    this.latestStates.clear();
    this.legacyStates.clear();
    this.restored = new Float64Array(0);
    this.restoredKeys = [];
    this.restoredIndex = new Int32Array(0);
    for (const row of this.statements.selectSeries.all() as { key: string; last_ts: number; last_value: number; start_time: number }[]) {
      const state = { key: row.key, lastTimestamp: row.last_ts, lastValue: row.last_value, startTime: row.start_time };
      const id = this.seriesIds.get(row.key);
      if (id === undefined) this.legacyStates.set(row.key, state);
      else this.latestStates.set(id, state);
    }
    // The old single-row snapshot (written with the log emptied, so every entry left is newer), then the chunks.
    const snapshot = this.statements.selectSnapshot.raw().get() as [Buffer] | undefined;
    const bodies: Float64Array[] = [];
    if (snapshot !== undefined) bodies.push(aligned(snapshot[0]));
    for (const [body] of this.statements.selectChunks.raw().iterate() as IterableIterator<[Buffer]>) bodies.push(aligned(body));
    this.restoreSnapshot(bodies, seriesKeys);
    this.foldedInMemory();
    for (const [logId, bytes] of this.statements.selectIngestLog.raw().iterate() as IterableIterator<[number, Buffer]>) {
      const body = aligned(bytes);
      this.rememberIncreases(body);
      const at = HEADER + (body[0] ?? 0) * INCREASE_FIELDS;
      for (let i = 0; i < (body[1] ?? 0); i++) this.rememberState(body[at + i * STATE_FIELDS]!, seriesKeys[body[at + i * STATE_FIELDS]!], body, at + i * STATE_FIELDS + 1);
      this.logEntries += body[1] ?? 0;
      this.lastLogId = logId;
    }
  }

  /**
   * Keeps the snapshot's states packed (see `restored`), those of known series only: the old single-row snapshot, then
   * the chunks, a later body's state of a series standing over an earlier one's. The snapshot supersedes what the old
   * series_state table said of the same series.
   */
  private restoreSnapshot(bodies: readonly Float64Array[], seriesKeys: readonly (string | undefined)[]): void {
    let count = 0;
    for (const body of bodies) count += body[0] ?? 0;
    const restored = new Float64Array(count * STATE_FIELDS);
    const keys: string[] = [];
    const index = new Int32Array(this.maxSeriesId + 1).fill(-1);
    let at = 0;
    for (const body of bodies) {
      for (let i = 0, from = 1; i < (body[0] ?? 0); i++, from += STATE_FIELDS) {
        const id = body[from]!;
        const key = seriesKeys[id];
        if (key === undefined) continue;
        this.latestStates.delete(id);
        index[id] = keys.length;
        for (let field = 0; field < STATE_FIELDS; field++) restored[at++] = body[from + field]!;
        keys.push(key);
      }
    }
    this.restored = restored.subarray(0, at);
    this.restoredKeys = keys;
    this.restoredIndex = index;
  }

  /** A state read back from a packed row: (ts, value, start) at `at`. */
  private rememberState(id: number, key: string | undefined, body: Float64Array, at: number): void {
    if (key === undefined) return;
    this.latestStates.set(id, { key, lastTimestamp: body[at]!, lastValue: body[at + 1]!, startTime: body[at + 2]! });
    this.statesChanged = true;
  }

  /** Adds a committed ingest log entry's increases to memory. */
  private rememberIncreases(body: Float64Array): void {
    const increases = body[0] ?? 0;
    for (let i = 0, at = HEADER; i < increases; i++, at += INCREASE_FIELDS) addTo(this.pendingIncreases, body[at]!, body[at + 1]!, body[at + 2]!);
    this.logEntries += increases;
  }

  /** Folds the logs now (the engine does at every evaluation); returns the (term, minute) rows folded. */
  fold(): number {
    const folded = this.foldTransaction();
    this.foldedInMemory();
    return folded;
  }

  /** The series id of a state: by the object's identity when it was committed before, else by its key. */
  private stateId(state: SeriesState): number {
    const known = this.idsByState.get(state);
    if (known !== undefined) return known;
    let id = this.seriesIds.get(state.key);
    if (id === undefined) {
      id = Number(this.statements.insertSeriesId.run(state.key).lastInsertRowid);
      this.seriesIds.set(state.key, id);
      this.maxSeriesId = Math.max(this.maxSeriesId, id);
    }
    this.idsByState.set(state, id);
    return id;
  }

  private termId(term: string): number {
    const known = this.termIds.get(term);
    if (known !== undefined) return known;
    this.statements.insertTerm.run(term);
    const row = this.selectTermId.get(term) as { id: number };
    this.termIds.set(term, row.id);
    return row.id;
  }

  commit(increases: readonly TermIncrease[], series: readonly SeriesState[]): void {
    if (increases.length === 0 && series.length === 0) return;
    let body: Float64Array;
    try {
      let logId: number;
      ({ body, logId } = this.commitTransaction(increases, series));
      this.lastLogId = logId;
    } catch (error) {
      // A rolled-back transaction may have created term and series ids that no longer exist.
      this.reloadIds();
      throw error;
    }
    // Committed: now memory may follow. The body holds each state's id where the transaction put it.
    this.rememberIncreases(body);
    const at = HEADER + (body[0] ?? 0) * INCREASE_FIELDS;
    for (let i = 0; i < series.length; i++) {
      const state = series[i]!;
      this.latestStates.set(body[at + i * STATE_FIELDS]!, state);
      if (this.legacyStates.size > 0) this.legacyStates.delete(state.key);
    }
    if (series.length > 0) this.statesChanged = true;
    this.logEntries += series.length;
    // In steps, on later turns: this commit is one ingest task, and a whole fold of 100,000 states is 25-70 ms.
    if (this.logEntries >= FOLD_AT) this.foldInSteps();
  }

  private reloadIds(): void {
    this.idsByState = new WeakMap();
    // Rows as arrays, stepped: no object per row (300,000 ids at 100k SLOs are read at every start).
    this.termIds.clear();
    for (const [id, key] of this.statements.selectTerms.raw().iterate() as IterableIterator<[number, string]>) this.termIds.set(key, id);
    this.seriesIds.clear();
    this.maxSeriesId = 0;
    for (const [id, key] of this.statements.selectSeriesIds.raw().iterate() as IterableIterator<[number, string]>) {
      this.seriesIds.set(key, id);
      if (id > this.maxSeriesId) this.maxSeriesId = id;
    }
  }

  buckets(resolution: BucketResolution, term: string, from: number, to: number): BucketRow[] {
    const id = this.termIds.get(term);
    if (id === undefined) return [];
    const statement = resolution === 'fine' ? this.statements.selectFine : this.statements.selectCoarse;
    const rows = statement.all({ term: id, from, to }) as BucketRow[];
    // The tables plus what memory holds unfolded (a fold in steps' set-aside increases, then the rest).
    let sums: Map<number, number> | undefined;
    for (const increases of this.unfolded()) {
      const buckets = increases.get(id);
      if (buckets === undefined) continue;
      sums ??= new Map(rows.map((row) => [row.t, row.value]));
      for (const [t, value] of buckets) {
        const at = resolution === 'fine' ? t : t - (t % COARSE_BUCKET_MS);
        if (at >= from && at < to) sums.set(at, (sums.get(at) ?? 0) + value);
      }
    }
    if (sums === undefined) return rows;
    return [...sums].sort((a, b) => a[0] - b[0]).map(([t, value]) => ({ t, value }));
  }

  /**
   * Starts reading a scan on a worker thread with its own connection, to be taken by `scanBuckets` with the same
   * arguments (see BucketPrefetch). Only for a database file (a worker cannot open another connection's `:memory:`)
   * of many terms (see PREFETCH_MIN_TERMS).
   */
  prefetchBuckets(resolution: BucketResolution, from: number): void {
    if (this.db.memory || this.termIds.size < (this.options.prefetchMinTerms ?? PREFETCH_MIN_TERMS)) return;
    this.fold();
    // What an earlier prefetch read before the tables changed would not be taken: start over.
    if (this.prefetch !== undefined && this.bucketWrites !== this.prefetchedAt) this.endPrefetch();
    if (this.prefetch === undefined) {
      this.prefetch = new BucketPrefetch(this.db.name, this.packedScan);
      this.prefetchedAt = this.bucketWrites;
    }
    this.prefetch.request(resolution, from);
  }

  /** Whether scans asked for by prefetchBuckets are being read ahead and not all taken yet. */
  get prefetching(): boolean {
    return this.prefetch !== undefined;
  }

  /** Stops reading ahead: scans asked for and not taken are dropped (the store closes, or the engine never asks). */
  endPrefetch(): void {
    this.prefetch?.stop();
    this.prefetch = undefined;
  }

  scanBuckets(resolution: BucketResolution, from: number, visit: (term: string, rows: BucketColumns) => void): void {
    this.fold();
    // Term ids are SQLite rowids, dense from 1: an array by id, not a second map of every term (110,000 at 100k SLOs).
    const keys: (string | undefined)[] = [];
    for (const [key, id] of this.termIds) keys[id] = key;
    const prefetch = this.prefetch;
    if (prefetch !== undefined) {
      // Read ahead from the tables as they were when asked: only while nothing has been written to them since.
      const taken =
        this.bucketWrites === this.prefetchedAt &&
        prefetch.take(resolution, from, (id, rows) => {
          const key = keys[id];
          if (key !== undefined) visit(key, rows);
        });
      if (!taken || prefetch.finished) this.endPrefetch();
      if (taken) return;
    }
    const statement = resolution === 'fine' ? this.scanFine : this.scanCoarse;
    if (this.packedScan) {
      for (const [id, times, values] of statement.raw().iterate(from) as IterableIterator<[number, string, string]>) {
        const key = keys[id];
        if (key === undefined) continue;
        const { t, value } = parsePackedRow(times, values);
        visit(key, { t, value, length: t.length });
      }
      return;
    }
    // One pair of columns for every term, grown as needed: a row costs two array writes, not an object.
    let t: Float64Array = new Float64Array(64);
    let value: Float64Array = new Float64Array(64);
    let length = 0;
    let current: number | undefined;
    const flush = (): void => {
      const key = current === undefined ? undefined : keys[current];
      if (key !== undefined && length > 0) visit(key, { t, value, length });
      length = 0;
    };
    for (const row of statement.raw().iterate(from) as IterableIterator<[number, number, number]>) {
      if (row[0] !== current) {
        flush();
        current = row[0];
      }
      if (length === t.length) {
        t = grown(t);
        value = grown(value);
      }
      t[length] = row[1];
      value[length] = row[2];
      length++;
    }
    flush();
  }

  seriesStates(): SeriesState[] {
    const states: SeriesState[] = [];
    this.visitSeriesStates((state) => states.push({ key: state.key, lastTimestamp: state.lastTimestamp, lastValue: state.lastValue, startTime: state.startTime }));
    return states;
  }

  /**
   * The packed states restored from the snapshot are passed as one reused object: a restart at 100k SLOs then holds no
   * 200,000 state objects (and their boxed doubles) while the appender rebuilds its series from them (issue 21).
   */
  visitSeriesStates(visit: (state: SeriesState) => void): void {
    for (const state of this.legacyStates.values()) visit(state);
    const packed = { key: '', lastTimestamp: 0, lastValue: 0, startTime: 0 };
    for (let entry = 0; entry < this.restoredKeys.length; entry++) {
      const from = entry * STATE_FIELDS;
      if (this.restoredAt(this.restored[from]!) !== from) continue;
      packed.key = this.restoredKeys[entry]!;
      packed.lastTimestamp = this.restored[from + 1]!;
      packed.lastValue = this.restored[from + 2]!;
      packed.startTime = this.restored[from + 3]!;
      visit(packed);
    }
    for (const state of this.latestStates.values()) visit(state);
  }

  alertStates(): { key: string; value: unknown }[] {
    return (this.statements.selectAlerts.all() as { key: string; value: string }[]).map((row) => ({ key: row.key, value: JSON.parse(row.value) as unknown }));
  }

  saveAlertStates(put: readonly { key: string; value: unknown }[], remove: readonly string[] = []): void {
    if (put.length === 0 && remove.length === 0) return;
    this.saveAlertsTransaction(put, remove);
  }

  sliceMarks(): SliceMark[] {
    return this.statements.selectSliceMarks.all() as SliceMark[];
  }

  saveSliceMarks(put: readonly SliceMark[], remove: readonly string[] = []): void {
    if (put.length === 0 && remove.length === 0) return;
    this.saveSliceMarksTransaction(put, remove);
  }

  prune(now: number): { fine: number; coarse: number } {
    this.fold();
    return this.pruneTransaction(now);
  }
}

/** A Float64Array over a copy of `bytes`: it needs an 8-byte aligned buffer, which SQLite's is not always. */
function aligned(bytes: Buffer): Float64Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

function addTo(sums: Map<number, Map<number, number>>, id: number, t: number, value: number): void {
  let buckets = sums.get(id);
  if (!buckets) sums.set(id, (buckets = new Map<number, number>()));
  buckets.set(t, (buckets.get(t) ?? 0) + value);
}

/**
 * An upsert of many rows as few statements: a prepared statement of CHUNK rows, run as often as full chunks fill, and
 * one of a single row for the rest. Far fewer calls into SQLite than one statement per row, still all prepared.
 */
class ChunkedUpsert {
  static readonly CHUNK = 64;
  private readonly many: Statement;
  private readonly one: Statement;

  constructor(
    db: Connection,
    private readonly columns: number,
    sql: (values: string) => string,
  ) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    this.many = db.prepare(sql(Array.from({ length: ChunkedUpsert.CHUNK }, () => row).join(', ')));
    this.one = db.prepare(sql(row));
  }

  /** `values` holds the rows one after the other, `columns` values each. */
  run(values: readonly (string | number)[]): void {
    const chunk = ChunkedUpsert.CHUNK * this.columns;
    let offset = 0;
    for (; offset + chunk <= values.length; offset += chunk) this.many.run(values.slice(offset, offset + chunk));
    for (; offset < values.length; offset += this.columns) this.one.run(values.slice(offset, offset + this.columns));
  }
}

/**
 * Doubles that tell a shortest round-trip text form from the 15-significant-digit one SQLite wrote before 3.43, or
 * from a lossy JSON rendering: neighbours of simple decimals, a third, the largest safe integer, the smallest subnormal.
 */
const ROUND_TRIP_PROBES = [0.1 + 0.2, 1 / 3, 2 ** 53 - 1, 5e-324, 123456789.12345679, 1e300, 1e-7, Math.PI * 1e10, 1700000000000.5];

/**
 * Whether this SQLite's `json_group_array` writes every REAL as text that parses back to the same double, checked on
 * the running library rather than trusted from its version: the packed bucket scan depends on it being exact, and a
 * library that rounds (SQLite before 3.43) falls back to reading rows one at a time.
 */
export function packedReadsExact(db: Connection): boolean {
  const values = ROUND_TRIP_PROBES.map(() => 'SELECT CAST(? AS REAL) AS v').join(' UNION ALL ');
  const row = db.prepare(`SELECT json_group_array(v) FROM (${values})`).raw().get(...ROUND_TRIP_PROBES) as [string] | undefined;
  if (row === undefined) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row[0]);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed) || parsed.length !== ROUND_TRIP_PROBES.length) return false;
  // Compared as sets: the order an aggregate sees its rows in is SQLite's to choose.
  const expected = [...ROUND_TRIP_PROBES].sort((a, b) => a - b);
  const read = (parsed as unknown[]).map(Number).sort((a, b) => a - b);
  return read.every((value, index) => value === expected[index]);
}

/** Twice the room, the first half copied. */
function grown(column: Float64Array): Float64Array {
  const next = new Float64Array(column.length * 2);
  next.set(column);
  return next;
}
