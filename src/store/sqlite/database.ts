import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { SloeError } from '../../core/index.js';
import { corruptStore, headerProblem, isCorruption } from './health.js';
import { MIGRATIONS } from './migrations.js';
import type { Migration } from './migrations.js';

export type { Connection };

/**
 * Opens (creating if missing) a sloe database: WAL journal with synchronous=NORMAL, so a committed transaction
 * survives the process being killed (it is in the WAL, which SQLite replays); surviving power loss or an OS crash
 * needs synchronous=FULL (`durability: 'full'`), at the cost of an fsync per commit.
 */
export function openDatabase(path: string, options: { durability?: 'normal' | 'full' } = {}): Connection {
  // A damaged file is reported as such, naming it and what to do, never as SQLite's bare "database disk image is
  // malformed" from deep inside a later query. The header check is cheap; a full check is `sloe doctor`'s.
  const header = path === ':memory:' || !existsSync(path) ? undefined : headerProblem(path);
  if (header !== undefined) throw corruptStore(path, header);
  let db: Connection;
  try {
    db = new Database(path);
  } catch (error) {
    if (isCorruption(error)) throw corruptStore(path, (error as Error).message, error);
    throw new SloeError('store_open_failed', `cannot open the database at ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache: bucket upserts land all over the table's B-tree, and a small cache makes each one a read.
    db.pragma('cache_size = -65536');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS);
  } catch (error) {
    db.close();
    if (isCorruption(error)) throw corruptStore(path, (error as Error).message, error);
    throw error;
  }
  return db;
}

/** Applies the migrations a database does not have yet, each in its own transaction. Returns the versions applied. */
export function migrate(db: Connection, migrations: readonly Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  if (newest > known) {
    throw new SloeError('store_too_new', `the database has schema version ${newest}, this sloe knows up to ${known}: use a newer sloe`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.description, Date.now());
    })();
    done.push(migration.version);
  }
  return done;
}
