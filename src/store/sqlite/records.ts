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

/** Journal on SQLite: an autoincrement id gives the order; queries are newest first. */
export class SqliteJournal implements Journal {
  private readonly appendStatement: Statement;
  private readonly queryStatement: Statement;

  constructor(db: Connection) {
    this.appendStatement = db.prepare('INSERT INTO journal (kind, at, subject, data) VALUES (?, ?, ?, ?)');
    // Unset filters are passed as NULL and match everything, so one prepared statement serves every query.
    this.queryStatement = db.prepare(
      `SELECT id, kind, at, subject, data FROM journal
       WHERE kind = @kind AND (@subject IS NULL OR subject = @subject) AND (@since IS NULL OR at >= @since)
         AND (@until IS NULL OR at <= @until) AND (@beforeId IS NULL OR id < @beforeId)
       ORDER BY id DESC LIMIT @limit`,
    );
  }

  append(kind: string, entry: { at: number; subject: string; data: unknown }): number {
    return Number(this.appendStatement.run(kind, entry.at, entry.subject, JSON.stringify(entry.data ?? null)).lastInsertRowid);
  }

  query(kind: string, query: JournalQuery): JournalEntry[] {
    const rows = this.queryStatement.all({
      kind,
      subject: query.subject ?? null,
      since: query.since ?? null,
      until: query.until ?? null,
      beforeId: query.beforeId ?? null,
      limit: query.limit,
    }) as { id: number; kind: string; at: number; subject: string; data: string }[];
    return rows.map((row) => ({ id: row.id, kind: row.kind, at: row.at, subject: row.subject, data: JSON.parse(row.data) as unknown }));
  }
}
