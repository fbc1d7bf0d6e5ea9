/** sloe/v1 `alerting.tiers` as a list: an SLO's own burn-rate table, read to the model and checked at its nodes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, formatProblem, HOUR, MINUTE } from '../../src/core/index.js';
import { sloeTiersSpec, sloeWithTiers } from './arbitraries.js';
import { load, roundTrip, withoutOrigin } from './round-trip.js';

function slo(tiers: string, window = '28d'): string {
  return sloeWithTiers('checkout', window, tiers);
}

function read(text: string): ReturnType<typeof load> {
  return load([{ path: 'tiers.yaml', text }]);
}

describe('sloe/v1 alerting.tiers as a list', () => {
  it('replaces the default table; a burn rate gives f = B·w/T and a budget share gives B = f·T/w', () => {
    const loaded = read(slo(`      - { name: page-fast, severity: critical, longWindow: 1h, burnRateThreshold: 14, for: 2m, labels: { pager: shop } }
      - { name: ticket-slow, severity: warning, longWindow: 4d, shortWindow: 6h, budgetFraction: 0.1, disable: true, annotations: { summary: slow burn } }
`));
    expect(loaded.problems).toEqual([]);
    const tiers = loaded.specs.slos[0]!.alerting.tiers;
    // 28d = 672h: 14 × 1h / 672h = 0.020833 (6 decimals); 0.1 × 672h / 96h = 0.7.
    expect(tiers).toEqual([
      { name: 'page-fast', severity: 'critical', budgetFraction: 0.020833, longWindow: HOUR, shortWindow: 5 * MINUTE, burnRateThreshold: 14, for: 2 * MINUTE, disabled: false, labels: { pager: 'shop' } },
      { name: 'ticket-slow', severity: 'warning', budgetFraction: 0.1, longWindow: 4 * DAY, shortWindow: 6 * HOUR, burnRateThreshold: 0.7, for: 0, disabled: true, annotations: { summary: 'slow burn' } },
    ]);
  });

  it('a short window defaults to a twelfth of the long one, rounded to the minute', () => {
    const loaded = read(slo('      - { name: slow, severity: ticket, longWindow: 7h, burnRateThreshold: 2 }\n'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.specs.slos[0]!.alerting.tiers[0]!.shortWindow).toBe(35 * MINUTE);
  });

  it('reports every invalid field at its node, FILE:LINE:COLUMN', () => {
    const problems = read(slo(`      - name: Page Fast
        severity: page
        longWindow: 1h
        shortWindow: 1h
        burnRateThreshold: 0
      - name: b
        severity: page
        longWindow: 29d
        budgetFraction: 0.5
        burnRateThreshold: 2
      - name: b
        longWindow: 1h
        budgetFraction: 1.5
        colour: red
`)).problems.map(formatProblem);
    expect(problems).toEqual([
      "tiers.yaml:16:15: 'spec.alerting.tiers[0].name' must be lower-case letters, digits and '-' (it names the tier in rule labels), got 'Page Fast'",
      "tiers.yaml:19:22: 'spec.alerting.tiers[0].shortWindow' must be shorter than 'spec.alerting.tiers[0].longWindow'",
      "tiers.yaml:20:28: 'spec.alerting.tiers[0].burnRateThreshold' must be above 0, got 0",
      "tiers.yaml:21:9: 'spec.alerting.tiers[1]' needs exactly one of 'budgetFraction' (the share of the budget the tier catches) and 'burnRateThreshold'",
      "tiers.yaml:23:21: 'spec.alerting.tiers[1].longWindow' must not be longer than the SLO's window",
      "tiers.yaml:26:9: missing required field 'spec.alerting.tiers[2].severity'",
      "tiers.yaml:26:15: 'spec.alerting.tiers[2].name' 'b' names two tiers",
      "tiers.yaml:28:25: 'spec.alerting.tiers[2].budgetFraction' must be above 0 and at most 1, got 1.5",
      "tiers.yaml:29:9: unknown field 'colour'",
    ]);
  });

  it('an empty list is a problem, not the default table by accident', () => {
    expect(read(slo('      []\n').replace('    tiers:\n      []', '    tiers: []')).problems.map(formatProblem)).toEqual([
      "tiers.yaml:15:12: 'spec.alerting.tiers' must list at least one tier (leave it out for the default table)",
    ]);
  });

  it('a mapping still overrides tiers of the default table', () => {
    const loaded = read(slo('      page-slow: { disable: true }\n'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.specs.slos[0]!.alerting.tiers.map((tier) => [tier.name, tier.disabled])).toEqual([['page-fast', false], ['page-slow', true], ['ticket-fast', false], ['ticket-slow', false]]);
  });

  it('any stated table reads back unchanged through --to sloe (burn rate or budget share, whichever was stated)', () => {
    fc.assert(fc.property(sloeTiersSpec, (text) => {
      const loaded = read(text);
      expect(loaded.problems).toEqual([]);
      expect(loaded.specs.slos[0]!.alerting.tiers).toHaveLength((text.match(/- \{ name: tier-/g) ?? []).length);
      expect(withoutOrigin(roundTrip(loaded.specs.slos, 'sloe'))).toEqual(withoutOrigin(loaded.specs.slos));
    }), { numRuns: 60, seed: 20261207 });
  });
});
