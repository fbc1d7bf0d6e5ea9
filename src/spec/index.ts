import { DAY } from '../core/index.js';
import type { DurationMs, Problem, Service, SpecSet } from '../core/index.js';
import { ruleProblems } from '../generate/index.js';
import { checkComposites } from './composite.js';
import { checkDuplicates } from './duplicates.js';
import { readHeader } from './header.js';
import { parseSpecFile, type SpecObject } from './parse.js';
import { checkEmbeddedSubset } from './subset.js';
import { createOpenSloLoader } from './openslo.js';
import { createSloeLoader } from './sloe.js';
import { createPyrraLoader } from './pyrra.js';
import { createSloGeneratorLoader } from './slo-generator.js';
import { createSlothLoader } from './sloth.js';
import type { FormatLoader, Header, LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

export { MAX_SPEC_FILE_BYTES, MAX_YAML_ALIASES, DEFAULT_NO_DATA_FOR_MS } from './limits.js';
export { promqlErrorOffset } from './promql.js';
export { convertSpecs, TARGET_FORMATS } from './write/index.js';
export type { ConvertedFile, Inexpressible, TargetFormat } from './write/index.js';

/** One file's bytes, as read by the caller (spec/ does no I/O). */
export interface SpecInput {
  readonly path: string;
  readonly content: Uint8Array;
}

export interface LoadOptions {
  /** Names of configured remote query sources; a query outside the embedded subset needs one. */
  readonly remoteSources?: readonly string[];
  /**
   * `remoteSources` is the whole configured set (serve, validate with a configuration), so an SLI naming any other
   * source is a problem: it would otherwise be accepted and read nothing. Without it, named sources are trusted.
   */
  readonly onlyConfiguredSources?: boolean;
  /**
   * What a query the embedded engine cannot evaluate (and no source serves) is: a problem (`sloe serve`, which must
   * evaluate it), a note (`sloe validate`) or nothing (`sloe generate`: Prometheus evaluates the generated rules).
   */
  readonly embeddedSubset?: 'problem' | 'note' | 'ignore';
  /** Period of Sloth SLOs, whose files cannot state one (Sloth's `--default-slo-period`); 30d when unset. */
  readonly defaultSloPeriod?: DurationMs;
}

/** Sloth's own default period. */
export const DEFAULT_SLO_PERIOD: DurationMs = 30 * DAY;

export interface LoadResult {
  readonly specs: SpecSet;
  /** Every problem in every file, sorted by file, line and column. Empty when the set is valid. */
  readonly problems: readonly Problem[];
  /** Remarks that do not make the set invalid (which SLOs the embedded engine needs a source for), sorted likewise. */
  readonly notes: readonly Problem[];
}

function createLoaders(): FormatLoader[] {
  return [createSloeLoader(), createOpenSloLoader(), createSlothLoader(), createPyrraLoader(), createSloGeneratorLoader()];
}

function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** Every service an SLO names, with the declared ones' details. */
function collectServices(state: LoadState): Service[] {
  const byName = new Map<string, Service>();
  for (const { value } of state.services) byName.set(value.name, value);
  for (const { value } of [...state.slos, ...state.composites]) {
    if (!byName.has(value.service)) byName.set(value.service, { name: value.service, labels: {} });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Loaders report problems rather than throw; should one throw anyway (a bug), the user still gets one problem line
 * at the object, not a stack trace, and every other object is still loaded.
 */
function guard(object: SpecObject, load: () => void): void {
  try {
    load();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    object.ctx.report(object.node, `sloe could not load this object (${reason.split('\n')[0] ?? ''}); this is a bug in sloe, please report it`);
  }
}

/** The subset check's message for a query that only a source can evaluate (not one that is wrong everywhere). */
const NEEDS_SOURCE = 'the embedded engine cannot evaluate this query';

/**
 * Runs the embedded-subset check and sorts what it finds by the mode. The check reports through the documents'
 * contexts, so its problems are taken back off the end of the list and kept, turned into notes, or dropped.
 */
function checkSubset(state: LoadState, mode: NonNullable<LoadOptions['embeddedSubset']>): Problem[] {
  const before = state.problems.length;
  checkEmbeddedSubset(state);
  if (mode === 'problem') return [];
  const found = state.problems.splice(before);
  const needsSource = found.filter((problem) => problem.message.includes(NEEDS_SOURCE));
  state.problems.push(...found.filter((problem) => !problem.message.includes(NEEDS_SOURCE)));
  if (mode === 'ignore') return [];
  return needsSource.map((problem) => ({
    ...problem,
    message: `note: ${problem.message}; generated rules are fine (Prometheus evaluates them), but sloe serve refuses this SLO without a source`,
  }));
}

/** Loads every document of every file into the model, resolving references across files. */
export function loadSpecs(inputs: readonly SpecInput[], options: LoadOptions = {}): LoadResult {
  const problems: Problem[] = [];
  const loaders = createLoaders();
  const state: LoadState = { problems, remoteSources: options.remoteSources ?? [], onlyConfiguredSources: options.onlyConfiguredSources ?? false, defaultSloPeriod: options.defaultSloPeriod ?? DEFAULT_SLO_PERIOD, alertTables: new Map(), slos: [], composites: [], services: [], policies: [] };
  const claimed: { object: SpecObject; header: Header; loader: FormatLoader }[] = [];
  for (const input of inputs) {
    let objects: SpecObject[];
    try {
      objects = parseSpecFile(input.path, input.content, problems);
    } catch (cause) {
      problems.push({ file: input.path, line: 1, column: 1, message: `cannot read this file: ${cause instanceof Error ? cause.message.split('\n')[0] ?? '' : String(cause)}` });
      continue;
    }
    for (const object of objects) {
      const header = readHeader(object);
      if (header === undefined) continue;
      const loader = loaders.find((candidate) => candidate.claims(header));
      if (loader === undefined) {
        const known = loaders.flatMap((candidate) => candidate.versions);
        const stated = header.apiVersion ?? header.version;
        if (stated === undefined) {
          object.ctx.report(object.node, `missing required field 'apiVersion' (one of ${known.filter((v) => v.includes('/') && !v.startsWith('prometheus')).join(', ')}) or Sloth's 'version: prometheus/v1'`);
        } else {
          const node = header.versionNode ?? object.node;
          object.ctx.report(node, `${unknownMessage(header.apiVersion === undefined ? 'version' : 'apiVersion', stated, known)}; expected one of ${known.join(', ')}`);
        }
        continue;
      }
      claimed.push({ object, header, loader });
    }
  }
  for (const { object, header, loader } of claimed) guard(object, () => loader.define?.(object, header, state));
  for (const { object, header, loader } of claimed) guard(object, () => loader.load(object, header, state));
  for (const loader of loaders) loader.finish?.(state);
  checkDuplicates(state, problems);
  const composites = checkComposites(state);
  const notes = checkSubset(state, options.embeddedSubset ?? 'problem');
  // The rule generator's checks run here too, so validate, generate and serve refuse exactly the same specs.
  problems.push(...ruleProblems(state.slos.map((slo) => slo.value)));
  const specs: SpecSet = {
    services: collectServices(state),
    slos: state.slos.map((slo) => slo.value),
    policies: state.policies.map((policy) => policy.value),
    ...(composites.length === 0 ? {} : { composites }),
  };
  // A field merged into several mappings (YAML `<<`) is read once per mapping; report each problem once.
  const unique = [...new Map(problems.map((problem) => [`${problem.file}:${problem.line}:${problem.column}:${problem.message}`, problem])).values()];
  return { specs, problems: unique.sort(compareProblems), notes: notes.sort(compareProblems) };
}
