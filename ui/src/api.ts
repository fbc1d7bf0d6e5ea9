import type { Decision, SloStatus as EngineStatus } from '../../src/core/index.js';
import type { IncidentView, Postmortem, Report } from '../../src/review/index.js';

export type { AlertStatus, BackfillStatus, Decision } from '../../src/core/index.js';

/**
 * An entry of `GET /api/v1/decisions`: one distinct verdict for one caller with how often it was given. The trail is
 * ordered by `lastAt`; a daemon from before entries were counted sends only `decidedAt`.
 */
export type AuditDecision = Decision & { readonly via?: string; readonly count?: number; readonly firstAt?: string; readonly lastAt?: string };
export type { Postmortem, Report, ServiceReport, SloReport } from '../../src/review/index.js';

/**
 * An SLO's status as the page reads it: with no data in the period the SLI and budget are null (unknown, not
 * healthy), and `coverage` is the share of the period with data. Both are read defensively, so the page also works
 * against a daemon that reports neither.
 */
export type SloStatus = Omit<EngineStatus, 'errorBudget' | 'sli'> & {
  readonly sli: number | null;
  readonly errorBudget: { readonly total: number; readonly consumed: number | null; readonly remaining: number | null };
  readonly coverage?: number | null;
};

export interface HistoryPoint {
  readonly t: string;
  readonly sli: number | null;
  readonly budgetRemaining: number | null;
  readonly burnRates: Readonly<Record<string, number | null>>;
}

export interface Freeze {
  readonly service: string;
  readonly environment: string;
  readonly policy: string;
  readonly decision: string;
  readonly since: string;
  readonly reasons: readonly string[];
  /** When the budget recovers at the current rate; null when it does not recover; absent from older daemons. */
  readonly expectedThaw?: string | null;
}

export interface NotificationEntry {
  readonly id: number;
  readonly at: string;
  readonly slo: string;
  readonly [field: string]: unknown;
}

/**
 * An incident as the SLO page's timeline draws it: `GET /api/v1/incidents`'s view of one incident of one objective
 * (docs/reviews.md), or a tier's current state standing in for it before any is recorded (no peak or cost then).
 */
export type Incident = Pick<IncidentView, 'id' | 'startedAt' | 'detectedAt' | 'resolvedAt' | 'timeToDetectSeconds' | 'severity' | 'timeline'> & {
  readonly group?: Readonly<Record<string, string>>;
  readonly peakBurnRate: number | null;
  readonly budgetSpent: number | null;
};

export interface SpecExcerpt {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly format: string;
  readonly yaml: string;
}

/** The API refused the request for want of a token; the page asks for one. */
export class AuthRequired extends Error {}

/** A 404: the resource (or, for optional parts, the endpoint) does not exist. */
export class NotFound extends Error {}

const TOKEN_KEY = 'sloe.token';

export function setToken(token: string): void {
  if (token === '') localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
}

async function get<T>(path: string): Promise<T> {
  const token = localStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) throw new AuthRequired('this sloe needs a read token');
  if (response.status === 404) throw new NotFound(path);
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    throw new Error(body?.error?.message ?? `${path}: HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

/** An optional endpoint (another component may not be configured): an empty answer instead of an error on 404. */
async function optional<T>(path: string, empty: T): Promise<T> {
  try {
    return await get<T>(path);
  } catch (error) {
    if (error instanceof NotFound) return empty;
    throw error;
  }
}

const enc = encodeURIComponent;

export const api = {
  slos: async () => (await get<{ data: SloStatus[] }>('/api/v1/slos')).data,
  slo: (name: string) => get<SloStatus>(`/api/v1/slos/${enc(name)}`),
  /** With `group`, one group of a grouped SLO (`group.LABEL=VALUE`). */
  history: async (name: string, from: Date, to: Date, stepSeconds: number, group?: Readonly<Record<string, string>>) => {
    const groupQuery = Object.entries(group ?? {}).map(([label, value]) => `&group.${enc(label)}=${enc(value)}`).join('');
    return (await optional<{ data: { points: HistoryPoint[] } }>(`/api/v1/slos/${enc(name)}/history?from=${enc(from.toISOString())}&to=${enc(to.toISOString())}&step=${stepSeconds}s${groupQuery}`, { data: { points: [] } })).data.points;
  },
  /** A grouped SLO's groups, least budget first (an older daemon without the route: none). */
  groups: async (name: string) => (await optional<{ data: SloStatus[] }>(`/api/v1/slos/${enc(name)}/groups`, { data: [] })).data,
  spec: (name: string) => optional<SpecExcerpt | undefined>(`/api/v1/slos/${enc(name)}/spec`, undefined),
  decisions: async (service?: string, before?: string) => {
    const query = new URLSearchParams({ limit: '50', ...(service ? { service } : {}), ...(before ? { before } : {}) });
    return optional<{ data: AuditDecision[]; next?: string }>(`/api/v1/decisions?${query.toString()}`, { data: [] });
  },
  freezes: async () => (await optional<{ data: Freeze[] }>('/api/v1/freezes', { data: [] })).data,
  incidents: async (slo: string) => (await optional<{ data: IncidentView[] }>(`/api/v1/incidents?slo=${enc(slo)}`, { data: [] })).data,
  /** `GET /api/v1/reports` with the page's selection and range (service, slo, from, to). */
  report: (query: URLSearchParams) => get<Report>(`/api/v1/reports?${query.toString()}`),
  /** Postmortems of one SLO (its spec name, not an objective's), newest first. */
  postmortems: async (slo: string) => (await optional<{ data: Postmortem[] }>(`/api/v1/postmortems?slo=${enc(slo)}`, { data: [] })).data,
  notifications: async (slo: string) => (await optional<{ data: NotificationEntry[] }>(`/api/v1/notifications?slo=${enc(slo)}&limit=20`, { data: [] })).data,
};
