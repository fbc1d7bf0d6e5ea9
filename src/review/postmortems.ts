import type { DocumentStore, IncidentEvent, IncidentRecord, Journal } from '../core/index.js';
import { incidentTimeline } from './timeline.js';

/** DocumentStore namespace of postmortem records, keyed by incident id: the key is also the announcement's dedupe. */
export const POSTMORTEMS_NAMESPACE = 'review.postmortems';

/** CONTRACT.md "Reviews": what `GET /api/v1/postmortems` lists and the configured routes are sent. */
export interface Postmortem {
  readonly id: string;
  readonly incident: string;
  readonly slo: string;
  readonly objectiveKey: string;
  readonly objective: string;
  readonly service: string;
  /** The group's labels, when the incident was one group's of a grouped SLO. */
  readonly group?: Readonly<Record<string, string>>;
  /** ISO times. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly budgetSpent: number;
  readonly threshold: number;
  readonly peakBurnRate: number;
  readonly timeToDetectSeconds: number | null;
  readonly timeToResolveSeconds: number;
  readonly timeline: readonly { readonly at: string; readonly kind: IncidentEvent['kind']; readonly text: string }[];
  readonly createdAt: string;
}

export interface PostmortemOptions {
  readonly documents: DocumentStore;
  readonly journal: Journal;
  /** `postmortemThreshold`: the share of the period's budget an incident must have spent (more than). */
  readonly threshold: number;
  /** Hands the new record to the configured routes (durable queues); called once per record, inside `transaction`. */
  readonly announce: (postmortem: Postmortem) => void;
  /** One storage transaction: the record and its queued announcements are committed together or not at all. */
  readonly transaction: (work: () => void) => void;
}

/**
 * Postmortem triggers (SRE Workbook's error budget policy): an incident whose figures are final and that spent more
 * than the threshold gets a record and one announcement. The record's key is the incident's id, and it is written in
 * the same transaction as the announcement is queued, so a restart (or a replay of the same incident) never announces
 * twice, and a crash between the two cannot lose one.
 */
export class Postmortems {
  private readonly options: PostmortemOptions;

  constructor(options: PostmortemOptions) {
    this.options = options;
  }

  consider(incident: IncidentRecord, now: number): Postmortem | undefined {
    if (!incident.final || incident.resolvedAt === null || !(incident.budgetSpent > this.options.threshold)) return undefined;
    if (this.options.documents.get(POSTMORTEMS_NAMESPACE, incident.id) !== undefined) return undefined;
    const postmortem: Postmortem = {
      id: `pm-${incident.id}`,
      incident: incident.id,
      slo: incident.slo,
      objectiveKey: incident.objectiveKey,
      objective: incident.objective,
      service: incident.service,
      ...(incident.group === undefined ? {} : { group: incident.group }),
      startedAt: new Date(incident.startedAt).toISOString(),
      endedAt: new Date(incident.resolvedAt).toISOString(),
      budgetSpent: incident.budgetSpent,
      threshold: this.options.threshold,
      peakBurnRate: incident.peakBurnRate,
      timeToDetectSeconds: incident.detectedAt === null ? null : (incident.detectedAt - incident.startedAt) / 1000,
      timeToResolveSeconds: (incident.resolvedAt - incident.startedAt) / 1000,
      timeline: incidentTimeline(this.options.journal, incident, now).map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, text: event.text })),
      createdAt: new Date(now).toISOString(),
    };
    this.options.transaction(() => {
      this.options.documents.put(POSTMORTEMS_NAMESPACE, incident.id, postmortem);
      this.options.announce(postmortem);
    });
    return postmortem;
  }

  /** Newest first, optionally of one service or SLO. */
  list(filter: { service?: string; slo?: string } = {}): Postmortem[] {
    return this.options.documents
      .list(POSTMORTEMS_NAMESPACE)
      .map(({ value }) => value as Postmortem)
      .filter((postmortem) => (filter.service === undefined || postmortem.service === filter.service) && (filter.slo === undefined || postmortem.slo === filter.slo))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}
