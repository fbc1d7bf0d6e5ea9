import { stringify } from 'yaml';
import type { Slo } from '../../core/index.js';
import { writeOpenSlo } from './openslo.js';
import { writePyrra } from './pyrra.js';
import { writeSloe } from './sloe.js';
import { writeSloth } from './sloth.js';
import type { Inexpressible, TargetFormat, WriteResult } from './types.js';

export { TARGET_FORMATS } from './types.js';
export type { Inexpressible, TargetFormat, WriteResult, WrittenDocument } from './types.js';

const WRITERS: Record<TargetFormat, (slos: readonly Slo[]) => WriteResult> = { openslo: writeOpenSlo, sloth: writeSloth, pyrra: writePyrra, sloe: writeSloe };

/** One converted file: YAML documents separated by `---`. */
export interface ConvertedFile {
  readonly fileName: string;
  readonly content: string;
}

/** The model in another format: YAML files, each approximation named in a comment above its document. */
export function convertSpecs(slos: readonly Slo[], target: TargetFormat): { files: ConvertedFile[]; inexpressible: readonly Inexpressible[] } {
  const { documents, inexpressible } = WRITERS[target](slos);
  const byFile = new Map<string, string[]>();
  for (const document of documents) {
    const comments = document.approximations.map((text) => `# approximated: ${text}\n`).join('');
    const texts = byFile.get(document.fileName) ?? [];
    texts.push(`${comments}${stringify(document.body, { lineWidth: 0 })}`);
    byFile.set(document.fileName, texts);
  }
  const files = [...byFile].map(([fileName, texts]) => ({ fileName, content: texts.join('---\n') }));
  return { files, inexpressible };
}
