import type { Problem, SpecSet } from '../core/index.js';

/** One file's bytes, as read by the caller (spec/ does no I/O). */
export interface SpecInput {
  readonly path: string;
  readonly content: Uint8Array;
}

export interface LoadOptions {
  /** Names of configured remote query sources; a query outside the embedded subset needs one. */
  readonly remoteSources?: readonly string[];
}

export interface LoadResult {
  readonly specs: SpecSet;
  /** Every problem in every file, sorted by file, line and column. Empty when the set is valid. */
  readonly problems: readonly Problem[];
}

/** Loads every document of every file into the model, resolving references across files. */
export function loadSpecs(inputs: readonly SpecInput[], options: LoadOptions = {}): LoadResult {
  void inputs;
  void options;
  throw new Error('spec loading is not implemented yet');
}
