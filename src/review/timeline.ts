import type { IncidentEvent, IncidentRecord, Journal } from '../core/index.js';
import { groupSelector } from '../core/index.js';

/** Journal kinds other parts write (notify, policy); read here by name, since adapters do not import each other. */
export const NOTIFICATION_KIND = 'notification';
export const DECISION_KIND = 'decision';
export const FREEZE_KIND = 'freeze';

/** Enough for an incident of days; the journal is newest first, so a longer one keeps its latest entries. */
const LIMIT = 1000;

type Data = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

/** Notifications sent for an objective, gate decisions and freezes of its service, within [from, to]. */
export function journalEvents(journal: Journal, incident: Pick<IncidentRecord, 'objective' | 'service' | 'group'>, from: number, to: number): IncidentEvent[] {
  const range = { since: from, until: to, limit: LIMIT };
  const events: IncidentEvent[] = [];
  const group = incident.group === undefined ? undefined : groupSelector(incident.group);
  for (const entry of journal.query(NOTIFICATION_KIND, { ...range, subject: incident.objective })) {
    const data = entry.data as Data;
    if (data.event !== 'dispatched' || !about(data, group)) continue;
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

/** Whether a dispatched notification was about this group (on its own or in a batch), or about the objective itself. */
function about(data: Data, group: string | undefined): boolean {
  if (group === undefined) return data.group === undefined && data.groups === undefined;
  return data.group === group || (Array.isArray(data.groups) && data.groups.includes(group));
}

/**
 * The first page or ticket sent for an objective at or after `since`: what detected its incident. With `group` (its
 * selector, `{route="/v1/orders"}`) for one group's incident: sent for that group alone or in its objective's batch.
 */
export function firstSent(journal: Journal, objective: string, since: number, group?: string): number | undefined {
  const sent = journal
    .query(NOTIFICATION_KIND, { subject: objective, since, limit: LIMIT })
    .filter((entry) => {
      const data = entry.data as Data;
      return data.event === 'dispatched' && data.state === 'firing' && data.kind !== 'nodata' && about(data, group);
    })
    .map((entry) => entry.at);
  return sent.length === 0 ? undefined : Math.min(...sent);
}
