/**
 * Read → convert → read back for every input format and every target the convert tests did not already cover.
 *
 * Where a target states everything a generated SLO says, the property is exact: the same model. Where it cannot, a
 * second property checks that the conversion says so by name: either it refuses the SLO (exit 1) naming each feature
 * the generator put in that the target lacks, or it writes the SLO with a comment naming each approximation, and the
 * model read back differs from the original in exactly the parts those comments name, each in the way it says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nominalPeriod, tiersForPeriod } from '../../src/core/index.js';
import type { AlertTier, Query, Sli, Slo } from '../../src/core/index.js';
import type { TargetFormat } from '../../src/spec/index.js';
import { pyrraTiers } from '../../src/spec/pyrra-windows.js';
import { durationText } from '../../src/spec/write/common.js';
import { opensloFields, opensloText, pyrraFields, pyrraText, sloeSpec, sloeTiersSpec, sloeWithTiers, sloGeneratorFields, sloGeneratorText, slothFields, slothText, type OpensloFields, type PyrraFields, type SloGeneratorFields } from './arbitraries.js';
import { convertAndRead, load, roundTrip, withObjectivesNamed, withoutOrigin } from './round-trip.js';

const RUNS = { numRuns: 40, seed: 20261207 };

function read(text: string): Slo {
  const loaded = load([{ path: 'in.yaml', text }]);
  expect(loaded.problems).toEqual([]);
  expect(loaded.specs.slos).toHaveLength(1);
  return loaded.specs.slos[0]!;
}

/** A Sloth file cannot state its period; the reader is told it, as `--default-slo-period` would. */
function periodOption(slo: Slo): { defaultSloPeriod?: number } {
  return slo.window.kind === 'rolling' ? { defaultSloPeriod: slo.window.duration } : {};
}

/** `sum(rate(SELECTOR[{{.window}}]))` → SELECTOR: the two spellings of one counter that the writers trade. */
function selector(query: Query): Query {
  const inner = /^sum\(rate\((.+)\[\{\{\.window\}\}\]\)\)$/.exec(query.promql)?.[1];
  return inner === undefined ? query : { ...query, promql: inner };
}

function selectors(sli: Sli): Sli {
  switch (sli.kind) {
    case 'ratio':
      return { ...sli, total: selector(sli.total), ...(sli.good === undefined ? {} : { good: selector(sli.good) }), ...(sli.bad === undefined ? {} : { bad: selector(sli.bad) }) };
    case 'latency':
      return { ...sli, histogram: selector(sli.histogram) };
    case 'threshold':
      return { ...sli, metric: selector(sli.metric) };
    case 'rawRatio':
      return sli;
  }
}

const table = (tiers: readonly AlertTier[]): unknown[] => tiers.map((tier) => [tier.name, tier.longWindow, tier.shortWindow, tier.burnRateThreshold]);

/** The tier table the target applies in place of the SLO's own, as its approximation comment says. */
function targetTable(target: TargetFormat, slo: Slo): unknown[] {
  const period = nominalPeriod(slo.window);
  return table(target === 'pyrra' ? pyrraTiers(period) : tiersForPeriod(period));
}

function tierIndex(slo: Slo, name: string): number {
  const index = slo.alerting.tiers.findIndex((tier) => tier.name === name);
  expect(index, `a note names tier ${name}, which the SLO does not have`).toBeGreaterThanOrEqual(0);
  return index;
}

/** `back` with the tier in the place of the original's tier NAME changed by `mend` (given it and the original's). */
function withTier(original: Slo, back: Slo, name: string, mend: (tier: AlertTier, was: AlertTier) => AlertTier): Slo {
  const index = tierIndex(original, name);
  const tiers = [...back.alerting.tiers];
  tiers[index] = mend(tiers[index]!, original.alerting.tiers[index]!);
  return { ...back, alerting: { ...back.alerting, tiers } };
}

/**
 * Each approximation a writer names, the part of the model it changes and how. The read-back model must equal the
 * original once these parts are set aside, and each part set aside must have changed the way its comment says.
 */
