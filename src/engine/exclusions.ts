import { randomUUID } from 'node:crypto';
import type { DocumentStore, ExclusionAdmin, ExclusionRecord, Journal, Slo } from '../core/index.js';
import { badRequest, excludedRanges, notFound } from '../core/index.js';

export const EXCLUSIONS_NAMESPACE = 'exclusions';
export const EXCLUSION_JOURNAL_KIND = 'exclusion';

export type Range = readonly [start: number, end: number];

const NONE: Range[] = [];

/** Expands an SLO's repeating maintenance windows into the ranges that overlap [from, to). */
export type MaintenanceExpander = (slo: Slo, from: number, to: number) => Range[];

/**
 * Time ranges whose events do not count against an SLO: those in the spec, the SLO's maintenance windows, and those
 * set through the admin API (kept in the document store, every change journalled with who and why).
 */
export class Exclusions implements ExclusionAdmin {
  private readonly byName: ReadonlyMap<string, Slo>;
  private api: ExclusionRecord[];

  constructor(
    slos: readonly Slo[],
    private readonly documents: DocumentStore,
    private readonly journal: Journal,
    private readonly expandMaintenance: MaintenanceExpander,
  ) {
    this.byName = new Map(slos.map((slo) => [slo.name, slo]));
    this.api = documents.list(EXCLUSIONS_NAMESPACE).map((entry) => entry.value as ExclusionRecord);
  }

  list(slo?: string): ExclusionRecord[] {
    const fromSpec = [...this.byName.values()]
      .filter((candidate) => slo === undefined || candidate.name === slo)
      .flatMap((candidate) =>
        candidate.exclusions.map((exclusion, index) => ({
          id: exclusion.id ?? `spec:${candidate.name}:${index}`,
          slo: candidate.name,
          start: exclusion.start,
          end: exclusion.end,
          reason: exclusion.reason,
          createdBy: exclusion.createdBy ?? 'spec',
          createdAt: 0,
          origin: 'spec' as const,
        })),
      );
    return [...fromSpec, ...this.api.filter((record) => slo === undefined || record.slo === slo)].sort((a, b) => a.start - b.start);
  }

  add(input: { slo: string; start: number; end: number; reason: string }, who: string, now: number): ExclusionRecord {
    if (!this.byName.has(input.slo)) throw notFound(`no SLO named ${input.slo}`);
    if (!Number.isFinite(input.start) || !Number.isFinite(input.end) || input.end <= input.start) {
      throw badRequest('an exclusion needs start before end');
    }
    if (input.reason.trim().length === 0) throw badRequest('an exclusion needs a reason');
    const record: ExclusionRecord = { id: randomUUID(), slo: input.slo, start: input.start, end: input.end, reason: input.reason, createdBy: who, createdAt: now, origin: 'api' };
    this.documents.put(EXCLUSIONS_NAMESPACE, record.id, record);
    this.journal.append(EXCLUSION_JOURNAL_KIND, { at: now, subject: record.slo, data: { action: 'set', ...record } });
    this.api = [...this.api, record];
    return record;
  }

  remove(id: string, who: string, now: number): boolean {
    const record = this.api.find((candidate) => candidate.id === id);
    if (!record) return false;
    this.documents.delete(EXCLUSIONS_NAMESPACE, id);
    this.journal.append(EXCLUSION_JOURNAL_KIND, { at: now, subject: record.slo, data: { action: 'deleted', id, by: who, exclusion: record } });
    this.api = this.api.filter((candidate) => candidate.id !== id);
    return true;
  }

  /** Every excluded range of an SLO that overlaps [from, to), clipped to it and merged so none overlap. */
  ranges(sloName: string, from: number, to: number): Range[] {
    const slo = this.byName.get(sloName);
    if (!slo) return [];
    // Most SLOs have no exclusion at all: answer them without allocating.
    if (slo.exclusions.length === 0 && slo.maintenance.length === 0 && !this.api.some((record) => record.slo === sloName)) return NONE;
    const all: Range[] = [
      ...slo.exclusions.map((exclusion) => [exclusion.start, exclusion.end] as const),
      ...this.api.filter((record) => record.slo === sloName).map((record) => [record.start, record.end] as const),
      ...(slo.maintenance.length > 0 ? this.expandMaintenance(slo, from, to) : []),
    ];
    return excludedRanges(
      all.map(([start, end]) => ({ start, end })),
      from,
      to,
    ).map((range) => [range.start, range.end] as const);
  }
}
