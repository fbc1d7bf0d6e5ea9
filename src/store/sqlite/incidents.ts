import type { Statement } from 'better-sqlite3';
import type { IncidentQuery, IncidentRecord, IncidentStore } from '../../core/index.js';
import type { Connection } from './database.js';

/** IncidentStore on SQLite: the filterable fields as columns, the whole record (timeline included) as JSON. */
export class SqliteIncidentStore implements IncidentStore {
  private readonly saveStatement: Statement;
  private readonly listStatement: Statement;
  private readonly unsettledStatement: Statement;

  constructor(db: Connection) {
    this.saveStatement = db.prepare(
      `INSERT INTO incidents (id, objective, slo, service, started_at, resolved_at, final, data) VALUES (@id, @objective, @slo, @service, @startedAt, @resolvedAt, @final, @data)
       ON CONFLICT (id) DO UPDATE SET resolved_at = excluded.resolved_at, final = excluded.final, data = excluded.data`,
    );
    // Unset filters are NULL and match everything; an incident overlaps [from, to) when it started before `to` and
    // was still open at `from`.
    this.listStatement = db.prepare(
      `SELECT data FROM incidents
       WHERE (@objective IS NULL OR objective = @objective) AND (@slo IS NULL OR slo = @slo) AND (@service IS NULL OR service = @service)
         AND (@to IS NULL OR started_at < @to) AND (@from IS NULL OR resolved_at IS NULL OR resolved_at >= @from)
       ORDER BY started_at, id`,
    );
    this.unsettledStatement = db.prepare('SELECT data FROM incidents WHERE final = 0 ORDER BY started_at, id');
  }

  save(incident: IncidentRecord): void {
    this.saveStatement.run({
      id: incident.id,
      objective: incident.objective,
      slo: incident.slo,
      service: incident.service,
      startedAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
      final: incident.final ? 1 : 0,
      data: JSON.stringify(incident),
    });
  }

  list(query: IncidentQuery): IncidentRecord[] {
    const rows = this.listStatement.all({
      objective: query.objective ?? null,
      slo: query.slo ?? null,
      service: query.service ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
    }) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as IncidentRecord);
  }

  unsettled(): IncidentRecord[] {
    return (this.unsettledStatement.all() as { data: string }[]).map((row) => JSON.parse(row.data) as IncidentRecord);
  }
}
