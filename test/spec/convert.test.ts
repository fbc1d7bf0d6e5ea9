import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Slo } from '../../src/core/index.js';
import { generateRules } from '../../src/generate/index.js';
import { convertSpecs, TARGET_FORMATS } from '../../src/spec/index.js';
import { opensloFields, opensloText, pyrraSpec, sloeSpec, sloGeneratorSpec, slothSpec } from './arbitraries.js';
import { load, roundTrip, withObjectivesNamed, withoutOrigin } from './round-trip.js';

const DIR = 'test/spec/convert';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('convert: golden output for every target', () => {
  const input = join(DIR, 'mixed.in.yaml');
  const slos = load([{ path: input, text: readFileSync(input, 'utf8') }]).specs.slos;

  for (const target of TARGET_FORMATS) {
    it(`--to ${target}`, () => {
      const { files, inexpressible } = convertSpecs(slos, target);
      const refused = inexpressible.map(({ slo, message }) => `# cannot be written: ${slo.name}: ${message}\n`).join('');
      const actual = `${refused}${files.map((file) => `# file: ${file.fileName}\n${file.content}`).join('')}`;
      const golden = join(DIR, `mixed.${target}.golden.yaml`);
      if (UPDATE || !existsSync(golden)) {
        if (!UPDATE) throw new Error(`${golden} is missing; create it with UPDATE_GOLDEN=1`);
        writeFileSync(golden, actual);
      }
      expect(actual).toBe(readFileSync(golden, 'utf8'));
      // Whatever was written must load again.
      expect(load(files.map((file) => ({ path: file.fileName, text: file.content }))).problems).toEqual([]);
    });
  }

  it('names what a target cannot express', () => {
    const { inexpressible } = convertSpecs(slos, 'sloth');
    expect(inexpressible.map(({ slo, message }) => `${slo.name}: ${message}`)).toEqual(expect.arrayContaining([
      'api-latency: a latency SLI (Sloth has events and raw SLIs only)',
      'search-queue-depth: a calendar window (Sloth periods are rolling)',
    ]));
  });
});

describe('convert: read, convert, read back gives the same model', () => {
  it('Sloth SLOs through sloth and sloe', () => {
    fc.assert(
      fc.property(slothSpec, (text) => {
        const slos = load([{ path: 'in.yaml', text }]).specs.slos;
        expect(slos).toHaveLength(1);
        for (const format of ['sloth', 'sloe'] as const) expect(withoutOrigin(roundTrip(slos, format)), format).toEqual(withoutOrigin(slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });

  it('Pyrra SLOs through pyrra', () => {
    fc.assert(
      fc.property(pyrraSpec, (text) => {
        const slos = load([{ path: 'in.yaml', text }]).specs.slos;
        expect(slos).toHaveLength(1);
        expect(withoutOrigin(roundTrip(slos, 'pyrra'))).toEqual(withoutOrigin(slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });
});

describe('convert: a Sloth file and its conversions generate the same rules', () => {
  const input = 'test/generate/golden/sloth-getting-started.sloth.split.in.yaml';
  const slos = load([{ path: input, text: readFileSync(input, 'utf8') }]).specs.slos;

  /** Recording expressions by record name: what Prometheus computes, whatever the source format. */
  function recordings(from: readonly Slo[]): Map<string, string> {
    const rules = generateRules(from, { labelProfile: 'sloth' });
    expect(rules.problems).toEqual([]);
    // The info series names the source format (`sloth_spec`): the one label a conversion changes by design.
    const key = (record: string, labels: Readonly<Record<string, string>> = {}): string => `${record}${JSON.stringify({ ...labels, sloth_spec: undefined })}`;
    return new Map(rules.files.flatMap((file) => file.groups.flatMap((group) => group.rules.flatMap((rule) => ('record' in rule ? [[key(rule.record, rule.labels), rule.expr] as const] : [])))));
  }

  it('from its OpenSLO conversion', () => {
    expect(recordings(roundTrip(slos, 'openslo'))).toEqual(recordings(slos));
  });

  it('from its Pyrra conversion: the same expressions for every window both have', () => {
    const fromPyrra = recordings(roundTrip(slos, 'pyrra'));
    const fromSloth = recordings(slos);
    // Pyrra alerts with its own table (factors 14, 7, 2, 1 over its windows), named in the converted file's comment;
    // every window both have, and what is computed over it, must agree. Event counts read the bare counter as Pyrra does.
    const shared = [...fromSloth.keys()].filter((key) => fromPyrra.has(key) && !key.startsWith('slo:events_'));
    // At 30d Pyrra's windows (scaled from its 28d table) differ from Sloth's; the period's own window is shared.
    expect(shared.some((key) => key.startsWith('slo:sli_error:ratio_rate30d'))).toBe(true);
    for (const key of shared) expect(fromPyrra.get(key), key).toBe(fromSloth.get(key));
  });
});

describe('convert: read, convert, read back gives the same model (native, OpenSLO and slo-generator inputs)', () => {
  it('sloe/v1 SLOs through sloe', () => {
    fc.assert(
      fc.property(sloeSpec, (text) => {
        const loaded = load([{ path: 'in.yaml', text }]);
        expect(loaded.problems).toEqual([]);
        expect(withoutOrigin(roundTrip(loaded.specs.slos, 'sloe'))).toEqual(withoutOrigin(loaded.specs.slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });

  it('OpenSLO SLOs through openslo and sloe', () => {
    fc.assert(
      fc.property(opensloFields.map((spec) => opensloText({ ...spec, displayNames: true })), (text) => {
        const loaded = load([{ path: 'in.yaml', text }]);
        expect(loaded.problems).toEqual([]);
        for (const format of ['openslo', 'sloe'] as const) expect(withoutOrigin(roundTrip(loaded.specs.slos, format)), format).toEqual(withoutOrigin(loaded.specs.slos));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });

  it('slo-generator SLOs through sloe, and through openslo where OpenSLO has the indicator', () => {
    fc.assert(
      fc.property(sloGeneratorSpec, (text) => {
        const loaded = load([{ path: 'in.yaml', text }]);
        expect(loaded.problems).toEqual([]);
        const slos = loaded.specs.slos;
        expect(withoutOrigin(roundTrip(slos, 'sloe'))).toEqual(withoutOrigin(slos));
        if (slos[0]!.sli.kind === 'latency') return;
        expect(withoutOrigin(roundTrip(slos, 'openslo'))).toEqual(withoutOrigin(withObjectivesNamed(slos)));
      }),
      { numRuns: 40, seed: 20261206 },
    );
  });
});
