import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppendResult, SampleAppender } from '../core/index.js';
import { MemoryJournal } from '../store/index.js';
import { countRequests } from './http.js';
import { instrumentAppender, instrumentJournal, instrumentNotifier, observeCycle } from './instrument.js';
import { createSelfMetrics } from './metrics.js';

async function value(metrics: ReturnType<typeof createSelfMetrics>, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((entry) => Object.entries(labels).every(([key, expected]) => entry.labels[key] === expected));
  return found?.value;
}

describe('instrumentAppender', () => {
  it('counts applied and dropped samples by protocol and reason, and passes the result through', async () => {
    const metrics = createSelfMetrics();
    const result: AppendResult = { received: 10, applied: 6, dropped: { unmatched: 3, duplicate: 1 } };
    const inner: SampleAppender = { wantsMetric: (name) => name === 'http_requests_total', append: () => result };
    const appender = instrumentAppender(inner, metrics);
    expect(appender.append([], 'remote_write')).toBe(result);
    appender.append([], 'otlp');
    expect(appender.wantsMetric('http_requests_total')).toBe(true);
    expect(appender.wantsMetric('other')).toBe(false);
    expect(await value(metrics, 'sloe_ingest_samples_total', { protocol: 'remote_write', outcome: 'applied' })).toBe(6);
    expect(await value(metrics, 'sloe_ingest_samples_total', { protocol: 'remote_write', outcome: 'dropped' })).toBe(4);
    expect(await value(metrics, 'sloe_ingest_dropped_samples_total', { protocol: 'otlp', reason: 'unmatched' })).toBe(3);
    expect(await value(metrics, 'sloe_ingest_dropped_samples_total', { protocol: 'otlp', reason: 'duplicate' })).toBe(1);
  });
});

describe('recordDecision', () => {
  it('counts every decision once, however the reads of the counter fall between them', async () => {
    const metrics = createSelfMetrics();
    for (let i = 0; i < 3; i++) metrics.recordDecision('warn');
    expect(await value(metrics, 'sloe_gate_decisions_total', { decision: 'warn' })).toBe(3);
    // A second read without new decisions adds nothing.
    expect(await value(metrics, 'sloe_gate_decisions_total', { decision: 'warn' })).toBe(3);
    metrics.recordDecision('deny');
    metrics.recordDecision('warn');
    const exposition = await metrics.registry.metrics();
    expect(exposition).toMatch(/^sloe_gate_decisions_total\{decision="warn"\} 4$/m);
    expect(exposition).toMatch(/^sloe_gate_decisions_total\{decision="deny"\} 1$/m);
    expect(exposition).toMatch(/^sloe_gate_decisions_total\{decision="allow"\} 0$/m);
  });
});

describe('instrumentJournal', () => {
  it('counts gate decisions by outcome as they are recorded, and keeps them queryable', async () => {
    const metrics = createSelfMetrics();
    const journal = instrumentJournal(new MemoryJournal(), metrics);
    journal.append('decision', { at: 1, subject: 'checkout', data: { decision: 'deny' } });
    journal.append('decision', { at: 2, subject: 'checkout', data: { decision: 'allow' } });
    journal.append('decision', { at: 3, subject: 'checkout', data: { decision: 'deny' } });
    journal.append('notification', { at: 4, subject: 'checkout', data: { decision: 'deny' } });
    expect(await value(metrics, 'sloe_gate_decisions_total', { decision: 'deny' })).toBe(2);
    expect(await value(metrics, 'sloe_gate_decisions_total', { decision: 'allow' })).toBe(1);
    expect(await value(metrics, 'sloe_gate_decisions_total', { decision: 'warn' })).toBe(0);
    expect(journal.query('decision', { limit: 10 }).map((entry) => entry.at)).toEqual([3, 2, 1]);
  });
});

describe('instrumentNotifier', () => {
  it('counts deliveries by receiver and outcome, a throw as failed, and keeps the notifier\'s other properties', async () => {
    const metrics = createSelfMetrics();
    const outcomes = ['delivered', 'retry', 'rejected'];
    let calls = 0;
    const notifier = instrumentNotifier(
      {
        name: 'pagerduty-main',
        kind: 'pagerduty',
        send: (_: string) => {
          const outcome = outcomes[calls++];
          return outcome === undefined ? Promise.reject(new Error('socket hang up')) : Promise.resolve({ outcome });
        },
      },
      metrics,
    );
    expect(notifier.kind).toBe('pagerduty');
    await notifier.send('a');
    await notifier.send('b');
    await notifier.send('c');
    await expect(notifier.send('d')).rejects.toThrow('socket hang up');
    expect(await value(metrics, 'sloe_notifications_total', { receiver: 'pagerduty-main', outcome: 'sent' })).toBe(1);
    expect(await value(metrics, 'sloe_notifications_total', { receiver: 'pagerduty-main', outcome: 'retried' })).toBe(1);
    expect(await value(metrics, 'sloe_notifications_total', { receiver: 'pagerduty-main', outcome: 'failed' })).toBe(2);
  });
});

