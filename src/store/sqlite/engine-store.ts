import type { Statement } from 'better-sqlite3';
import type { BucketResolution, BucketRow, EngineStore, SeriesState, TermIncrease } from '../../core/index.js';
import { COARSE_BUCKET_MS } from '../../core/index.js';
import type { Connection } from './database.js';

/** The bucket log is folded inside a commit once it holds this many rows, so it stays small between evaluations. */
const FOLD_AT = 200_000;

export interface RetentionOptions {
  /** How long coarse buckets and journal entries are kept (ms). */
  readonly retention: number;
  /** How long fine buckets are kept (ms); older ones live on in the coarse buckets. */
  readonly fineKeep: number;
}

/**
 * EngineStore on SQLite. Every increase is added to its 1-minute bucket and to its 1-hour bucket, so downsampling
 * is only deleting old fine rows. Terms get integer ids so a bucket row is a few bytes. An ingest commit appends its
 * increases to a log (sequential pages, whatever terms it touches) and fold() moves them into the bucket tables in
 * batches; reads include the log, so folding changes nothing a reader sees.
 */
export class SqliteEngineStore implements EngineStore {
  private readonly termIds = new Map<string, number>();
  private readonly statements: {
    insertTerm: Statement;
    selectTerms: Statement;
    selectFine: Statement;
    selectCoarse: Statement;
    logSize: Statement;
    logSums: Statement;
    clearLog: Statement;
    selectSeries: Statement;
    putAlert: Statement;
    deleteAlert: Statement;
    selectAlerts: Statement;
    pruneFine: Statement;
    pruneCoarse: Statement;
    pruneJournal: Statement;
  };
  private readonly commitTransaction: (increases: readonly TermIncrease[], series: readonly SeriesState[]) => void;
  private readonly appendLog: ChunkedUpsert;
  /** Rows in bucket_log; folded when it passes FOLD_AT even if nobody calls fold(). */
  private logRows = 0;
  private readonly foldTransaction: () => number;
  private readonly addFine: ChunkedUpsert;
  private readonly addCoarse: ChunkedUpsert;
  private readonly putSeries: ChunkedUpsert;
  private readonly selectTermId: Statement;
  private readonly scanFine: Statement;
  private readonly scanCoarse: Statement;
  private readonly pruneTransaction: (now: number) => { fine: number; coarse: number };
  private readonly saveAlertsTransaction: (put: readonly { key: string; value: unknown }[], remove: readonly string[]) => void;

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
      logSize: db.prepare('SELECT COUNT(*) AS n FROM bucket_log'),
      logSums: db.prepare('SELECT term_id, t, SUM(value) AS value FROM bucket_log GROUP BY term_id, t'),
      clearLog: db.prepare('DELETE FROM bucket_log'),
      selectSeries: db.prepare('SELECT key, last_ts, last_value, start_time FROM series_state'),
      putAlert: db.prepare('INSERT INTO alert_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deleteAlert: db.prepare('DELETE FROM alert_state WHERE key = ?'),
      selectAlerts: db.prepare('SELECT key, value FROM alert_state'),
      // Per term, so each delete walks the primary key instead of scanning the whole table.
      pruneFine: db.prepare('DELETE FROM buckets_fine WHERE term_id = ? AND t < ?'),
      pruneCoarse: db.prepare('DELETE FROM buckets_coarse WHERE term_id = ? AND t < ?'),
      pruneJournal: db.prepare('DELETE FROM journal WHERE at < ?'),
    };
    for (const row of this.statements.selectTerms.all() as { id: number; key: string }[]) this.termIds.set(row.key, row.id);
    this.logRows = (this.statements.logSize.get() as { n: number }).n;
    this.selectTermId = db.prepare('SELECT id FROM terms WHERE key = ?');
    // Primary-key order: each term's rows come together, oldest first.
    this.scanFine = db.prepare('SELECT term_id, t, value FROM buckets_fine WHERE t >= ? ORDER BY term_id, t');
    this.scanCoarse = db.prepare('SELECT term_id, t, value FROM buckets_coarse WHERE t >= ? ORDER BY term_id, t');
    const addTo = (table: string) => (values: string) => `INSERT INTO ${table} (term_id, t, value) VALUES ${values} ON CONFLICT (term_id, t) DO UPDATE SET value = value + excluded.value`;
    this.appendLog = new ChunkedUpsert(db, 3, (values) => `INSERT INTO bucket_log (term_id, t, value) VALUES ${values}`);
    this.addFine = new ChunkedUpsert(db, 3, addTo('buckets_fine'));
    this.addCoarse = new ChunkedUpsert(db, 3, addTo('buckets_coarse'));
    this.putSeries = new ChunkedUpsert(
      db,
      4,
      (values) =>
        `INSERT INTO series_state (key, last_ts, last_value, start_time) VALUES ${values} ON CONFLICT (key) DO UPDATE SET last_ts = excluded.last_ts, last_value = excluded.last_value, start_time = excluded.start_time`,
    );
    this.commitTransaction = db.transaction((increases: readonly TermIncrease[], series: readonly SeriesState[]) => {
      const log: number[] = [];
      for (const increase of increases) {
        if (increase.value === 0) continue;
        log.push(this.termId(increase.term), increase.bucket, increase.value);
      }
      const seriesRows: (string | number)[] = [];
      for (const state of series) seriesRows.push(state.key, state.lastTimestamp, state.lastValue, state.startTime);
      this.appendLog.run(log);
      this.putSeries.run(seriesRows);
      this.logRows += log.length / 3;
      if (this.logRows >= FOLD_AT) this.foldRows();
    });
    this.foldTransaction = db.transaction(() => this.foldRows());
    this.pruneTransaction = db.transaction((now: number) => {
      let fine = 0;
      let coarse = 0;
      for (const id of this.termIds.values()) {
        fine += this.statements.pruneFine.run(id, now - this.options.fineKeep).changes;
        coarse += this.statements.pruneCoarse.run(id, now - this.options.retention).changes;
      }
      this.statements.pruneJournal.run(now - this.options.retention);
      return { fine, coarse };
    });
    this.saveAlertsTransaction = db.transaction((put: readonly { key: string; value: unknown }[], remove: readonly string[]) => {
      for (const entry of put) this.statements.putAlert.run(entry.key, JSON.stringify(entry.value));
      for (const key of remove) this.statements.deleteAlert.run(key);
    });
  }

  /** Moves the bucket log into the bucket tables: one upsert per (term, minute) and per (term, hour). */
  private foldRows(): number {
    const sums = this.statements.logSums.raw().all() as [number, number, number][];
    if (sums.length === 0) return 0;
    const fine: number[] = [];
    const coarse = new Map<number, Map<number, number>>();
    for (const [id, t, value] of sums) {
      fine.push(id, t, value);
      const hour = t - (t % COARSE_BUCKET_MS);
      let hours = coarse.get(id);
      if (!hours) coarse.set(id, (hours = new Map<number, number>()));
      hours.set(hour, (hours.get(hour) ?? 0) + value);
    }
    const coarseRows: number[] = [];
    for (const [id, hours] of coarse) for (const [hour, value] of hours) coarseRows.push(id, hour, value);
    this.addFine.run(fine);
    this.addCoarse.run(coarseRows);
    this.statements.clearLog.run();
    this.logRows = 0;
    return sums.length;
  }

  /** Folds the bucket log now (the engine does at every evaluation); returns the (term, minute) rows folded. */
  fold(): number {
    return this.foldTransaction();
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
    try {
      this.commitTransaction(increases, series);
    } catch (error) {
      // A rolled-back transaction may have created term ids that no longer exist.
      this.termIds.clear();
      for (const row of this.statements.selectTerms.all() as { id: number; key: string }[]) this.termIds.set(row.key, row.id);
      throw error;
    }
  }

  buckets(resolution: BucketResolution, term: string, from: number, to: number): BucketRow[] {
    const id = this.termIds.get(term);
    if (id === undefined) return [];
    const statement = resolution === 'fine' ? this.statements.selectFine : this.statements.selectCoarse;
    return statement.all({ term: id, from, to }) as BucketRow[];
  }

  scanBuckets(resolution: BucketResolution, from: number, visit: (term: string, rows: BucketRow[]) => void): void {
    this.fold();
    const keys = new Map<number, string>();
    for (const [key, id] of this.termIds) keys.set(id, key);
    const statement = resolution === 'fine' ? this.scanFine : this.scanCoarse;
    let current: number | undefined;
    let rows: BucketRow[] = [];
    const flush = (): void => {
      const key = current === undefined ? undefined : keys.get(current);
      if (key !== undefined && rows.length > 0) visit(key, rows);
      rows = [];
    };
    for (const row of statement.raw().iterate(from) as IterableIterator<[number, number, number]>) {
      if (row[0] !== current) {
        flush();
        current = row[0];
      }
      rows.push({ t: row[1], value: row[2] });
    }
    flush();
  }

  seriesStates(): SeriesState[] {
    return (this.statements.selectSeries.all() as { key: string; last_ts: number; last_value: number; start_time: number }[]).map((row) => ({
      key: row.key,
      lastTimestamp: row.last_ts,
      lastValue: row.last_value,
      startTime: row.start_time,
    }));
  }

  alertStates(): { key: string; value: unknown }[] {
    return (this.statements.selectAlerts.all() as { key: string; value: string }[]).map((row) => ({ key: row.key, value: JSON.parse(row.value) as unknown }));
  }

  saveAlertStates(put: readonly { key: string; value: unknown }[], remove: readonly string[] = []): void {
    if (put.length === 0 && remove.length === 0) return;
    this.saveAlertsTransaction(put, remove);
  }

  prune(now: number): { fine: number; coarse: number } {
    this.fold();
    return this.pruneTransaction(now);
  }
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
