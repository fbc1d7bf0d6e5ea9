import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import type { Problem } from '../core/index.js';
import { DocContext } from './context.js';
import { MAX_SPEC_FILE_BYTES, MAX_YAML_ALIASES } from './limits.js';
import { yamlErrorOffset } from './yaml-error-position.js';

/** One spec object: a document's root mapping, or one item of a document that is a list of objects. */
export interface SpecObject {
  readonly ctx: DocContext;
  readonly node: Node;
  /** Path prefix for messages: '' for a document root, `[2]` for the third item of a root list. */
  readonly path: string;
}

function fileProblem(file: string, message: string, line = 1, column = 1): Problem {
  return { file, line, column, message };
}

/** Text of the file, or a problem when it is not UTF-8 text. */
function decode(file: string, content: Uint8Array): string | Problem {
  if (content.includes(0)) return fileProblem(file, 'not a text file: it contains NUL bytes (a binary file?); expected UTF-8 YAML');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    return fileProblem(file, 'not a text file: it is not valid UTF-8 (a binary file?); expected UTF-8 YAML');
  }
}

/** The first line of a yaml library message, without its own " at line L, column C" tail (the problem has them). */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

/** Offset of the first alias that names no anchor of its document, if any. */
function unresolvedAlias(document: Document): number | undefined {
  let offset: number | undefined;
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) {
        offset = alias.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/**
 * Parses one file into spec objects. Anything that stops the file from being read at all (too big, binary, not
 * YAML, empty, an alias bomb) is one problem and no objects, never an exception.
 */
export function parseSpecFile(file: string, content: Uint8Array, problems: Problem[]): SpecObject[] {
  if (content.byteLength > MAX_SPEC_FILE_BYTES) {
    problems.push(fileProblem(file, `file is ${content.byteLength} bytes; spec files are limited to ${MAX_SPEC_FILE_BYTES} bytes`));
    return [];
  }
  const text = decode(file, content);
  if (typeof text !== 'string') {
    problems.push(text);
    return [];
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  const list = Array.isArray(documents) ? documents : [];
  for (const document of list) {
    const error = document.errors[0];
    if (error !== undefined) {
      const { line, col } = lineCounter.linePos(yamlErrorOffset(text, error));
      problems.push(fileProblem(file, `not valid YAML: ${yamlMessage(error.message)}`, line, col));
      return [];
    }
  }
  const objects: SpecObject[] = [];
  for (const document of list) {
    try {
      document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (cause) {
      const { line, col } = lineCounter.linePos(unresolvedAlias(document) ?? document.range[0]);
      const text = cause instanceof Error ? cause.message : String(cause);
      const message = /excessive alias count/i.test(text)
        ? `refused: the document has more than ${MAX_YAML_ALIASES} alias expansions (a YAML alias bomb?)`
        : `not valid YAML: ${yamlMessage(text)}`;
      problems.push(fileProblem(file, message, line, col));
      return [];
    }
    const ctx = new DocContext(file, text, lineCounter, document, problems);
    const root = ctx.resolve(document.contents);
    if (root === undefined || (isScalar(root) && root.value === null)) continue;
    if (isSeq(root)) {
      root.items.forEach((item, index) => {
        const node = ctx.resolve(item);
        if (node !== undefined) objects.push({ ctx, node, path: `[${index}]` });
      });
    } else if (isMap(root)) {
      objects.push({ ctx, node: root, path: '' });
    } else {
      ctx.report(root, 'a spec document must be a mapping with apiVersion and kind (or Sloth\'s version), got a scalar');
    }
  }
  if (objects.length === 0 && !problems.some((problem) => problem.file === file)) {
    problems.push(fileProblem(file, 'empty file: expected at least one YAML document with apiVersion and kind (or Sloth\'s version: "prometheus/v1")'));
  }
  return objects;
}
