import { trace } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCycleSpans } from './tracing.js';

describe('recordCycleSpans', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
  });

  it('records one span per cycle with a child span per stage, at the times the stages ran', () => {
    const startedAt = Date.UTC(2026, 11, 6, 12);
    recordCycleSpans(startedAt, 50, [
      { stage: 'fold', startedAt, durationMs: 5 },
      { stage: 'evaluate', startedAt: startedAt + 5, durationMs: 30 },
      { stage: 'notifications', startedAt: startedAt + 35, durationMs: 15 },
    ], { 'sloe.objectives': 3 });
    const spans = exporter.getFinishedSpans();
    const cycle = spans.find((span) => span.name === 'sloe.cycle');
    expect(cycle).toBeDefined();
    expect(cycle!.attributes['sloe.objectives']).toBe(3);
    const children = spans.filter((span) => span.name.startsWith('sloe.cycle.'));
    expect(children.map((span) => span.name)).toEqual(['sloe.cycle.fold', 'sloe.cycle.evaluate', 'sloe.cycle.notifications']);
    for (const child of children) {
      expect(child.spanContext().traceId).toBe(cycle!.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(cycle!.spanContext().spanId);
    }
    const millis = ([seconds, nanos]: readonly [number, number]): number => seconds * 1000 + nanos / 1e6;
    expect(millis(cycle!.startTime)).toBe(startedAt);
    expect(millis(cycle!.endTime) - millis(cycle!.startTime)).toBeCloseTo(50);
    expect(millis(children[1]!.startTime)).toBe(startedAt + 5);
    expect(millis(children[1]!.endTime) - millis(children[1]!.startTime)).toBeCloseTo(30);
  });
});
