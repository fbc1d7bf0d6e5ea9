import { validateCronExpression } from 'cron';
import type { Node } from 'yaml';
import { hasWindowPlaceholder } from '../core/index.js';
import type { Objective, Query } from '../core/index.js';
import type { DocContext } from './context.js';
import type { Fields } from './fields.js';
import { checkPromql } from './promql.js';
import { rememberQuery } from './subset.js';

/** An objective from what was read, without the optional parts that were not given (so loaded models compare equal). */
export function objectiveOf(objective: Objective): Objective {
  return Object.fromEntries(Object.entries(objective).filter(([, value]) => value !== undefined)) as unknown as Objective;
}

/** `timeSliceTarget`: required when the budgeting method (as read) is Timeslices, read when given otherwise; a ratio in (0, 1]. */
export function readTimeSliceTarget(fields: Fields, method: string | undefined): number | undefined {
  if (method !== 'Timeslices' && !fields.has('timeSliceTarget')) return undefined;
  const target = fields.number('timeSliceTarget', method === 'Timeslices');
  if (target === undefined || (target > 0 && target <= 1)) return target;
  fields.ctx.report(fields.at('timeSliceTarget'), `'${fields.fieldPath('timeSliceTarget')}' must be between 0 (exclusive) and 1, got ${target}`);
  return undefined;
}

/** A target ratio read from `target` (0..1) or `targetPercent` (0..100), exactly one of them. */
export function readTarget(fields: Fields, percentKey = 'targetPercent'): number | undefined {
  const hasTarget = fields.has('target');
  const hasPercent = fields.has(percentKey);
  if (hasTarget && hasPercent) {
    fields.ctx.report(fields.keyNode(percentKey), `give either '${fields.fieldPath('target')}' or '${fields.fieldPath(percentKey)}', not both`);
    return undefined;
  }
  if (!hasTarget && !hasPercent) {
    fields.ctx.report(fields.anchor, `missing required field '${fields.fieldPath('target')}' (a ratio such as 0.999) or '${fields.fieldPath(percentKey)}' (such as 99.9)`);
    return undefined;
  }
  if (hasTarget) {
    const target = fields.number('target');
    if (target === undefined) return undefined;
    if (!(target > 0 && target < 1)) {
      fields.ctx.report(fields.at('target'), `'${fields.fieldPath('target')}' must be between 0 and 1 (exclusive), got ${target}`);
      return undefined;
    }
    return target;
  }
  return percentToRatio(fields, percentKey);
}

/** A percent in (0, 100) as a ratio, rounded so 99.9 becomes 0.999 and not 0.9990000000000001. */
export function percentToRatio(fields: Fields, key: string): number | undefined {
  const percent = fields.number(key, true);
  if (percent === undefined) return undefined;
  if (!(percent > 0 && percent < 100)) {
    fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}' must be a percent between 0 and 100 (exclusive), got ${percent}`);
    return undefined;
  }
  return Number((percent / 100).toPrecision(12));
}

const knownZones = new Map<string, boolean>();

/** True when the runtime knows the IANA time zone (Intl is the source of truth; answers are cached). */
export function isKnownTimeZone(name: string): boolean {
  let known = knownZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1000) knownZones.set(name, known);
  }
  return known;
}

/** Reads a required IANA time zone field, reporting a missing or unknown one. */
export function readTimeZone(fields: Fields, key: string, what: string): string | undefined {
  if (!fields.has(key)) {
    fields.ctx.report(fields.keyNode(key) ?? fields.anchor, `${what} needs a time zone: missing required field '${fields.fieldPath(key)}' (an IANA name such as Europe/Berlin)`);
    return undefined;
  }
  const zone = fields.string(key);
  if (zone === undefined) return undefined;
  if (!isKnownTimeZone(zone)) {
    fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}': unknown time zone '${zone}' (expected an IANA name such as Europe/Berlin or UTC)`);
    return undefined;
  }
  return zone;
}

/** Options for reading a query string. */
export interface QueryOptions {
  readonly required?: boolean;
  /** The remote source the query is evaluated by, if any. */
  readonly source?: string;
  /** Sloth requires a window placeholder (`{{.window}}`, or any spelling core knows) in every query: it is how its windows are substituted. */
  readonly requireWindow?: boolean;
}

/** Reads a PromQL query field; problems for a missing, empty, unparseable or (Sloth) window-less query. */
export function readQuery(fields: Fields, key: string, options: QueryOptions = {}): Query | undefined {
  const promql = fields.string(key, options.required ?? false);
  if (promql === undefined) return undefined;
  const node = fields.at(key);
  return checkQuery(fields.ctx, node, promql, fields.fieldPath(key), options);
}

export function checkQuery(ctx: DocContext, node: Node, promql: string, path: string, options: QueryOptions = {}): Query | undefined {
  if (promql.trim() === '') {
    ctx.report(node, `'${path}' must be a PromQL query, got an empty string`);
    return undefined;
  }
  if (!checkPromql(ctx, node, promql, path)) return undefined;
  if (options.requireWindow === true && !hasWindowPlaceholder(promql)) {
    ctx.report(node, `'${path}' must use {{.window}} as its range (e.g. rate(metric[{{.window}}])): Sloth substitutes each alert window there`);
    return undefined;
  }
  return rememberQuery({ promql: promql.trim(), ...(options.source === undefined ? {} : { source: options.source }) }, ctx, node);
}

/** `Good experience` → `good-experience`; used for objective keys. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Gives every objective a key unique within its SLO: the stated one, else its display name's slug, else its position. */
export class ObjectiveKeys {
  private readonly taken = new Set<string>();

  next(index: number, stated?: string, displayName?: string): string {
    const base = stated ?? (displayName !== undefined && slug(displayName) !== '' ? slug(displayName) : `objective-${index + 1}`);
    let key = base;
    for (let suffix = 2; this.taken.has(key); suffix++) key = `${base}-${suffix}`;
    this.taken.add(key);
    return key;
  }
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp with an explicit offset, as epoch milliseconds. */
export function readTimestamp(fields: Fields, key: string): number | undefined {
  const text = fields.string(key, true);
  if (text === undefined) return undefined;
  const parsed = TIMESTAMP.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(parsed)) {
    fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}' must be an RFC 3339 time with a zone, such as 2026-11-01T02:00:00Z, got '${text}'`);
    return undefined;
  }
  return parsed;
}

/** A five-field cron schedule (minute hour day-of-month month day-of-week). */
export function readCron(fields: Fields, key: string): string | undefined {
  const text = fields.string(key, true);
  if (text === undefined) return undefined;
  const parts = text.trim().split(/\s+/);
  const valid = parts.length === 5 && validateCronExpression(text.trim()).valid;
  if (!valid) {
    fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}' must be a five-field cron schedule such as '0 2 * * 0' (minute hour day month weekday), got '${text}'`);
    return undefined;
  }
  return text.trim();
}
