import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Problem } from '../core/index.js';
import { MAX_SPEC_FILE_BYTES } from '../spec/index.js';
import type { SpecInput } from '../spec/index.js';

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml']);

export interface SpecFiles {
  readonly inputs: SpecInput[];
  readonly problems: Problem[];
}

/** Reads files and folders (recursively, `.yaml`/`.yml`, sorted) into spec inputs; unreadable paths are problems. */
export function readSpecFiles(paths: readonly string[]): SpecFiles {
  const inputs: SpecInput[] = [];
  const problems: Problem[] = [];
  const visit = (path: string, explicit: boolean): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch (cause) {
      problems.push({ file: path, line: 1, column: 1, message: `cannot read: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}` });
      return;
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.')) continue;
        visit(join(path, entry), false);
      }
      return;
    }
    if (!explicit && !SPEC_EXTENSIONS.has(extname(path).toLowerCase())) return;
    // Refused unread, with the loader's own limit and words: parsing such a file could starve the daemon.
    if (stats.size > MAX_SPEC_FILE_BYTES) {
      problems.push({ file: path, line: 1, column: 1, message: `file is ${stats.size} bytes; spec files are limited to ${MAX_SPEC_FILE_BYTES} bytes` });
      return;
    }
    try {
      inputs.push({ path, content: readFileSync(path) });
    } catch (cause) {
      problems.push({ file: path, line: 1, column: 1, message: `cannot read: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}` });
    }
  };
  for (const path of paths) visit(path, true);
  return { inputs, problems };
}
