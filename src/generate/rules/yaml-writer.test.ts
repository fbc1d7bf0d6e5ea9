import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_FIXTURES } from '../../../test/generate/fixtures.js';
import { generateRules } from './generate.js';
import { renderRuleFile, renderRuleGroup } from './render.js';
import { scalar } from './yaml-writer.js';

const TRICKY = fc.constantFrom('true', 'no', '1.5', '0x1f', '2026-11-26', '1:30', '- a', '#x', 'a: b', 'a #b', ' lead', 'trail ', '~', '', '.inf', '1e3', '{a}', '*x', '|', '>', '-', '?', '%x', '@x', "'q'", '"d"');

describe('the rule file YAML writer', () => {
  it('writes what a YAML reader reads back as the same strings, for any label value or annotation', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((key) => /^[a-z_]+$/.test(key)),
          fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), TRICKY),
        ),
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), TRICKY, fc.array(fc.constantFrom('\n', ' ', 'a', ':', '#', '-', '\t', '"', "'", '|')).map((parts) => parts.join(''))),
        (labels, text) => {
        const file = { service: 's', fileName: 's.rules.yaml', groups: [{ name: 'g', interval: '1m', rules: [{ alert: 'A', expr: `${text}\n(x)\n`, for: '5m', labels, annotations: { summary: text, description: `${text}\nline two` } }] }] };
        const back = parse(renderRuleFile(file)) as { groups: { rules: { labels: Record<string, string>; annotations: Record<string, string>; expr: string }[] }[] };
        const rule = back.groups[0]!.rules[0]!;
        expect(rule.labels ?? {}).toEqual(labels);
        expect(rule.annotations).toEqual({ summary: text, description: `${text}\nline two` });
        expect(rule.expr).toBe(`${text}\n(x)\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips every fixture\'s rules through a YAML reader', () => {
    for (const file of generateRules(ALL_FIXTURES, { labelProfile: 'sloth', split: true }).files) {
      const back = parse(renderRuleFile(file)) as { groups: unknown[] };
      expect(back.groups).toEqual(file.groups.map((group) => ({ ...group, rules: group.rules.map((rule) => ({ ...rule })) })));
      for (const group of file.groups) expect(parse(renderRuleGroup(group))).toEqual({ ...group, rules: group.rules.map((rule) => ({ ...rule })) });
    }
  });

  it('quotes what YAML would read as something other than a string', () => {
    expect(scalar('5m')).toBe('5m');
    expect(scalar('2')).toBe('"2"');
    expect(scalar('true')).toBe('"true"');
    expect(scalar('#alerts-myteam')).toBe('"#alerts-myteam"');
    expect(scalar('slo:sli_error:ratio_rate5m')).toBe('slo:sli_error:ratio_rate5m');
  });
});
