import type { DocumentStore, EngineStore, IncidentStore, Journal } from '../../core/index.js';
import { HOUR } from '../../core/index.js';
import { openDatabase } from './database.js';
import type { Connection } from './database.js';
import { startBackgroundCheckpoints } from './checkpointer.js';
import { SqliteEngineStore } from './engine-store.js';
import { SqliteIncidentStore } from './incidents.js';
import { SqliteDocumentStore, SqliteJournal } from './records.js';

export interface StoreOptions {
  /** How long coarse buckets and journal entries are kept (ms). Default 90 days. */
  readonly retention?: number;
  /** How long 1-minute buckets are kept (ms). Default 6 hours. */
  readonly fineKeep?: number;
  /** `full` survives power loss (fsync per commit); `normal` (default) survives the process being killed. */
  readonly durability?: 'normal' | 'full';
  /** Told why a background WAL checkpoint failed (it is tried again; see checkpointer.ts). */
  readonly onCheckpointError?: (message: string) => void;
  /**
   * Whether a restart reads each term's buckets packed (one row per term, see `packedReadsExact`) rather than a row
   * per bucket. Default: whenever the SQLite library writes REALs exactly; false runs the row path (its tests do).
   */
  readonly packedBucketScan?: boolean;
  /** A restart reads its buckets on a worker thread when the store holds at least this many terms (default 50,000). */
  readonly prefetchMinTerms?: number;
}

/** Everything sloe keeps durably, behind the ports other components use. */
export interface SloeStore {
  readonly engine: EngineStore;
  readonly documents: DocumentStore;
  readonly journal: Journal;
  readonly incidents: IncidentStore;
  /**
   * Runs `work` (writes through these ports) as one atomic unit: one commit for a group of journal writes instead of
   * one each, without handing the database itself to the caller.
   */
  transaction(work: () => void): void;
  /** Bytes the database takes on disk (main file and WAL); 0 in memory. */
  sizeOnDisk(): number;
  close(): void;
}

export const DEFAULT_RETENTION = 90 * 24 * HOUR;
export const DEFAULT_FINE_KEEP = 6 * HOUR;

/** The SQLite store as its own tests and maintenance see it: the ports plus the connection. The daemon holds a SloeStore. */
export interface SqliteStore extends SloeStore {
  readonly db: Connection;
  readonly engine: SqliteEngineStore;
  /**
   * Leaves the file as a killed process would: nothing folded or checkpointed, the connection dropped. The store's own
   * worker threads stop first, since a killed process takes them with it; left running, the checkpointer's connection
   * would go on writing the log beside a file the caller may be about to reopen or delete.
   */
  crash(): void;
}

/** Opens the SQLite store at `path` (a file, or `:memory:`), applying migrations. */
export function openSqliteStore(path: string, options: StoreOptions = {}): SqliteStore {
  const db = openDatabase(path, options.durability === undefined ? {} : { durability: options.durability });
  const engine = new SqliteEngineStore(db, { retention: options.retention ?? DEFAULT_RETENTION, fineKeep: options.fineKeep ?? DEFAULT_FINE_KEEP, ...(options.packedBucketScan === undefined ? {} : { packedBucketScan: options.packedBucketScan }), ...(options.prefetchMinTerms === undefined ? {} : { prefetchMinTerms: options.prefetchMinTerms }) });
  const checkpoints = path === ':memory:' ? undefined : startBackgroundCheckpoints(db, path, options.onCheckpointError);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  /** The store's own worker threads (WAL checkpoints, bucket read-ahead), stopped before its connection closes. */
  const stopThreads = (): void => {
    checkpoints?.stop();
    engine.endPrefetch();
  };
  return {
    db,
    engine,
    documents: new SqliteDocumentStore(db),
    journal: new SqliteJournal(db),
    incidents: new SqliteIncidentStore(db),
    transaction: (work) => db.transaction(work)(),
    sizeOnDisk: () => {
      if (path === ':memory:') return 0;
      const pages = db.pragma('page_count', { simple: true }) as number;
      return pages * pageSize;
    },
    crash: () => {
      if (!db.open) return;
      stopThreads();
      db.close();
    },
    close: () => {
      if (!db.open) return;
      stopThreads();
      engine.fold();
      if (path !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
