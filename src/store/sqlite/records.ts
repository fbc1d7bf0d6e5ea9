import type { Statement } from 'better-sqlite3';
import type { DocumentStore, Journal, JournalEntry, JournalQuery } from '../../core/index.js';
import type { Connection } from './database.js';

/** DocumentStore on SQLite: one row per (namespace, key), the value as JSON text. */
export class SqliteDocumentStore implements DocumentStore {
  private readonly getStatement: Statement;
  private readonly putStatement: Statement;
  private readonly deleteStatement: Statement;
  private readonly listStatement: Statement;
  private readonly namespacesStatement: Statement;

  constructor(db: Connection) {
    this.getStatement = db.prepare('SELECT value FROM documents WHERE namespace = ? AND key = ?');
    this.putStatement = db.prepare('INSERT INTO documents (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value');
    this.deleteStatement = db.prepare('DELETE FROM documents WHERE namespace = ? AND key = ?');
    this.listStatement = db.prepare('SELECT key, value FROM documents WHERE namespace = ? ORDER BY key');
    this.namespacesStatement = db.prepare('SELECT DISTINCT namespace FROM documents WHERE substr(namespace, 1, length(@prefix)) = @prefix ORDER BY namespace');
  }

  get(namespace: string, key: string): unknown {
    const row = this.getStatement.get(namespace, key) as { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  put(namespace: string, key: string, value: unknown): void {
    this.putStatement.run(namespace, key, JSON.stringify(value));
  }

  delete(namespace: string, key: string): void {
    this.deleteStatement.run(namespace, key);
  }

  list(namespace: string): { key: string; value: unknown }[] {
    return (this.listStatement.all(namespace) as { key: string; value: string }[]).map((row) => ({ key: row.key, value: JSON.parse(row.value) as unknown }));
  }

  namespaces(prefix: string): string[] {
    return (this.namespacesStatement.all({ prefix }) as { namespace: string }[]).map((row) => row.namespace);
  }
}

/**
 * The journal query by `at`, with or without a subject. Every bound is a value (unset ones the widest), never "NULL
 * matches all", so the planner walks the (kind, at) or (kind, subject, at) index (migration 7) down from the position
 * and stops at the limit, however deep the page: no scan, no sort. Exported for the test that checks the plan.
 */
export function journalByAtSql(bySubject: boolean): string {
  return `SELECT id, kind, at, subject, data FROM journal
    WHERE kind = @kind ${bySubject ? 'AND subject = @subject' : ''} AND at >= @since AND at <= @until AND id < @beforeId
      AND (at, id) < (@olderAt, @olderId)
    ORDER BY at DESC, id DESC LIMIT @limit`;
}

/** Journal on SQLite: an autoincrement id gives the append order; queries are newest first, by id or by `at`. */
export class SqliteJournal implements Journal {
  private readonly appendStatement: Statement;
  private readonly byIdStatement: Statement;
  private readonly byAtStatement: Statement;
  private readonly byAtOfSubjectStatement: Statement;

  constructor(db: Connection) {
    this.appendStatement = db.prepare('INSERT INTO journal (kind, at, subject, data) VALUES (?, ?, ?, ?)');
    // Unset filters are passed as NULL and match everything, so one prepared statement serves every query by id.
    this.byIdStatement = db.prepare(
      `SELECT id, kind, at, subject, data FROM journal
       WHERE kind = @kind AND (@subject IS NULL OR subject = @subject) AND (@since IS NULL OR at >= @since)
         AND (@until IS NULL OR at <= @until) AND (@beforeId IS NULL OR id < @beforeId)
         AND (@olderAt IS NULL OR (at, id) < (@olderAt, @olderId))
       ORDER BY id DESC LIMIT @limit`,
    );
    this.byAtStatement = db.prepare(journalByAtSql(false));
    this.byAtOfSubjectStatement = db.prepare(journalByAtSql(true));
  }

  append(kind: string, entry: { at: number; subject: string; data: unknown }): number {
    return Number(this.appendStatement.run(kind, entry.at, entry.subject, JSON.stringify(entry.data ?? null)).lastInsertRowid);
  }

  query(kind: string, query: JournalQuery): JournalEntry[] {
    const rows = (query.order === 'at' ? this.queryByAt(kind, query) : this.queryById(kind, query)) as { id: number; kind: string; at: number; subject: string; data: string }[];
    return rows.map((row) => ({ id: row.id, kind: row.kind, at: row.at, subject: row.subject, data: JSON.parse(row.data) as unknown }));
  }

  private queryById(kind: string, query: JournalQuery): unknown[] {
    return this.byIdStatement.all({
      kind,
      subject: query.subject ?? null,
      since: query.since ?? null,
      until: query.until ?? null,
      beforeId: query.beforeId ?? null,
      olderAt: query.olderThan?.at ?? null,
      olderId: query.olderThan?.id ?? null,
      limit: query.limit,
    });
  }

  private queryByAt(kind: string, query: JournalQuery): unknown[] {
    const olderAt = query.olderThan?.at ?? Number.MAX_SAFE_INTEGER;
    const bounds = {
      kind,
      since: query.since ?? Number.MIN_SAFE_INTEGER,
      // The position's `at` is an upper bound too; given as one, the index range starts there whichever bound the
      // planner takes, rather than at the newest entry with the row value checked row by row.
      until: Math.min(query.until ?? Number.MAX_SAFE_INTEGER, olderAt),
      beforeId: query.beforeId ?? Number.MAX_SAFE_INTEGER,
      olderAt,
      olderId: query.olderThan?.id ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit,
    };
    return query.subject === undefined ? this.byAtStatement.all(bounds) : this.byAtOfSubjectStatement.all({ ...bounds, subject: query.subject });
  }
}
