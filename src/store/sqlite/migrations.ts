/**
 * Versioned schema migrations, applied in order at start. A migration is never edited once released: a change is a
 * new entry. `schema_migrations` records which versions a database has.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'terms, fine and coarse event buckets, counter series state, alert state, documents, journal',
    sql: `
      CREATE TABLE terms (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
      -- t is the bucket start in Unix ms; WITHOUT ROWID keeps a row to its key and value.
      CREATE TABLE buckets_fine (term_id INTEGER NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (term_id, t)) WITHOUT ROWID;
      CREATE TABLE buckets_coarse (term_id INTEGER NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (term_id, t)) WITHOUT ROWID;
      CREATE TABLE series_state (key TEXT PRIMARY KEY, last_ts INTEGER NOT NULL, last_value REAL NOT NULL, start_time INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE alert_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE documents (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID;
      CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, at INTEGER NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX journal_kind ON journal (kind, id);
      CREATE INDEX journal_kind_subject ON journal (kind, subject, id);
      CREATE INDEX journal_at ON journal (at);
    `,
  },
  {
    version: 2,
    description: 'bucket log: increases appended per request, folded into the bucket tables in batches',
    sql: `
      -- Appending here is sequential (rowid order) whatever terms a request touches, so an ingest commit writes a
      -- few pages; fold() moves the rows into buckets_fine and buckets_coarse with one upsert per (term, bucket).
      CREATE TABLE bucket_log (id INTEGER PRIMARY KEY, term_id INTEGER NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL);
    `,
  },
  {
    version: 3,
    description: 'incidents: one row per incident of an SLO objective, its figures and timeline as JSON',
    sql: `
      -- started_at and resolved_at are Unix ms (resolved_at NULL while open); final is 0 while the spend still grows.
      CREATE TABLE incidents (id TEXT PRIMARY KEY, objective TEXT NOT NULL, slo TEXT NOT NULL, service TEXT NOT NULL, started_at INTEGER NOT NULL, resolved_at INTEGER, final INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
      CREATE INDEX incidents_started ON incidents (started_at);
      CREATE INDEX incidents_unsettled ON incidents (final, started_at);
    `,
  },
  {
    version: 4,
    description: 'ingest log: one row per group commit holding its increases and series states; series ids and snapshot',
    sql: `
      -- A group commit of many requests writes one row here (a packed array of increases and series states) instead
      -- of a row per (term, bucket) and per series; fold() moves it into the bucket and series tables.
      CREATE TABLE ingest_log (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
      -- Small integer ids for series keys, so the ingest log refers to a series in 8 bytes.
      CREATE TABLE series_ids (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
      -- Every series' latest state as one packed row, rewritten at each fold: a fold costs one row, not one per series.
      CREATE TABLE series_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), body BLOB NOT NULL);
    `,
  },
  {
    version: 5,
    description: 'slice marks: where each Timeslices objective\'s decided slices end, moved out of alert_state',
    sql: `
      -- Until now the engine kept these in alert_state under 'slices/<objective>' with the end as JSON text; a data
      -- folder that is upgraded keeps its Timeslices history by moving them across (in this migration's transaction).
      CREATE TABLE slice_marks (objective TEXT PRIMARY KEY, slice_end INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO slice_marks (objective, slice_end)
        SELECT substr(key, 8), CAST(value AS INTEGER) FROM alert_state WHERE substr(key, 1, 7) = 'slices/';
      DELETE FROM alert_state WHERE substr(key, 1, 7) = 'slices/';
    `,
  },
  {
    version: 6,
    description: 'series states snapshotted in chunks of series ids, so a fold can write them on separate turns',
    sql: `
      -- One row per chunk of series ids (packed like series_snapshot), rewritten at each fold; series_snapshot's one
      -- row is read at open until the first fold after the upgrade replaces it with chunks.
      CREATE TABLE series_snapshot_chunks (chunk INTEGER PRIMARY KEY, body BLOB NOT NULL);
    `,
  },
  {
    version: 7,
    description: 'journal indexes by kind and at: the audit trail of gate decisions is paged newest first by last answer',
    sql: `
      -- An audit entry is appended when it closes (a changed verdict, 10 minutes idle, shutdown), so id order is not
      -- time order; GET /api/v1/decisions pages by (at, id). The rowid ends every index, so these serve ORDER BY at, id.
      CREATE INDEX journal_kind_at ON journal (kind, at);
      CREATE INDEX journal_kind_subject_at ON journal (kind, subject, at);
    `,
  },
];
