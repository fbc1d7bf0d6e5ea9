import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file to be in a folder, by name. */
export interface WantedFile {
  readonly fileName: string;
  readonly content: string;
}

export type FileChange =
  | { readonly kind: 'add'; readonly fileName: string; readonly content: string }
  | { readonly kind: 'change'; readonly fileName: string; readonly before: string; readonly content: string }
  | { readonly kind: 'remove'; readonly fileName: string; readonly before: string };

/**
 * Writes through a temporary file in the same folder and a rename, so a reader (Prometheus reloading, Grafana's file
 * provisioning) sees the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw cause;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
}

/**
 * What it takes to make a folder hold exactly the wanted files among those `isOurs` claims: files sloe wrote before
 * for a service that is gone are removed; anything else in the folder is left alone.
 */
export function planFolder(dir: string, wanted: readonly WantedFile[], isOurs: (fileName: string, content: string) => boolean): FileChange[] {
  const changes: FileChange[] = [];
  const names = new Set(wanted.map((file) => file.fileName));
  for (const file of wanted) {
    const before = readOrUndefined(join(dir, file.fileName));
    if (before === undefined) changes.push({ kind: 'add', fileName: file.fileName, content: file.content });
    else if (before !== file.content) changes.push({ kind: 'change', fileName: file.fileName, before, content: file.content });
  }
  let existing: string[] = [];
  try {
    existing = readdirSync(dir).sort();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
  }
  for (const fileName of existing) {
    if (names.has(fileName) || fileName.endsWith('.tmp')) continue;
    const before = readOrUndefined(join(dir, fileName));
    if (before !== undefined && isOurs(fileName, before)) changes.push({ kind: 'remove', fileName, before });
  }
  return changes;
}

/** Applies a plan: writes (atomically) before removing, so a failure leaves every wanted file old or new. */
export function applyFolder(dir: string, changes: readonly FileChange[]): void {
  mkdirSync(dir, { recursive: true });
  for (const change of changes) {
    if (change.kind !== 'remove') writeFileAtomic(join(dir, change.fileName), change.content);
  }
  for (const change of changes) {
    if (change.kind === 'remove') rmSync(join(dir, change.fileName), { force: true });
  }
}
