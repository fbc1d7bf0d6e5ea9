import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DocumentStore, Labels } from '../core/index.js';
import { LABELS, badRequest, escapeRegex } from '../core/index.js';

export const SILENCES_NAMESPACE = 'notify.silences';

/** An Alertmanager-style matcher over a notification's labels. */
export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  /** False negates the match (`!=`, `!~`). */
  readonly isEqual: boolean;
}

export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  /** ISO times. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly comment: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

const matcherSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string(),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});

const isoTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'an ISO 8601 time such as 2026-11-26T18:00:00Z');

/** The body of `POST /api/v1/silences`: matchers, or the `slo`/`service` shorthands, or both. */
export const silenceRequestSchema = z.strictObject({
  matchers: z.array(matcherSchema).default([]),
  slo: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  startsAt: isoTime.optional(),
  endsAt: isoTime,
  comment: z.string().trim().min(1, 'say why the silence is needed'),
  createdBy: z.string().trim().min(1, 'say who sets the silence'),
});

function compile(matcher: Matcher): (value: string) => boolean {
  if (!matcher.isRegex) return (value) => (value === matcher.value) === matcher.isEqual;
  // Anchored, as Alertmanager anchors its regex matchers.
  const pattern = new RegExp(`^(?:${matcher.value})$`);
  return (value) => pattern.test(value) === matcher.isEqual;
}

/** Whether every matcher holds for the labels; a label that is absent reads as the empty string. */
export function silenceMatches(silence: Silence, labels: Labels): boolean {
  return silence.matchers.every((matcher) => compile(matcher)(labels[matcher.name] ?? ''));
}

/** Validates a request body into a silence, naming the field in every error. */
export function parseSilenceRequest(body: unknown, now: number, id: string = randomUUID()): Silence {
  const parsed = silenceRequestSchema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`).join('; ');
    throw badRequest(detail, 'invalid_silence');
  }
  const request = parsed.data;
  const matchers: Matcher[] = [...request.matchers];
  // The shorthand `slo` covers every objective of the SLO: `checkout` and `checkout:<objective>`.
  if (request.slo !== undefined) matchers.push({ name: LABELS.default.slo, value: `${escapeRegex(request.slo)}(:.*)?`, isRegex: true, isEqual: true });
  if (request.service !== undefined) matchers.push({ name: LABELS.default.service, value: request.service, isRegex: false, isEqual: true });
  if (matchers.length === 0) throw badRequest('matchers: give at least one matcher, or slo or service', 'invalid_silence');
  for (const [index, matcher] of matchers.entries()) {
    if (!matcher.isRegex) continue;
    try {
      new RegExp(matcher.value);
    } catch (cause) {
      throw badRequest(`matchers.${index}.value: not a valid regular expression: ${(cause as Error).message}`, 'invalid_silence', cause);
    }
  }
  if (matchers.every((matcher) => compile(matcher)(''))) {
    throw badRequest('matchers: these matchers match every alert; name what to silence', 'invalid_silence');
  }
  const startsAt = request.startsAt === undefined ? now : Date.parse(request.startsAt);
  const endsAt = Date.parse(request.endsAt);
  if (endsAt <= now) throw badRequest(`endsAt: ${request.endsAt} is not in the future`, 'invalid_silence');
  if (endsAt <= startsAt) throw badRequest('endsAt: must be after startsAt', 'invalid_silence');
  return {
    id,
    matchers,
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    comment: request.comment,
    createdBy: request.createdBy,
    createdAt: new Date(now).toISOString(),
  };
}

/** Silences kept in the DocumentStore (so they survive restarts) and in memory (read on every evaluation). */
export class SilenceStore {
  private readonly store: DocumentStore;
  private readonly active = new Map<string, Silence>();

  constructor(store: DocumentStore) {
    this.store = store;
    for (const { key, value } of store.list(SILENCES_NAMESPACE)) this.active.set(key, value as Silence);
  }

  add(silence: Silence): Silence {
    this.store.put(SILENCES_NAMESPACE, silence.id, silence);
    this.active.set(silence.id, silence);
    return silence;
  }

  /** Removes a silence; false when there is none with that id (or it already expired). */
  remove(id: string): boolean {
    if (!this.active.has(id)) return false;
    this.store.delete(SILENCES_NAMESPACE, id);
    this.active.delete(id);
    return true;
  }

  /** Silences not yet ended, soonest end first; the ended ones are deleted on the way. */
  list(now: number): Silence[] {
    this.expire(now);
    return [...this.active.values()].sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt));
  }

  /** Deletes silences whose end has passed; returns them. */
  expire(now: number): Silence[] {
    const ended: Silence[] = [];
    for (const silence of this.active.values()) {
      if (Date.parse(silence.endsAt) <= now) ended.push(silence);
    }
    for (const silence of ended) this.remove(silence.id);
    return ended;
  }

  /** The silence in force at `now` that covers these labels, if any. */
  silencing(labels: Labels, now: number): Silence | undefined {
    for (const silence of this.active.values()) {
      if (Date.parse(silence.startsAt) <= now && Date.parse(silence.endsAt) > now && silenceMatches(silence, labels)) return silence;
    }
    return undefined;
  }
}
