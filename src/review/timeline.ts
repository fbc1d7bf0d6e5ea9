import type { IncidentEvent, IncidentRecord, Journal } from '../core/index.js';

/** Journal kinds other parts write (notify, policy); read here by name, since adapters do not import each other. */
export const NOTIFICATION_KIND = 'notification';
export const DECISION_KIND = 'decision';
export const FREEZE_KIND = 'freeze';

/** Enough for an incident of days; the journal is newest first, so a longer one keeps its latest entries. */
const LIMIT = 1000;

type Data = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

/** Notifications sent for an objective, gate decisions and freezes of its service, within [from, to]. */
export function journalEvents(journal: Journal, incident: Pick<IncidentRecord, 'objective' | 'service'>, from: number, to: number): IncidentEvent[] {
  const range = { since: from, until: to, limit: LIMIT };
  const events: IncidentEvent[] = [];
  for (const entry of journal.query(NOTIFICATION_KIND, { ...range, subject: incident.objective })) {
    const data = entry.data as Data;
    if (data.event !== 'dispatched') continue;
    events.push({ at: entry.at, kind: 'notification', text: `${text(data.severity)} ${text(data.state)} sent to ${(data.receivers as string[] | undefined)?.join(', ') ?? 'receivers'}: ${text(data.summary)}` });
  }
  for (const entry of journal.query(DECISION_KIND, { ...range, subject: incident.service })) {
    const data = entry.data as Data;
    events.push({ at: entry.at, kind: 'decision', text: `gate ${text(data.decision)} for ${entry.subject}${data.environment ? ` (${text(data.environment)})` : ''}${Array.isArray(data.reasons) && data.reasons.length > 0 ? `: ${data.reasons.map(text).join('; ')}` : ''}` });
  }
  for (const entry of journal.query(FREEZE_KIND, { ...range, subject: incident.service })) {
    const data = entry.data as Data;
    events.push({ at: entry.at, kind: 'freeze', text: `${text(data.type)} of ${entry.subject}${data.reason ? `: ${text(data.reason)}` : ''}` });
  }
  return events;
}

/** An incident's whole timeline: its tier transitions and what was sent and decided meanwhile, oldest first. */
export function incidentTimeline(journal: Journal, incident: IncidentRecord, now: number): IncidentEvent[] {
  const end = incident.resolvedAt ?? now;
  return [...incident.timeline, ...journalEvents(journal, incident, incident.burnStartedAt, end)].sort((a, b) => a.at - b.at);
}

/** The first page or ticket sent for an objective at or after `since`: what detected its incident. */
export function firstSent(journal: Journal, objective: string, since: number): number | undefined {
  const sent = journal
    .query(NOTIFICATION_KIND, { subject: objective, since, limit: LIMIT })
    .filter((entry) => {
      const data = entry.data as Data;
      return data.event === 'dispatched' && data.state === 'firing' && data.kind !== 'nodata';
    })
    .map((entry) => entry.at);
  return sent.length === 0 ? undefined : Math.min(...sent);
}
