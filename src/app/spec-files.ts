import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Problem } from '../core/index.js';
import { MAX_SPEC_FILE_BYTES } from '../spec/index.js';
import type { SpecInput } from '../spec/index.js';
import { fileKind, readBoundedFile } from './bounded-file.js';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml']);

export interface SpecFiles {
  readonly inputs: SpecInput[];
  readonly problems: Problem[];
}

function problemAt(file: string, message: string): Problem {
  return { file, line: 1, column: 1, message };
}

/**
 * Reads files and folders (recursively, `.yaml`/`.yml`, sorted) into spec inputs; unreadable paths are problems.
 * Git carries symlinks, so one commit to a spec repository can point a spec at /dev/zero or a FIFO: every file goes
 * through the bounded reader (regular files only, read to the size limit at most), and a folder reached twice
 * through links is read once, so nothing a spec folder holds can stall or exhaust the daemon.
 */
export function readSpecFiles(paths: readonly string[]): SpecFiles {
  const inputs: SpecInput[] = [];
  const problems: Problem[] = [];
  const foldersSeen = new Set<string>();
  const visit = (path: string, explicit: boolean): void => {
    let stats;
    let linked = '';
    try {
      // stat(2) never blocks, even on a FIFO or a device; only open and read can.
      stats = statSync(path);
      if (lstatSync(path).isSymbolicLink()) linked = ` (a symbolic link to ${realpathSync(path)})`;
    } catch (cause) {
      problems.push(problemAt(path, `cannot read: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`));
      return;
    }
    if (stats.isDirectory()) {
      const real = realpathSync(path);
      if (foldersSeen.has(real)) return;
      foldersSeen.add(real);
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.')) continue;
        visit(join(path, entry), false);
      }
      return;
    }
    if (!explicit && !SPEC_EXTENSIONS.has(extname(path).toLowerCase())) return;
    if (!stats.isFile()) {
      problems.push(problemAt(path, `is ${fileKind(stats)}${linked}; only regular files are read as specs`));
      return;
    }
    // A regular file that says it is too large is refused unread; one that says less is still read only to the limit.
    if (stats.size > MAX_SPEC_FILE_BYTES) {
      problems.push(problemAt(path, `file is ${stats.size} bytes; spec files are limited to ${MAX_SPEC_FILE_BYTES} bytes`));
      return;
    }
    const read = readBoundedFile(path, MAX_SPEC_FILE_BYTES);
    if (read.ok) inputs.push({ path, content: read.content });
    else problems.push(problemAt(path, `${read.reason}${linked}`));
  };
  for (const path of paths) visit(path, true);
  return { inputs, problems };
}
