import type { IncidentQuery, IncidentRecord, IncidentStore } from '../core/index.js';

/** IncidentStore in memory, for tests and the memory store: the same filters as the SQLite one. */
export class MemoryIncidentStore implements IncidentStore {
  private readonly records = new Map<string, IncidentRecord>();

  save(incident: IncidentRecord): void {
    this.records.set(incident.id, structuredClone(incident));
  }

  list(query: IncidentQuery): IncidentRecord[] {
    return this.sorted().filter(
      (incident) =>
        (query.objective === undefined || incident.objective === query.objective) &&
        (query.slo === undefined || incident.slo === query.slo) &&
        (query.service === undefined || incident.service === query.service) &&
        (query.to === undefined || incident.startedAt < query.to) &&
        (query.from === undefined || incident.resolvedAt === null || incident.resolvedAt >= query.from),
    );
  }

  unsettled(): IncidentRecord[] {
    return this.sorted().filter((incident) => !incident.final);
  }

  private sorted(): IncidentRecord[] {
    return [...this.records.values()].map((incident) => structuredClone(incident)).sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }
}
