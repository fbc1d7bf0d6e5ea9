import { DAY, HOUR, MINUTE } from '../../core/index.js';
import type { DurationMs, Objective, Query, Slo } from '../../core/index.js';
import { isVectorSelector } from '../selector.js';

/** The largest whole unit of a duration, as the shorthand every format takes (`28d`, `90m`). */
export function durationText(ms: DurationMs): string {
  if (ms === 0) return '0s';
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${ms / 1000}s`;
}

/** A ratio as the percent formats write it: 0.999 → 99.9, without float noise. */
export function percent(ratio: number): number {
  return Number((ratio * 100).toPrecision(12));
}

export function isBare(query: Query): boolean {
  return isVectorSelector(query.promql);
}

/** A bare counter selector as a windowed rate, for formats whose queries must carry the window. */
export function windowedRate(query: Query): string {
  return isBare(query) ? `sum(rate(${query.promql}[{{.window}}]))` : query.promql;
}

export function fileSafe(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]/g, '_');
}

export function omitEmpty<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && !(typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0))) as Partial<T>;
}

/** The model name without Sloth's `<service>-` prefix. */
export function shortName(slo: Slo): string {
  return slo.name.startsWith(`${slo.service}-`) ? slo.name.slice(slo.service.length + 1) : slo.name;
}

/**
 * Formats without an objective key derive one on reading (Sloth and Pyrra from the SLO's name, OpenSLO from the
 * displayName): the note naming a key that would come back different, which gates, reports and state refer to.
 */
export function objectiveKeyNote(key: string, readBack: string, how: string): string[] {
  return key === readBack ? [] : [`objective key '${key}': ${how}, so it reads back as '${readBack}'`];
}

/** The note for an objective's displayName, which Sloth and Pyrra have no field for. */
export function displayNameNote(objective: Objective, format: string): string[] {
  return objective.displayName === undefined ? [] : [`objective displayName '${objective.displayName}': ${format} has no field for it`];
}
