import { describe, expect, it } from 'vitest';
import { status } from '../../test/notify/fixtures.js';
import { DAY } from '../core/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import { buildReport } from './report.js';
import type { ReportSources } from './report.js';
import { reportMarkdown } from './report-text.js';
import type { IncidentView } from './summary.js';

const FROM = Date.UTC(2026, 10, 1);
const TO = FROM + 7 * DAY;

function incident(id: string, budgetSpent: number, group?: Record<string, string>): IncidentView {
  return {
    id,
    objective: 'orders',
    slo: 'orders',
    objectiveKey: 'default',
    service: 'checkout',
    ...(group ? { group } : {}),
    startedAt: new Date(FROM + DAY).toISOString(),
    burnStartedAt: new Date(FROM + DAY).toISOString(),
    detectedAt: new Date(FROM + DAY + 60_000).toISOString(),
    resolvedAt: new Date(FROM + DAY + 3_600_000).toISOString(),
    timeToDetectSeconds: 60,
    timeToResolveSeconds: 3600,
    peakBurnRate: 20,
    budgetSpent,
    severity: 'page',
    final: true,
    timeline: [],
  };
}

describe('reports of grouped SLOs', () => {
  it('cost the SLO only its own incidents, list its groups\' apart under their names, and count everyone paged', () => {
    const incidents = [incident('orders@1', 0.05), incident('orders{route="/a"}@1', 0.4, { route: '/a' }), incident('orders{route="/b"}@1', 0.3, { route: '/b' })];
    const sources: ReportSources = {
      statuses: { latest: () => [status('orders', {})], get: () => undefined },
      history: { history: () => [] },
      events: { events: (_name, ranges) => ({ window: { kind: 'rolling', duration: 30 * DAY }, counts: ranges.map(() => ({ good: 999, total: 1000 })) }) },
      journal: new MemoryJournal(),
      documents: new MemoryDocumentStore(),
      incidents: () => incidents,
    };
    const report = buildReport(sources, {}, { from: FROM, to: TO }, TO);
    const orders = report.services[0]!.slos[0]!;
    expect(orders.incidents.map((each) => each.id)).toEqual(['orders@1']);
    expect(orders.incidentBudgetSpent).toBe(0.05);
    expect(orders.groupIncidents.map((each) => each.group)).toEqual([{ route: '/a' }, { route: '/b' }]);
    expect(report.services[0]!.incidents).toBe(3);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('| orders{route="/a"} |');
    expect(markdown).toContain('| orders{route="/b"} |');
  });
});
