/** Reading specs, converting them and reading the result back: what the convert tests share. */
import { expect } from 'vitest';
import type { Slo } from '../../src/core/index.js';
import { convertSpecs, loadSpecs, type TargetFormat } from '../../src/spec/index.js';

const encoder = new TextEncoder();

/** Loads spec texts as files; queries outside the embedded subset are fine (generated rules are evaluated by Prometheus). */
export function load(files: readonly { path: string; text: string }[], options: Parameters<typeof loadSpecs>[1] = {}): ReturnType<typeof loadSpecs> {
  return loadSpecs(files.map((file) => ({ path: file.path, content: encoder.encode(file.text) })), { embeddedSubset: 'ignore', ...options });
}

/** The model without where it was read from, which a conversion changes by design. */
export function withoutOrigin(slos: readonly Slo[]): unknown[] {
  return slos.map(({ origin: _origin, ...rest }) => rest).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What a conversion refused (by message), what it names as approximated (its comments), and what reads back. */
export interface Converted {
  readonly refused: string[];
  readonly approximated: string[];
  readonly back: readonly Slo[];
}

/** Converts and reads the result back; a conversion that makes an invalid file fails here. */
export function convertAndRead(slos: readonly Slo[], target: TargetFormat, options: Parameters<typeof loadSpecs>[1] = {}): Converted {
  const { files, inexpressible } = convertSpecs(slos, target);
  const back = load(files.map((file) => ({ path: file.fileName, text: file.content })), options);
  expect(back.problems).toEqual([]);
  const approximated = files.flatMap((file) => file.content.split('\n').filter((line) => line.startsWith('# approximated: ')).map((line) => line.slice('# approximated: '.length)));
  return { refused: inexpressible.map(({ message }) => message), approximated, back: back.specs.slos };
}

/** Converts and reads the result back; a conversion that refuses an SLO fails here. */
export function roundTrip(slos: readonly Slo[], target: TargetFormat, options: Parameters<typeof loadSpecs>[1] = {}): readonly Slo[] {
  const { refused, back } = convertAndRead(slos, target, options);
  expect(refused).toEqual([]);
  return back;
}

/** OpenSLO names an objective only by its displayName: the key is written as one and read back as both. */
export function withObjectivesNamed(slos: readonly Slo[]): Slo[] {
  return slos.map((slo) => ({ ...slo, objectives: slo.objectives.map((objective) => ({ ...objective, displayName: objective.displayName ?? objective.key })) }));
}