const APPROXIMATIONS: { readonly pattern: RegExp; readonly check: (original: Slo, back: Slo, target: TargetFormat, text: string) => Slo }[] = [
  {
    // "the burn-rate tiers: Pyrra uses its own table"; OpenSLO with no AlertPolicy written: sloe's default table.
    pattern: /^the burn-rate tiers: (Pyrra|Sloth) uses its own table|^the burn-rate tiers: no AlertPolicy is written, so sloe's default tiers apply$|^every burn-rate tier is off: an OpenSLO AlertPolicy needs a condition/,
    check: (original, back, target) => {
      expect(table(back.alerting.tiers)).toEqual(targetTable(target, original));
      return { ...back, alerting: { ...back.alerting, tiers: original.alerting.tiers } };
    },
  },
  {
    // OpenSLO: a part of `alerting` it has no field for, and what it reads back as.
    pattern: /^alerting\.(name|labels|annotations|runbookUrl|dashboardUrl|minEvents|keepFiringFor) .+: OpenSLO has no field for .+; it reads back as .+$/,
    check: (original, back, _target, text) => {
      const [, key, was, value] = /^alerting\.(\w+) (.+): OpenSLO has no field for .+; it reads back as (.+)$/.exec(text) ?? [];
      const field = key as keyof Slo['alerting'];
      expect(original.alerting[field] ?? null).toEqual(JSON.parse(was!));
      expect(back.alerting[field] ?? null).toEqual(JSON.parse(value!));
      expect(original.alerting[field]).not.toEqual(back.alerting[field]);
      return { ...back, alerting: { ...back.alerting, [field]: original.alerting[field] } };
    },
  },
  {
    pattern: /^alerting\.noDataFor \S+: .+[;,] (so )?it reads back as \S+$/,
    check: (original, back, _target, text) => {
      expect(durationText(original.alerting.noDataFor)).toBe(/^alerting\.noDataFor (\S+):/.exec(text)?.[1]);
      expect(durationText(back.alerting.noDataFor)).toBe(/(\S+)$/.exec(text)?.[1]);
      return { ...back, alerting: { ...back.alerting, noDataFor: original.alerting.noDataFor } };
    },
  },
  {
    // OpenSLO: a tier that is off is left out of the AlertPolicy. Notes come in the tiers' order, so each goes back in place.
    pattern: /^tier .+ is off: an AlertPolicy lists only the conditions that alert, so it is left out$/,
    check: (original, back, _target, text) => {
      const index = tierIndex(original, /^tier (.+) is off/.exec(text)![1]!);
      expect(original.alerting.tiers[index]!.disabled).toBe(true);
      const tiers = [...back.alerting.tiers];
      tiers.splice(index, 0, original.alerting.tiers[index]!);
      return { ...back, alerting: { ...back.alerting, tiers } };
    },
  },
  {
    pattern: /^tier .+: an AlertCondition's name is an RFC 1123 label; it reads back as \S+$/,
    check: (original, back, _target, text) => {
      const [, name, readBack] = /^tier (.+): an AlertCondition's name .+ reads back as (\S+)$/.exec(text)!;
      return withTier(original, back, name!, (tier, was) => {
        expect(tier.name).toBe(readBack);
        return { ...tier, name: was.name };
      });
    },
  },
  {
    pattern: /^tier .+'s (long window|for) \S+: OpenSLO's (lookbackWindow|alertAfter) .+; it reads back as \S+$/,
    check: (original, back, _target, text) => {
      const [, name, field, readBack] = /^tier (.+)'s (long window|for) .+ reads back as (\S+)$/.exec(text)!;
      const key = field === 'for' ? 'for' : 'longWindow';
      return withTier(original, back, name!, (tier, was) => {
        expect(durationText(tier[key])).toBe(readBack);
        expect(tier[key]).toBeGreaterThan(was[key]);
        // What the rounded long window changes besides (the short window, the budget share) has notes of its own.
        return { ...tier, [key]: was[key] };
      });
    },
  },
  {
    pattern: /^tier .+'s short window \S+: a burnrate condition has one lookback window; it reads back as \S+, a twelfth of the long window$/,
    check: (original, back, _target, text) => {
      const [, name, readBack] = /^tier (.+)'s short window .+ reads back as (\S+), a twelfth/.exec(text)!;
      return withTier(original, back, name!, (tier, was) => {
        expect(durationText(tier.shortWindow)).toBe(readBack);
        expect(tier.shortWindow).not.toBe(was.shortWindow);
        return { ...tier, shortWindow: was.shortWindow };
      });
    },
  },
  {
    pattern: /^tier .+'s budget share \S+: a burnrate condition states the burn rate \S+; it reads back as budget share \S+ and burn rate \S+$/,
    check: (original, back, _target, text) => {
      const [, name, fraction, rate] = /^tier (.+)'s budget share .+ reads back as budget share (\S+) and burn rate (\S+)$/.exec(text)!;
      return withTier(original, back, name!, (tier, was) => {
        expect([tier.budgetFraction, tier.burnRateThreshold]).toEqual([Number(fraction), Number(rate)]);
        return { ...tier, budgetFraction: was.budgetFraction, burnRateThreshold: was.burnRateThreshold };
      });
    },
  },
  {
    pattern: /^tier .+'s labels and annotations: an AlertCondition has no field for them$/,
    check: (original, back, _target, text) => {
      const name = /^tier (.+)'s labels/.exec(text)![1]!;
      return withTier(original, back, name, (tier, was) => {
        expect([tier.labels, tier.annotations]).toEqual([undefined, undefined]);
        const { labels: _labels, annotations: _annotations, ...rest } = tier;
        return { ...rest, ...(was.labels === undefined ? {} : { labels: was.labels }), ...(was.annotations === undefined ? {} : { annotations: was.annotations }) };
      });
    },
  },
  {
    pattern: /bare counter selectors written as sum\(rate\(SELECTOR\[\{\{\.window\}\}\]\)\)|sum\(rate\(SELECTOR\[\{\{\.window\}\}\]\)\) written as the bare SELECTOR/,
    check: (original, back) => {
      expect(selectors(back.sli)).toEqual(selectors(original.sli));
      return { ...back, sli: original.sli };
    },
  },
  {
    pattern: /the SLO's name: Sloth names SLOs after their service/,
    check: (original, back) => {
      expect(back.name).toBe(`${original.service}-${original.name}`);
      return { ...back, name: original.name };
    },
  },
  {
    // An SLO here has one objective: the one whose key the note names.
    pattern: /^objective key '.+': .+, so it reads back as '.+'$/,
    check: (original, back, _target, text) => {
      const [, from, to] = /^objective key '(.+)': .+, so it reads back as '(.+)'$/.exec(text) ?? [];
      expect([original.objectives[0]?.key, back.objectives[0]?.key]).toEqual([from, to]);
      return { ...back, objectives: back.objectives.map((objective, index) => ({ ...objective, key: original.objectives[index]?.key ?? objective.key })) };
    },
  },
  {
    pattern: /^objective displayName '.+': (Sloth|Pyrra) has no field for it$/,
    check: (original, back) => {
      expect(back.objectives[0]?.displayName).toBeUndefined();
      return { ...back, objectives: back.objectives.map((objective, index) => ({ ...objective, ...(original.objectives[index]?.displayName === undefined ? {} : { displayName: original.objectives[index].displayName }) })) };
    },
  },
  {
    // The period is given back through the reader's default period, so the window must already be the same.
    pattern: /period: a Sloth file cannot state it; run Sloth \(or sloe\) with --default-slo-period/,
    check: (original, back) => {
      expect(back.window).toEqual(original.window);
      return back;
    },
  },
];

