import type { BudgetingMethod, IncomingSeries, Objective, Sli, Slo, SpecSet, Window } from '../../src/core/index.js';
import { DAY, tiersForPeriod } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import type { EngineOptions } from '../../src/engine/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import type { SloeStore } from '../../src/store/index.js';

export const REQUESTS = 'http_requests_total';
/** Availability: bad = 5xx, total = every request, of job "api". */
export const AVAILABILITY: Sli = {
  kind: 'ratio',
  bad: { promql: `sum(rate(${REQUESTS}{job="api",code=~"5.."}[{{.window}}]))` },
  total: { promql: `sum(rate(${REQUESTS}{job="api"}[{{.window}}]))` },
};

export function makeSlo(overrides: {
  name?: string;
  target?: number;
  window?: Window;
  sli?: Sli;
  budgetingMethod?: BudgetingMethod;
  objective?: Partial<Objective>;
  keepFiringFor?: number;
  minEvents?: number;
}): Slo {
  const window = overrides.window ?? { kind: 'rolling', duration: 30 * DAY };
  const period = window.kind === 'rolling' ? window.duration : window.unit === 'week' ? 7 * DAY : window.unit === 'month' ? 30 * DAY : 90 * DAY;
  return {
    name: overrides.name ?? 'api-availability',
    service: 'api',
    labels: { team: 'platform' },
    sli: overrides.sli ?? AVAILABILITY,
    objectives: [{ key: 'main', target: overrides.target ?? 0.999, ...overrides.objective }],
    window,
    budgetingMethod: overrides.budgetingMethod ?? 'Occurrences',
    alerting: {
      name: 'ApiAvailability',
      labels: {},
      annotations: {},
      tiers: tiersForPeriod(period),
      minEvents: overrides.minEvents ?? 0,
      keepFiringFor: overrides.keepFiringFor ?? 0,
      noDataFor: 0,
    },
    exclusions: [],
    maintenance: [],
  };
}

export function specsOf(...slos: Slo[]): SpecSet {
  return { services: [{ name: 'api', labels: {} }], slos, policies: [] };
}

export interface Harness {
  engine: Engine;
  store: SloeStore;
  clock: { now: number };
}

export function harness(specs: SpecSet, start: number, options: Partial<Omit<EngineOptions, 'store'>> & { store?: SloeStore } = {}): Harness {
  const { store: given, ...rest } = options;
  const store = given ?? openMemoryStore();
  const clock = { now: start };
  const engine = new Engine({ specs, documents: store.documents, journal: store.journal, clock: () => clock.now, ...rest, store: store.engine });
  return { engine, store, clock };
}

/** A request counter pair for job "api": cumulative counts of 200s and 500s. */
export class TrafficGenerator {
  ok = 0;
  errors = 0;

  /** Advances the counters by a minute of traffic and returns the samples at `t`. */
  minute(t: number, requests: number, errorRatio: number): IncomingSeries[] {
    const bad = Math.round(requests * errorRatio);
    this.ok += requests - bad;
    this.errors += bad;
    return this.samples(t);
  }

  samples(t: number): IncomingSeries[] {
    return [
      { labels: { __name__: REQUESTS, job: 'api', code: '200' }, timestamps: [t], values: [this.ok] },
      { labels: { __name__: REQUESTS, job: 'api', code: '500' }, timestamps: [t], values: [this.errors] },
    ];
  }
}
