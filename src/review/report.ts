import type { DocumentStore, EventsReader, HistoryReader, Journal, SloStatus, StatusReader } from '../core/index.js';
import { DAY, HOUR, MINUTE, nominalPeriod } from '../core/index.js';
import { gateActivity } from './gate-activity.js';
import type { GateActivity } from './gate-activity.js';
import { calendarPeriods } from './periods.js';
import { median } from './summary.js';
import type { IncidentView } from './summary.js';

/** What a report reads: the engine's statuses, history and events over ranges, and the review records. */
export interface ReportSources {
  readonly statuses: StatusReader;
  readonly history: HistoryReader;
  readonly events: EventsReader;
  readonly journal: Journal;
  readonly documents: DocumentStore;
  readonly incidents: (query: { slo?: string; service?: string; from: number; to: number }) => IncidentView[];
}

/** Which SLOs a report covers: all when both are empty; `slos` match an SLO or objective name. */
export interface ReportSelection {
  readonly services?: readonly string[];
  readonly slos?: readonly string[];
}

export interface CompliancePeriod {
  readonly period: string;
  readonly from: string;
  readonly to: string;
  /** The range holds only part of this calendar period. */
  readonly partial: boolean;
  readonly events: { readonly good: number; readonly total: number };
  /** Null without events. */
  readonly sli: number | null;
  /** SLI at or above the objective; null without events. */
  readonly met: boolean | null;
}

export interface SloReport {
  /** The objective's name as SloStatus names it. */
  readonly name: string;
  readonly slo: string;
  readonly objectiveKey: string;
  readonly service: string;
  readonly objective: number;
  readonly window: string;
  readonly budgetingMethod: string;
  /** Over the range (slices for Timeslices). */
  readonly events: { readonly good: number; readonly total: number };
  readonly sli: number | null;
  /** Share of the range with events, at hour resolution. */
  readonly coverage: number;
  /**
   * Share of one period's error budget the range spent: its bad events over the budget a period allows at the range's
   * own traffic rate. Null without events.
   */
  readonly budgetSpent: number | null;
  /** Budget remaining at the end of the range, as the engine answered there; null when unknown. */
  readonly budgetRemaining: number | null;
  /** Budget remaining over the range, for the chart. */
  readonly budget: readonly { readonly t: string; readonly remaining: number | null }[];
  readonly compliance: readonly CompliancePeriod[];
  /** The SLO's own incidents (of a grouped SLO: its aggregate's). */
  readonly incidents: readonly IncidentView[];
  /** A grouped SLO's group incidents, each costed against its own group's budget, so not in `incidentBudgetSpent`. */
  readonly groupIncidents: readonly IncidentView[];
  /** What the SLO's own incidents in the range cost its budget together. */
  readonly incidentBudgetSpent: number;
}

export interface ServiceReport {
  readonly service: string;
  readonly slos: readonly SloReport[];
  readonly incidents: number;
  readonly medianTimeToDetectSeconds: number | null;
  readonly medianTimeToResolveSeconds: number | null;
  readonly gate: GateActivity;
}

export interface Report {
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly services: readonly ServiceReport[];
}

/** Points of the budget chart: about this many over any range, at least a minute apart. */
const CHART_POINTS = 120;
/** Coverage and spend are counted per hour up to this range, per day beyond (to bound the work). */
const HOURLY_UP_TO = 92 * DAY;

const iso = (ms: number): string => new Date(ms).toISOString();

function selected(status: SloStatus, selection: ReportSelection): boolean {
  const services = selection.services ?? [];
  const slos = selection.slos ?? [];
  if (services.length > 0 && !services.includes(status.service)) return false;
  if (slos.length > 0 && !slos.includes(status.slo) && !slos.includes(status.name)) return false;
  return true;
}

/** Chunks of [from, to) a range's coverage (and a budget explanation's burn) is counted over: hours, days past 92 days. */
export function chunksOf(from: number, to: number): { from: number; to: number }[] {
  const size = to - from > HOURLY_UP_TO ? DAY : HOUR;
  const chunks: { from: number; to: number }[] = [];
  for (let start = from; start < to; start += size) chunks.push({ from: start, to: Math.min(start + size, to) });
  return chunks;
}

/**
 * Budget spent over a range as a share of one period's budget: `bad ÷ ((1 − objective) × total ÷ covered × period)`,
 * the range's bad events over what a period allows at the traffic rate the range had while it had data. It equals
 * the average burn rate over the covered time times its share of the period, so an hour at 30× of a 30-day period
 * spends 30/720 = 4.17 %, the same rule incidents are costed by, and a range of one period with data throughout
 * spends what SloStatus calls consumed.
 */