/** Refused naming each given feature, or written with every change named: the property of an inexact pair. */
function expectNamed(original: Slo, target: TargetFormat, refusals: readonly string[]): void {
  const { refused, approximated, back } = convertAndRead([original], target, periodOption(original));
  expect(refused).toEqual(refusals);
  if (refusals.length > 0) return;
  expect(back).toHaveLength(1);
  let normalised = back[0]!;
  // Sloth's notes are per file (one per service), each led by the SLO's name within its service.
  const prefix = target === 'sloth' ? `${original.name.startsWith(`${original.service}-`) ? original.name.slice(original.service.length + 1) : original.name}: ` : '';
  for (const note of approximated) {
    expect(note.startsWith(prefix), note).toBe(true);
    const text = note.slice(prefix.length);
    const approximation = APPROXIMATIONS.find((entry) => entry.pattern.test(text));
    expect(approximation, `an approximation this test does not know: ${text}`).toBeDefined();
    normalised = approximation!.check(original, normalised, target, text);
  }
  const expected = target === 'openslo' ? withObjectivesNamed([original]) : [original];
  expect(withoutOrigin([normalised])).toEqual(withoutOrigin(expected));
}

describe('convert: the pairs a target states exactly', () => {
  it("Pyrra SLOs through sloe: Pyrra's own tier table is stated as sloe/v1 alerting.tiers and read back", () => {
    fc.assert(fc.property(pyrraFields, (spec) => {
      const slo = read(pyrraText(spec));
      expect(withoutOrigin(roundTrip([slo], 'sloe'))).toEqual(withoutOrigin([slo]));
    }), RUNS);
  });

  it('slo-generator SLOs with an error budget policy through sloe: the steps are stated as tiers and read back', () => {
    fc.assert(fc.property(sloGeneratorFields.filter((spec) => spec.policy !== undefined), (spec) => {
      const slo = read(sloGeneratorText(spec));
      expect(slo.alerting.tiers).toHaveLength(spec.policy!.length);
      expect(withoutOrigin(roundTrip([slo], 'sloe'))).toEqual(withoutOrigin([slo]));
    }), RUNS);
  });

  it("Sloth SLOs with Sloth's default alerting through openslo", () => {
    fc.assert(fc.property(slothFields.filter((spec) => spec.page && spec.ticketLabel === undefined), (spec) => {
      const slo = read(slothText(spec));
      expect(withoutOrigin(roundTrip([slo], 'openslo'))).toEqual(withoutOrigin(withObjectivesNamed([slo])));
    }), RUNS);
  });
});

