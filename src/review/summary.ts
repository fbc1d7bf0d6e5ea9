import type { IncidentRecord } from '../core/index.js';

/** An incident as the API shows it: ISO times, and time to detect and resolve in seconds (null when not yet). */
export interface IncidentView {
  readonly id: string;
  readonly objective: string;
  readonly slo: string;
  readonly objectiveKey: string;
  readonly service: string;
  /** The group's labels, for an incident of one group of a grouped SLO. */
  readonly group?: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly burnStartedAt: string;
  readonly detectedAt: string | null;
  readonly resolvedAt: string | null;
  readonly timeToDetectSeconds: number | null;
  readonly timeToResolveSeconds: number | null;
  readonly peakBurnRate: number;
  readonly budgetSpent: number;
  readonly severity: string | null;
  readonly final: boolean;
  readonly timeline: readonly { readonly at: string; readonly kind: string; readonly text: string }[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function incidentView(incident: IncidentRecord): IncidentView {
  return {
    id: incident.id,
    objective: incident.objective,
    slo: incident.slo,
    objectiveKey: incident.objectiveKey,
    service: incident.service,
    ...(incident.group === undefined ? {} : { group: incident.group }),
    startedAt: new Date(incident.startedAt).toISOString(),
    burnStartedAt: new Date(incident.burnStartedAt).toISOString(),
    detectedAt: iso(incident.detectedAt),
    resolvedAt: iso(incident.resolvedAt),
    timeToDetectSeconds: incident.detectedAt === null ? null : (incident.detectedAt - incident.startedAt) / 1000,
    timeToResolveSeconds: incident.resolvedAt === null ? null : (incident.resolvedAt - incident.startedAt) / 1000,
    peakBurnRate: incident.peakBurnRate,
    budgetSpent: incident.budgetSpent,
    severity: incident.severity,
    final: incident.final,
    timeline: incident.timeline.map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, text: event.text })),
  };
}

/** The median of the values (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface ServiceSummary {
  readonly service: string;
  readonly incidents: number;
  /** Over the incidents that were detected (resp. resolved); null when none was. */
  readonly medianTimeToDetectSeconds: number | null;
  readonly medianTimeToResolveSeconds: number | null;
}

/** Per service: how many incidents, and the medians of time to detect and to resolve (the guide's MTTR). */
export function serviceSummaries(incidents: readonly IncidentView[]): ServiceSummary[] {
  const byService = new Map<string, IncidentView[]>();
  for (const incident of incidents) byService.set(incident.service, [...(byService.get(incident.service) ?? []), incident]);
  return [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, list]) => ({
      service,
      incidents: list.length,
      medianTimeToDetectSeconds: median(list.flatMap((incident) => (incident.timeToDetectSeconds === null ? [] : [incident.timeToDetectSeconds]))),
      medianTimeToResolveSeconds: median(list.flatMap((incident) => (incident.timeToResolveSeconds === null ? [] : [incident.timeToResolveSeconds]))),
    }));
}
