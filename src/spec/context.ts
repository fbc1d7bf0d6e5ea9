import { isAlias, type Document, type LineCounter, type Node } from 'yaml';
import type { Problem, SpecFormat, SpecOrigin } from '../core/index.js';

/** A position in a file, 1-based. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * One YAML document of one file while it is being loaded: turns nodes into positions and collects problems.
 * Every reader reports into it and carries on, so one pass finds every problem.
 */
export class DocContext {
  constructor(
    readonly file: string,
    readonly source: string,
    readonly lineCounter: LineCounter,
    readonly document: Document,
    private readonly problems: Problem[],
  ) {}

  /** Position of a source offset. */
  positionOf(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** Position of a node's first character (the document start when the node has no range). */
  position(node: Node | null | undefined): Position {
    const offset = node?.range?.[0] ?? this.document.range?.[0] ?? 0;
    return this.positionOf(offset);
  }

  origin(node: Node | null | undefined, format: SpecFormat): SpecOrigin {
    const { file, line, column } = this.position(node);
    return { file, line, column, format };
  }

  report(node: Node | null | undefined, message: string): void {
    this.reportAt(this.position(node), message);
  }

  reportAt(position: Position, message: string): void {
    this.problems.push({ file: position.file, line: position.line, column: position.column, message });
  }

  /** Follows an alias to the node it names (the alias count was checked when the file was parsed). */
  resolve(node: unknown): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return this.resolve(node.resolve(this.document));
    return node as Node;
  }
}
