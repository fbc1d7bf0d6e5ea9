import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../src/spec/index.js';

const yaml = (backfill: string) => `apiVersion: sloe/v1
kind: SLO
metadata:
  name: api
spec:
  service: api
  window: 30d
  objectives:
    - targetPercent: 99.9
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
${backfill}`;

const load = (text: string, remoteSources: string[]) => loadSpecs([{ path: 'api.yaml', content: new TextEncoder().encode(text) }], { remoteSources });

describe('spec.backfill.source (sloe/v1)', () => {
  it('names the configured source an ingested SLO is first filled from', () => {
    const loaded = load(yaml('  backfill:\n    source: prom\n'), ['prom']);
    expect(loaded.problems).toEqual([]);
    expect(loaded.specs.slos[0]?.backfill).toEqual({ source: 'prom' });
    expect(load(yaml(''), ['prom']).specs.slos[0]?.backfill).toBeUndefined();
  });

  it('is a problem at its line when the source is not configured, or a field is unknown', () => {
    const unknownSource = load(yaml('  backfill:\n    source: mimir\n'), ['prom']).problems;
    expect(unknownSource).toHaveLength(1);
    expect(unknownSource[0]).toMatchObject({ line: 15, column: 13 });
    expect(unknownSource[0]?.message).toMatch(/'spec.backfill.source' names 'mimir', which is not a configured source \(configured: prom\)/);
    const typo = load(yaml('  backfill:\n    sources: prom\n'), ['prom']).problems;
    expect(typo.map((problem) => problem.message).join('\n')).toMatch(/sources/);
  });
});