describe('observeCycle', () => {
  it('observes the evaluation and every stage of the cycle by its stage label', async () => {
    const metrics = createSelfMetrics();
    const startedAt = Date.now();
    const stages = [
      { stage: 'fold', startedAt, durationMs: 2 },
      { stage: 'evaluate', startedAt: startedAt + 2, durationMs: 40 },
      { stage: 'persist', startedAt: startedAt + 42, durationMs: 1 },
      { stage: 'notifications', startedAt: startedAt + 43, durationMs: 300 },
    ];
    observeCycle(metrics, { startedAt, cycleMs: 343, durationMs: 43, stages, statuses: [], transitions: [] });
    observeCycle(metrics, { startedAt, cycleMs: 343, durationMs: 43, stages, statuses: [], transitions: [] });
    const histogram = await metrics.cycleStageDuration.get();
    const sum = (stage: string): number | undefined => histogram.values.find((entry) => entry.metricName === 'sloe_cycle_stage_duration_seconds_sum' && entry.labels.stage === stage)?.value;
    const count = (stage: string): number | undefined => histogram.values.find((entry) => entry.metricName === 'sloe_cycle_stage_duration_seconds_count' && entry.labels.stage === stage)?.value;
    expect(sum('notifications')).toBeCloseTo(0.6);
    expect(sum('evaluate')).toBeCloseTo(0.08);
    expect(count('fold')).toBe(2);
    const evaluations = await metrics.evaluationDuration.get();
    expect(evaluations.values.find((entry) => entry.metricName === 'sloe_evaluation_duration_seconds_sum')?.value).toBeCloseTo(0.086);
    expect(await value(metrics, 'sloe_evaluations_total', { outcome: 'success' })).toBe(2);
  });
});

describe('countRequests', () => {
  it('labels requests by route pattern, not by raw path', async () => {
    const metrics = createSelfMetrics();
    const app = new Hono();
    app.use('*', countRequests(metrics));
    app.get('/api/v1/slos/:name', (c) => c.json({ name: c.req.param('name') }));
    app.post('/api/v1/write', (c) => c.text('bad snappy', 400));
    await app.request('/api/v1/slos/checkout');
    await app.request('/api/v1/slos/search');
    await app.request('/api/v1/write', { method: 'POST' });
    await app.request('/nowhere');
    expect(await value(metrics, 'sloe_http_requests_total', { route: '/api/v1/slos/:name', code: '200' })).toBe(2);
    expect(await value(metrics, 'sloe_http_requests_total', { route: 'unmatched', code: '404' })).toBe(1);
    expect(await value(metrics, 'sloe_http_requests_total', { route: '/api/v1/write', code: '400' })).toBe(1);
    const durations = (await metrics.registry.getSingleMetric('sloe_http_request_duration_seconds')?.get())?.values ?? [];
    const observed = (route: string) => durations.find((entry) => (entry as { metricName?: string }).metricName === 'sloe_http_request_duration_seconds_count' && entry.labels.route === route)?.value;
    expect(observed('/api/v1/slos/:name')).toBe(2);
    expect(observed('/api/v1/write')).toBe(1);
  });
});

describe('reload metrics', () => {
  it('say whether the last reload succeeded, and when the last success was', async () => {
    const metrics = createSelfMetrics();
    metrics.recordReload(true, 1_700_000_000_000);
    metrics.recordReload(false, 1_700_000_100_000);
    expect(await value(metrics, 'sloe_config_last_reload_successful')).toBe(0);
    expect(await value(metrics, 'sloe_config_last_reload_success_timestamp_seconds')).toBe(1_700_000_000);
    expect(await value(metrics, 'sloe_specs_reload_total', { outcome: 'failure' })).toBe(1);
  });

  it('reads the store size when scraped', async () => {
    let bytes = 4096;
    const metrics = createSelfMetrics({ storeSizeBytes: () => bytes });
    expect(await value(metrics, 'sloe_store_size_bytes')).toBe(4096);
    bytes = 8192;
    expect(await metrics.registry.metrics()).toContain('sloe_store_size_bytes 8192');
  });
});
