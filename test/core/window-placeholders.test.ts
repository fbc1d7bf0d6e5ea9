import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/core/index.js';
import { generateRules, renderRuleFile } from '../../src/generate/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { TrafficGenerator, harness } from '../engine/fixtures.js';
import { promtool } from '../generate/promtool.js';

/**
 * Every spelling of the window placeholder goes the whole way: `sloe validate` accepts it, `sloe generate` writes
 * rules with the window filled in that promtool accepts, and the embedded engine compiles and evaluates it. These
 * parts used to keep their own copies of the placeholder and disagreed about which spellings exist.
 */
const SPELLINGS = ['{{.window}}', '{{ .window }}', '$__window', '${__window}'];
const START = Date.UTC(2026, 10, 25);

const dir = mkdtempSync(join(tmpdir(), 'sloe-window-placeholders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function slothSpec(placeholder: string): string {
  return [
    'version: "prometheus/v1"',
    'service: "api"',
    'slos:',
    '  - name: "availability"',
    '    objective: 99.9',
    '    sli:',
    '      events:',
    `        error_query: sum(rate(http_requests_total{job="api",code=~"5.."}[${placeholder}]))`,
    `        total_query: sum(rate(http_requests_total{job="api"}[${placeholder}]))`,
    '    alerting:',
    '      name: ApiAvailability',
    '      page_alert: { labels: { severity: page } }',
    '      ticket_alert: { labels: { severity: ticket } }',
    '',
  ].join('\n');
}

function load(placeholder: string) {
  return loadSpecs([{ path: 'api.sloth.yaml', content: new TextEncoder().encode(slothSpec(placeholder)) }]);
}

describe.each(SPELLINGS)('the window placeholder %s', (placeholder) => {
  it('passes validation', () => {
    const { problems, specs } = load(placeholder);
    expect(problems).toEqual([]);
    expect(specs.slos).toHaveLength(1);
  });

  it('is substituted in the generated rules, which promtool accepts', () => {
    const { files, problems } = generateRules(load(placeholder).specs.slos);
    expect(problems).toEqual([]);
    const text = files.map((file) => renderRuleFile(file)).join('\n');
    expect(text).not.toContain(placeholder);
    expect(text).not.toMatch(/\.window|__window/);
    expect(text).toContain('sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))');
    const path = join(dir, `rules-${SPELLINGS.indexOf(placeholder)}.yaml`);
    writeFileSync(path, text);
    const result = promtool(['check', 'rules', path]);
    expect(result.status, result.output).toBe(0);
  });

  it('is compiled and evaluated by the engine', async () => {
    const { specs } = load(placeholder);
    const name = specs.slos[0]!.name;
    const { engine, clock } = harness(specs, START);
    const traffic = new TrafficGenerator();
    for (let t = START; t <= START + 30 * MINUTE; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 1000, 0.01), 'remote_write');
      await engine.evaluate(t);
    }
    const status = engine.get(name);
    // The first samples are each series' baseline; thirty minutes of 1000 requests at 1 % errors follow.
    expect(status?.events).toEqual({ good: 29_700, total: 30_000 });
    expect(status?.sli).toBeCloseTo(0.99, 12);
  });
});
