import type { Problem, SpecSet } from '../core/index.js';
import { SloeError, formatProblem } from '../core/index.js';
import type { SloeConfig } from '../config/index.js';
import { loadSpecs } from '../spec/index.js';
import { readSpecFiles } from './spec-files.js';

/** Reads and validates the configured spec paths; returns every problem instead of throwing. */
export function readSpecSet(config: Pick<SloeConfig, 'slos' | 'sources' | 'sloth'>): { specs: SpecSet; problems: readonly Problem[] } {
  const files = readSpecFiles(config.slos);
  const result = loadSpecs(files.inputs, { remoteSources: config.sources.map((source) => source.name), onlyConfiguredSources: true, defaultSloPeriod: config.sloth.defaultSloPeriodMs });
  return { specs: result.specs, problems: [...files.problems, ...result.problems] };
}

/** Reads and validates the configured spec paths; throws with every problem when the set is invalid. */
export function loadSpecSet(config: Pick<SloeConfig, 'slos' | 'sources' | 'sloth'>): SpecSet {
  const { specs, problems } = readSpecSet(config);
  if (problems.length > 0) {
    throw new SloeError('specs_invalid', `invalid specs:\n${problems.map(formatProblem).join('\n')}`, { status: 400 });
  }
  return specs;
}