export function budgetSpentOver(events: { good: number; total: number }, objective: number, coveredMs: number, periodMs: number): number | null {
  if (!(events.total > 0) || !(coveredMs > 0)) return null;
  const allowed = (1 - objective) * (events.total / coveredMs) * periodMs;
  return (events.total - events.good) / allowed;
}

function sloReport(status: SloStatus, sources: ReportSources, from: number, to: number): SloReport | undefined {
  const chunks = chunksOf(from, to);
  const fixed = sources.events.events(status.name, [{ from, to }]);
  if (!fixed) return undefined;
  const periods = calendarPeriods(fixed.window, from, to);
  const counted = sources.events.events(status.name, [...chunks, ...periods]);
  if (!counted) return undefined;
  const chunkCounts = counted.counts.slice(0, chunks.length);
  const periodCounts = counted.counts.slice(chunks.length);
  const events = fixed.counts[0] ?? { good: 0, total: 0 };
  const coveredMs = chunks.reduce((sum, chunk, index) => sum + ((chunkCounts[index]?.total ?? 0) > 0 ? chunk.to - chunk.from : 0), 0);
  const step = Math.max(MINUTE, Math.ceil((to - from) / CHART_POINTS / MINUTE) * MINUTE);
  const points = sources.history.history(status.name, from, to, step) ?? [];
  // The last point at `to` itself, so the chart ends where the range does. It is read at a one-minute step whatever
  // the chart's: a point's step sets how far back it looks, and a 6-hour step (30 days) reads at the hour, which
  // would report the budget of the last whole hour (unknown in the first hour of data) as the budget left at the end.
  const end = sources.history.history(status.name, to, to, MINUTE)?.[0];
  const objectiveIncidents = sources.incidents({ slo: status.name, from, to }).filter((incident) => incident.objective === status.name);
  const incidents = objectiveIncidents.filter((incident) => incident.group === undefined);
  return {
    name: status.name,
    slo: status.slo,
    objectiveKey: status.objectiveKey,
    service: status.service,
    objective: status.objective,
    window: status.window,
    budgetingMethod: status.budgetingMethod,
    events: { good: events.good, total: events.total },
    sli: events.total > 0 ? events.good / events.total : null,
    coverage: coveredMs / (to - from),
    budgetSpent: budgetSpentOver(events, status.objective, coveredMs, nominalPeriod(fixed.window)),
    budgetRemaining: end?.budgetRemaining ?? null,
    budget: [...points.filter((point) => point.t < to), ...(end ? [end] : [])].map((point) => ({ t: iso(point.t), remaining: point.budgetRemaining })),
    compliance: periods.map((period, index) => {
      const counts = periodCounts[index] ?? { good: 0, total: 0 };
      const sli = counts.total > 0 ? counts.good / counts.total : null;
      return { period: period.label, from: iso(period.from), to: iso(period.to), partial: period.partial, events: { good: counts.good, total: counts.total }, sli, met: sli === null ? null : sli >= status.objective };
    }),
    incidents,
    groupIncidents: objectiveIncidents.filter((incident) => incident.group !== undefined),
    incidentBudgetSpent: incidents.reduce((sum, incident) => sum + incident.budgetSpent, 0),
  };
}

/**
 * An SLO review over [from, to) (docs/reviews.md): per service its SLOs' budget spent, compliance per calendar
 * period and budget over the range; the incidents with what each cost, time to detect and resolve and their medians;
 * and the gate's decisions and freezes. Services and SLOs in name order.
 */
export function buildReport(sources: ReportSources, selection: ReportSelection, range: { from: number; to: number }, now: number): Report {
  const statuses = sources.statuses
    .latest()
    .filter((status) => selected(status, selection))
    .sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  const byService = new Map<string, SloReport[]>();
  for (const status of statuses) {
    const report = sloReport(status, sources, range.from, range.to);
    if (report) byService.set(status.service, [...(byService.get(status.service) ?? []), report]);
  }
  const services = [...byService.entries()].map(([service, slos]): ServiceReport => {
    // Everyone paged counts: the SLOs' own incidents and their groups'.
    const incidents = slos.flatMap((slo) => [...slo.incidents, ...slo.groupIncidents]);
    return {
      service,
      slos,
      incidents: incidents.length,
      medianTimeToDetectSeconds: median(incidents.flatMap((incident) => (incident.timeToDetectSeconds === null ? [] : [incident.timeToDetectSeconds]))),
      medianTimeToResolveSeconds: median(incidents.flatMap((incident) => (incident.timeToResolveSeconds === null ? [] : [incident.timeToResolveSeconds]))),
      gate: gateActivity(sources.journal, sources.documents, service, range.from, range.to),
    };
  });
  return { from: iso(range.from), to: iso(range.to), generatedAt: iso(now), services };
}
