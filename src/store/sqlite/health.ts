import { closeSync, existsSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SloeError } from '../../core/index.js';

const HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');
/** The files SQLite keeps beside a WAL-mode database. */
const COMPANIONS = ['', '-wal', '-shm'] as const;

/** better-sqlite3's errors carry SQLite's code: SQLITE_CORRUPT (and its extended codes) or SQLITE_NOTADB. */
export function isCorruption(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = 'code' in error ? String(error.code) : '';
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

/** The error a damaged database is reported with: the file, what is wrong, and what to do. */
export function corruptStore(path: string, detail: string, cause?: unknown): SloeError {
  const data = dirname(path);
  return new SloeError(
    'store_corrupt',
    `the database ${path} is damaged (${detail}). Stop sloe and run \`sloe doctor --data ${data}\` to check it; ` +
      `\`sloe doctor --data ${data} --repair\` moves it aside (kept under a timestamped name) and starts a fresh one, ` +
      'which starts the stored event history, alert state and decisions from empty.',
    { status: 500, cause },
  );
}

/**
 * What the file's 100-byte header says is wrong with it, without SQLite: not a database at all, or shorter than the
 * pages its header declares (a truncated copy or a disk that filled mid-write). The declared size is trusted only
 * when the header says it is current (bytes 24 and 92 match), as SQLite does. Cheap enough for every start.
 */
export function headerProblem(path: string): string | undefined {
  const size = statSync(path).size;
  if (size === 0) return undefined;
  const header = Buffer.alloc(100);
  const descriptor = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(descriptor, header, 0, 100, 0);
  } finally {
    closeSync(descriptor);
  }
  if (read < 100 || !header.subarray(0, 16).equals(HEADER)) return 'not an SQLite database: its header is missing or garbled';
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  const current = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (current && pages > 0 && size < pages * pageSize) return `truncated: ${size} bytes where its header declares ${pages} pages of ${pageSize} bytes`;
  return undefined;
}

export type IntegrityReport = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/** SQLite's own check of every page, index and constraint (`PRAGMA integrity_check`, or the faster `quick_check`). */
export function checkIntegrity(path: string, options: { quick?: boolean } = {}): IntegrityReport {
  const header = headerProblem(path);
  if (header !== undefined) return { ok: false, problems: [header] };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    const rows = db.pragma(options.quick === true ? 'quick_check(100)' : 'integrity_check(100)') as Record<string, string>[];
    const problems = rows.map((row) => Object.values(row)[0] ?? '').filter((line) => line !== 'ok');
    return problems.length === 0 ? { ok: true } : { ok: false, problems };
  } catch (error) {
    if (isCorruption(error)) return { ok: false, problems: [(error as Error).message] };
    throw error;
  } finally {
    db?.close();
  }
}

/**
 * Moves a damaged database and its WAL and shared-memory files aside under one timestamped name, never deleting
 * anything: the copy is kept for `sqlite3 .recover` or a post-mortem. Returns the paths it moved to.
 */
export function moveAside(path: string, now: Date): string[] {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const moved: string[] = [];
  for (const suffix of COMPANIONS) {
    if (!existsSync(path + suffix)) continue;
    const target = `${path}.corrupt-${stamp}${suffix}`;
    renameSync(path + suffix, target);
    moved.push(target);
  }
  return moved;
}
