import type { DocumentStore, Journal, JournalEntry, JournalQuery } from '../core/index.js';

/** DocumentStore kept in memory (tests, and `:memory:`-like runs). Values are copied so callers cannot alias them. */
export class MemoryDocumentStore implements DocumentStore {
  private readonly spaces = new Map<string, Map<string, string>>();

  get(namespace: string, key: string): unknown {
    const text = this.spaces.get(namespace)?.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  put(namespace: string, key: string, value: unknown): void {
    let entries = this.spaces.get(namespace);
    if (!entries) {
      entries = new Map();
      this.spaces.set(namespace, entries);
    }
    entries.set(key, JSON.stringify(value));
  }

  delete(namespace: string, key: string): void {
    this.spaces.get(namespace)?.delete(key);
  }

  list(namespace: string): { key: string; value: unknown }[] {
    return [...(this.spaces.get(namespace) ?? new Map<string, string>())]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, text]) => ({ key, value: JSON.parse(text) as unknown }));
  }

  namespaces(prefix: string): string[] {
    return [...this.spaces.entries()]
      .filter(([namespace, entries]) => entries.size > 0 && namespace.startsWith(prefix))
      .map(([namespace]) => namespace)
      .sort();
  }
}

export class MemoryJournal implements Journal {
  private readonly entries: JournalEntry[] = [];

  append(kind: string, entry: { at: number; subject: string; data: unknown }): number {
    const id = this.entries.length + 1;
    this.entries.push({ id, kind, at: entry.at, subject: entry.subject, data: JSON.parse(JSON.stringify(entry.data)) as unknown });
    return id;
  }

  query(kind: string, query: JournalQuery): JournalEntry[] {
    const matching = (entry: JournalEntry): boolean =>
      entry.kind === kind &&
      (query.subject === undefined || entry.subject === query.subject) &&
      (query.since === undefined || entry.at >= query.since) &&
      (query.until === undefined || entry.at <= query.until) &&
      (query.beforeId === undefined || entry.id < query.beforeId) &&
      (query.olderThan === undefined || entry.at < query.olderThan.at || (entry.at === query.olderThan.at && entry.id < query.olderThan.id));
    if (query.order === 'at') {
      return this.entries
        .filter(matching)
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .slice(0, query.limit);
    }
    const out: JournalEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < query.limit; i--) {
      const entry = this.entries[i];
      if (entry && matching(entry)) out.push(entry);
    }
    return out;
  }
}
