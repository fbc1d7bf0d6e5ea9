import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/core/index.js';
import type { RemoteCounts, RemoteSliQuery, Sli } from '../../src/core/index.js';
import { harness, makeSlo, specsOf } from './fixtures.js';

const NOW = Date.UTC(2026, 10, 12, 12);
/** A query outside the embedded subset: it needs a Prometheus-compatible source. */
const QUANTILE: Sli = { kind: 'rawRatio', query: { promql: 'avg_over_time(up{job="api"}[{{.window}}])' }, meaning: 'good' };

describe('remote SLIs', () => {
  it('without a remote source, an SLI outside the embedded subset is nodata with the reason', async () => {
    const { engine } = harness(specsOf(makeSlo({ sli: QUANTILE })), NOW);
    const status = (await engine.evaluate(NOW)).statuses[0]!;
    expect(status.status).toBe('nodata');
    expect(status.reason).toMatch(/cannot be kept from ingested samples .* no remote source is configured/);
  });

  it('with one, the counts of every window come from RemoteCounts; a failing source is nodata with its error', async () => {
    const asked: [RemoteSliQuery, number][] = [];
    let failing = false;
    const remote: RemoteCounts = {
      counts: (query, window) => {
        asked.push([query, window]);
        if (failing) return Promise.reject(new Error('source mimir: no answer within 10000 ms'));
        // 0.1 % bad in every window except the last hour, which burns at 20.
        return Promise.resolve(window <= HOUR ? { good: 980, total: 1000 } : { good: 999_000, total: 1_000_000 });
      },
    };
    const { engine } = harness(specsOf(makeSlo({ sli: QUANTILE })), NOW, { remote });
    const status = (await engine.evaluate(NOW)).statuses[0]!;
    expect(status.events).toEqual({ good: 999_000, total: 1_000_000 });
    expect(status.burnRates['1h']).toBeCloseTo(20, 9);
    expect(status.burnRates['6h']).toBeCloseTo(1, 9);
    expect(asked.map(([, window]) => window).sort((a, b) => a - b)).toContain(30 * DAY);
    expect(asked[0]![0]).toMatchObject({ slo: 'api-availability', objective: 'main', sli: QUANTILE });
    failing = true;
    const failed = (await engine.evaluate(NOW + 30_000)).statuses[0]!;
    expect(failed.status).toBe('nodata');
    expect(failed.reason).toBe('remote source failed: source mimir: no answer within 10000 ms');
  });

  it('asks for a threshold SLI with the objective\'s comparison, so the source can count good samples', async () => {
    const asked: RemoteSliQuery[] = [];
    const remote: RemoteCounts = {
      counts: (query) => {
        asked.push(query);
        return Promise.resolve({ good: 95, total: 100 });
      },
    };
    const p99: Sli = { kind: 'threshold', metric: { promql: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[{{.window}}])))' } };
    const { engine } = harness(specsOf(makeSlo({ sli: p99, target: 0.9, objective: { op: 'lte', value: 0.3 } })), NOW, { remote });
    const status = (await engine.evaluate(NOW)).statuses[0]!;
    expect(status.sli).toBeCloseTo(0.95, 9);
    expect(asked[0]).toMatchObject({ sli: p99, threshold: { op: 'lte', value: 0.3 } });
  });
});
