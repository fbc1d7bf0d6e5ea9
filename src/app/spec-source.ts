import type { SpecSet } from '../core/index.js';
import type { SpecExcerpt } from '../api/index.js';
import { MAX_SPEC_FILE_BYTES } from '../spec/index.js';
import { readBoundedFile } from './bounded-file.js';

/** Lines of a multi-document YAML file, split at `---` separators: the document holding `line` (1-based). */
export function documentAt(text: string, line: number): { start: number; yaml: string } {
  const lines = text.split('\n');
  let start = 0;
  let end = lines.length;
  for (let index = 0; index < lines.length; index++) {
    if (!/^---(\s|$)/.test(lines[index] ?? '')) continue;
    if (index < line - 1) start = index + 1;
    else {
      end = index;
      break;
    }
  }
  return { start: start + 1, yaml: lines.slice(start, end).join('\n').trim() + '\n' };
}

/**
 * Finds the spec an SLO status came from: `name` is an objective's name (`slo` or `slo:objective`); its SLO's origin
 * points at the file and line. Reads the file on each call: the UI asks once per page view.
 */
export function specExcerpts(specs: () => SpecSet): (name: string) => SpecExcerpt | undefined {
  return (name) => {
    const set = specs();
    // Composites have a page (and a spec) like any SLO.
    const slo = [...set.slos, ...(set.composites ?? [])].find((candidate) => candidate.name === name || name.startsWith(`${candidate.name}:`));
    if (!slo?.origin) return undefined;
    // The file may have changed since it was loaded (into a FIFO or a device, too): the same bounded reader as loading.
    const read = readBoundedFile(slo.origin.file, MAX_SPEC_FILE_BYTES);
    if (!read.ok) return undefined;
    const text = read.content.toString('utf8');
    const { start, yaml } = documentAt(text, slo.origin.line);
    return { name: slo.name, file: slo.origin.file, line: start, format: slo.origin.format, yaml };
  };
}