describe('convert: what a target cannot state is refused or approximated by name', () => {
  it("Sloth SLOs with page or ticket settings through openslo: the tiers that alert are stated as conditions, the rest named", () => {
    fc.assert(fc.property(slothFields.filter((spec) => !spec.page || spec.ticketLabel !== undefined), (spec) => {
      const slo = read(slothText(spec));
      const { back } = convertAndRead([slo], 'openslo');
      expect(back[0]!.alerting.tiers.map((tier) => tier.name)).toEqual(slo.alerting.tiers.filter((tier) => !tier.disabled).map((tier) => tier.name));
      expectNamed(slo, 'openslo', []);
    }), RUNS);
  });

  it('a tier list OpenSLO can only approximate through openslo: each difference named with what it reads back as', () => {
    const slo = read(sloeWithTiers('api', '30d', [
      '      - { name: fast-burn, severity: page, longWindow: 90s, burnRateThreshold: 14.4, for: 0s }',
      '      - { name: slow, severity: ticket, longWindow: 6h, shortWindow: 20m, budgetFraction: 0.05, for: 30s }',
      '      - { name: off, severity: ticket, longWindow: 1d, burnRateThreshold: 1, disable: true }',
      '',
    ].join('\n')).replace('  alerting:\n', '  alerting:\n    minEvents: 50\n    noDataFor: 20m\n'));
    expect(convertAndRead([slo], 'openslo').approximated).toEqual([
      'alerting.minEvents 50: OpenSLO has no field for a minimum of events; it reads back as 0',
      "alerting.noDataFor 20m: OpenSLO's alertWhenNoData is a yes or no; it reads back as 10m",
      'tier off is off: an AlertPolicy lists only the conditions that alert, so it is left out',
      "tier fast-burn's long window 90s: OpenSLO's lookbackWindow is whole minutes; it reads back as 2m",
      "tier fast-burn's for 0s: OpenSLO's alertAfter is at least a minute, in whole minutes; it reads back as 1m",
      "tier fast-burn's budget share 0.0005: a burnrate condition states the burn rate 14.4; it reads back as budget share 0.000667 and burn rate 14.4",
      "tier slow's for 30s: OpenSLO's alertAfter is at least a minute, in whole minutes; it reads back as 1m",
      "tier slow's short window 20m: a burnrate condition has one lookback window; it reads back as 30m, a twelfth of the long window",
    ]);
    expectNamed(slo, 'openslo', []);
  });

  it('sloe SLOs with their own tier list through openslo', () => {
    fc.assert(fc.property(sloeTiersSpec, (text) => expectNamed(read(text), 'openslo', [])), RUNS);
  });

  it('sloe SLOs with severity overrides, a tier off, calendar windows and labels through openslo', () => {
    fc.assert(fc.property(sloeSpec, (text) => {
      const slo = read(text);
      expectNamed(slo, 'openslo', slo.sli.kind === 'latency' ? ['a latency SLI (histogram and bound): OpenSLO has no histogram indicator that reads back as one'] : []);
    }), RUNS);
  });

  it('Sloth SLOs through pyrra', () => {
    fc.assert(fc.property(slothFields, (spec) => expectNamed(read(slothText(spec)), 'pyrra', [])), RUNS);
  });

  const pyrraRefusals: Record<string, (spec: PyrraFields) => string[]> = {
    openslo: (spec) => (spec.kind === 'latency' ? ['a latency SLI (histogram and bound): OpenSLO has no histogram indicator that reads back as one'] : []),
    sloth: (spec) => (spec.kind === 'latency' ? ['a latency SLI (Sloth has events and raw SLIs only)'] : spec.kind === 'bool_gauge' ? ['a threshold SLI (Sloth has events and raw SLIs only)'] : []),
  };
  for (const [target, refusals] of Object.entries(pyrraRefusals)) {
    it(`Pyrra SLOs through ${target}`, () => {
      fc.assert(fc.property(pyrraFields, (spec) => expectNamed(read(pyrraText(spec)), target as TargetFormat, refusals(spec))), RUNS);
    });
  }

  const opensloRefusals: Record<string, (spec: OpensloFields) => string[]> = {
    sloth: (spec) => [
      ...(spec.targets.length > 1 ? [`${spec.targets.length} objectives (a Sloth SLO has one objective)`] : []),
      ...(spec.timeslices ? ['budgeting method Timeslices (Sloth counts events)'] : []),
      ...(spec.side === 'good' ? ['a ratio SLI that counts good events (Sloth counts errors)'] : []),
    ],
    pyrra: (spec) => [
      ...(spec.targets.length > 1 ? [`${spec.targets.length} objectives (a Pyrra SLO has one target)`] : []),
      ...(spec.timeslices ? ['budgeting method Timeslices (Pyrra counts occurrences)'] : []),
      ...(spec.side === 'good' ? ['a ratio SLI that counts good events (Pyrra counts errors)'] : []),
    ],
  };
  for (const [target, refusals] of Object.entries(opensloRefusals)) {
    it(`OpenSLO SLOs through ${target}`, () => {
      // Objectives without a displayName: Sloth and Pyrra have none to keep.
      fc.assert(fc.property(opensloFields.map((spec) => ({ ...spec, displayNames: false })), (spec) => expectNamed(read(opensloText(spec)), target as TargetFormat, refusals(spec))), RUNS);
    });
  }

  const sloGeneratorRefusals: Record<string, (spec: SloGeneratorFields) => string[]> = {
    sloth: (spec) => (spec.method === 'good' ? ['a ratio SLI that counts good events (Sloth counts errors)'] : spec.method === 'distribution_cut' ? ['a latency SLI (Sloth has events and raw SLIs only)'] : []),
    pyrra: (spec) => (spec.method === 'good' ? ['a ratio SLI that counts good events (Pyrra counts errors)'] : []),
    openslo: (spec) => (spec.method === 'distribution_cut' ? ['a latency SLI (histogram and bound): OpenSLO has no histogram indicator that reads back as one'] : []),
  };
  for (const [target, refusals] of Object.entries(sloGeneratorRefusals)) {
    it(`slo-generator SLOs through ${target}`, () => {
      fc.assert(fc.property(sloGeneratorFields, (spec) => expectNamed(read(sloGeneratorText(spec)), target as TargetFormat, refusals(spec))), RUNS);
    });
  }
});
