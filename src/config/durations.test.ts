import { describe, expect, it } from 'vitest';
import { durationMs } from './durations.js';
import { loadConfig } from './load.js';

describe('durations in milliseconds', () => {
  it('gives every duration key its default in milliseconds, from the table', () => {
    const config = loadConfig({ env: { SLOE_SCRAPE: '[{ job: shop, targets: ["127.0.0.1:1"] }]', SLOE_SOURCES: '[{ name: mimir, url: "http://127.0.0.1:1" }]' } });
    expect(config.evaluationIntervalMs).toBe(30_000);
    expect(config.retentionMs).toBe(90 * 86_400_000);
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.notifiers.resendIntervalMs).toBe(60_000);
    expect(config.scrape[0]).toMatchObject({ interval: '15s', intervalMs: 15_000, timeoutMs: 5_000 });
    expect(config.sources[0]).toMatchObject({ timeout: '10s', timeoutMs: 10_000 });
  });

  it('follows the configured text, per job and per source', () => {
    const config = loadConfig({
      env: {
        SLOE_EVALUATION_INTERVAL: '1m30s',
        SLOE_RETENTION: '7d',
        SLOE_SCRAPE: '[{ job: a, targets: ["x:1"], interval: 200ms, timeout: 150ms }, { job: b, targets: ["y:1"], interval: 1h }]',
        SLOE_SOURCES: '[{ name: m, url: "http://127.0.0.1:1", timeout: 2s }]',
      },
    });
    expect(config.evaluationIntervalMs).toBe(90_000);
    expect(config.retentionMs).toBe(7 * 86_400_000);
    expect(config.scrape.map((job) => [job.intervalMs, job.timeoutMs])).toEqual([
      [200, 150],
      [3_600_000, 5_000],
    ]);
    expect(config.sources[0]?.timeoutMs).toBe(2_000);
  });

  it('names the key when a value is not a duration', () => {
    expect(() => durationMs('retention', 'soon')).toThrow(/retention: "soon" is not a duration/);
  });
});
