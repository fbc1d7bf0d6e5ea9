import type { Decision, SloStatus as EngineStatus } from '../../src/core/index.js';

export type { AlertStatus, Decision } from '../../src/core/index.js';

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

/** One event of an incident's timeline (Unix ms). */
export interface IncidentEvent {
  readonly at: number;
  readonly kind: 'transition' | 'notification' | 'decision' | 'freeze';
  readonly text: string;
}

/** One incident of one SLO objective, as `GET /api/v1/incidents` reports it (times in Unix ms; docs/reviews.md). */
export interface Incident {
  readonly id: string;
  readonly group?: Readonly<Record<string, string>>;
  readonly startedAt: number;
  readonly detectedAt: number | null;
  readonly resolvedAt: number | null;
  /** Null only where the page stands in for records from the tiers' states. */
  readonly peakBurnRate: number | null;
  readonly budgetSpent: number | null;
  readonly severity: string | null;
  readonly timeline: readonly IncidentEvent[];
}

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
  history: async (name: string, from: Date, to: Date, stepSeconds: number) =>
    (await optional<{ data: { points: HistoryPoint[] } }>(`/api/v1/slos/${enc(name)}/history?from=${enc(from.toISOString())}&to=${enc(to.toISOString())}&step=${stepSeconds}s`, { data: { points: [] } })).data.points,
  spec: (name: string) => optional<SpecExcerpt | undefined>(`/api/v1/slos/${enc(name)}/spec`, undefined),
  decisions: async (service?: string, before?: string) => {
    const query = new URLSearchParams({ limit: '50', ...(service ? { service } : {}), ...(before ? { before } : {}) });
    return optional<{ data: (Decision & { via?: string })[]; next?: string | number }>(`/api/v1/decisions?${query.toString()}`, { data: [] });
  },
  freezes: async () => (await optional<{ data: Freeze[] }>('/api/v1/freezes', { data: [] })).data,
  incidents: async (slo: string) => (await optional<{ data: Incident[] }>(`/api/v1/incidents?slo=${enc(slo)}`, { data: [] })).data,
  notifications: async (slo: string) => (await optional<{ data: NotificationEntry[] }>(`/api/v1/notifications?slo=${enc(slo)}&limit=20`, { data: [] })).data,
};
