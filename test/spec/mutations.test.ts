import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../src/spec/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Valid specs of every format to mutate: the example set and the golden inputs. */
const SEEDS = [
  ...readdirSync('slo-definitions').map((name) => join('slo-definitions', name)),
  ...readdirSync('test/spec/golden').filter((name) => name.endsWith('.in.yaml')).map((name) => join('test/spec/golden', name)),
].map((path) => ({ path, text: readFileSync(path, 'utf8') }));

/** Every path to a node of a JSON value, parents first. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => out.push(...paths(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]));
  return out;
}

function parentOf(root: Json, path: (string | number)[]): { parent: Json; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let parent = root;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] ?? null;
  return { parent, key: path[path.length - 1] ?? 0 };
}

const replacement = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.string(),
  fc.constantFrom('', '30d', '1M', 'sum(rate(x[{{.window}}]))', 'Europe/Nowhere', 'gte', '{{.window}}', '99.9', 'P0'),
  fc.constant([] as Json[]),
  fc.constant({}),
  fc.array(fc.string(), { maxLength: 3 }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), suffix: fc.string({ minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: replacement }),
  fc.record({ kind: fc.constant('truncate' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), pick: fc.nat(), text: fc.constantFrom(':', '- ', '  ', '\n', '{', '&a', '*a', '"', '#', '\t', '---\n', '<<: *a\n') }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, change: Mutation): string {
  if (change.kind === 'truncate') return text.slice(0, change.pick % (text.length + 1));
  if (change.kind === 'insert') {
    const at = change.pick % (text.length + 1);
    return `${text.slice(0, at)}${change.text}${text.slice(at)}`;
  }
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  let values: Json[];
  try {
    values = list.map((document) => document.toJS({ maxAliasCount: 100 }) as Json);
  } catch {
    return text; // an earlier text mutation broke the YAML: no structure left to mutate
  }
  const index = change.pick % Math.max(1, values.length);
  const root = values[index] ?? null;
  const all = paths(root);
  const path = all[Math.floor(change.pick / Math.max(1, values.length)) % all.length] ?? [];
  const found = parentOf(root, path);
  if (found === undefined) {
    values[index] = change.kind === 'replace' ? change.value : null;
  } else if (found.parent !== null && typeof found.parent === 'object') {
    const parent = found.parent as Record<string | number, Json>;
    if (change.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(found.key), 1);
      else delete parent[found.key];
    } else if (change.kind === 'rename' && !Array.isArray(parent)) {
      parent[`${String(found.key)}${change.suffix}`] = parent[found.key] ?? null;
      delete parent[found.key];
    } else if (change.kind === 'replace') {
      parent[found.key] = change.value;
    }
  }
  return values.map((value) => stringify(value)).join('---\n');
}

describe('property: mutated specs never crash the loader', () => {
  it('every mutation of a valid spec ends valid or with positioned problem lines', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, changes) => {
        const text = changes.reduce(mutate, seed.text);
        const lines = text.split('\n').length;
        const result = loadSpecs([{ path: seed.path, content: new TextEncoder().encode(text) }], { remoteSources: ['thanos'] });
        for (const problem of result.problems) {
          expect(problem.file).toBe(seed.path);
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.line).toBeLessThanOrEqual(lines + 1);
          expect(problem.column).toBeGreaterThanOrEqual(1);
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.message).not.toMatch(/\n|TypeError|undefined is not|\[object Object\]|a bug in sloe/);
        }
        // Whatever loads, with or without problems elsewhere, is a well-formed model.
        for (const slo of result.specs.slos) {
          expect(slo.objectives.length).toBeGreaterThan(0);
          for (const objective of slo.objectives) expect(objective.target > 0 && objective.target < 1).toBe(true);
          expect(slo.alerting.tiers.length).toBeGreaterThan(0);
          for (const tier of slo.alerting.tiers) expect(tier.shortWindow < tier.longWindow && tier.burnRateThreshold > 0).toBe(true);
        }
        expect(() => JSON.stringify(result.specs)).not.toThrow();
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });

  it('the unmutated seeds are valid, so problems come from the mutations', () => {
    for (const seed of SEEDS) {
      expect(loadSpecs([{ path: seed.path, content: new TextEncoder().encode(seed.text) }], { remoteSources: ['thanos'] }).problems).toEqual([]);
    }
  });
});
