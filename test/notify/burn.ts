import type { IncomingSeries, Slo, SloStatus, SpecSet } from '../../src/core/index.js';
import { DAY, MINUTE, tiersForPeriod } from '../../src/core/index.js';
import { Engine } from '../../src/engine/index.js';
import type { SloeStore } from '../../src/store/index.js';

export const SLO_NAME = 'checkout-availability';
const REQUESTS = 'http_requests_total';

/** checkout-availability: 99.9 % of checkout requests without a 5xx over 30 days, with the default four tiers. */
export function checkoutSlo(): Slo {
  return {
    name: SLO_NAME,
    service: 'checkout',
    labels: { team: 'payments' },
    sli: {
      kind: 'ratio',
      bad: { promql: `sum(rate(${REQUESTS}{job="checkout",code=~"5.."}[{{.window}}]))` },
      total: { promql: `sum(rate(${REQUESTS}{job="checkout"}[{{.window}}]))` },
    },
    objectives: [{ key: 'main', target: 0.999 }],
    window: { kind: 'rolling', duration: 30 * DAY },
    budgetingMethod: 'Occurrences',
    alerting: {
      name: 'CheckoutAvailabilityBurn',
      labels: { category: 'availability' },
      annotations: {},
      runbookUrl: 'https://runbooks.example.com/checkout',
      dashboardUrl: 'https://grafana.example.com/d/checkout',
      tiers: tiersForPeriod(30 * DAY),
      minEvents: 0,
      keepFiringFor: 0,
      noDataFor: 0,
    },
    exclusions: [],
    maintenance: [],
  };
}

export function checkoutSpecs(): SpecSet {
  return { services: [{ name: 'checkout', labels: {} }], slos: [checkoutSlo()], policies: [] };
}

/**
 * Checkout traffic fed through the real engine minute by minute on a fake clock: 1,000 requests a minute, the
 * given share of them 5xx, as remote-write counters. Each minute is evaluated and handed to `onEvaluated`.
 */
export class BurnScenario {
  engine: Engine;
  now: number;
  private ok = 0;
  private errors = 0;

  constructor(
    store: SloeStore,
    start: number,
    /** Where each evaluation goes; a test may swap it (a crashed notifier hears nothing). */
    public onEvaluated: (statuses: readonly SloStatus[], now: number) => void,
  ) {
    this.now = start;
    this.engine = this.open(store);
  }

  /** A restart: a new engine on a reopened store; the traffic's counters and the clock carry on. */
  reopen(store: SloeStore, onEvaluated: (statuses: readonly SloStatus[], now: number) => void): void {
    this.engine = this.open(store);
    this.onEvaluated = onEvaluated;
  }

  private open(store: SloeStore): Engine {
    return new Engine({ specs: checkoutSpecs(), store: store.engine, documents: store.documents, journal: store.journal, clock: () => this.now });
  }

  /** Runs `minutes` minutes at `errorRatio` and returns the last status. */
  async run(minutes: number, errorRatio: number): Promise<SloStatus> {
    let last: SloStatus | undefined;
    for (let i = 0; i < minutes; i++) {
      this.now += MINUTE;
      const bad = Math.round(1000 * errorRatio);
      this.ok += 1000 - bad;
      this.errors += bad;
      const series: IncomingSeries[] = [
        { labels: { __name__: REQUESTS, job: 'checkout', code: '200' }, timestamps: [this.now], values: [this.ok] },
        { labels: { __name__: REQUESTS, job: 'checkout', code: '500' }, timestamps: [this.now], values: [this.errors] },
      ];
      this.engine.append(series, 'remote_write');
      const report = await this.engine.evaluate(this.now);
      this.onEvaluated(report.statuses, this.now);
      last = report.statuses[0];
    }
    if (!last) throw new Error('no minutes run');
    return last;
  }

  /** The page tiers' states, e.g. `page-fast=firing page-slow=pending`. */
  static pageStates(status: SloStatus): string {
    return status.alerts
      .filter((alert) => alert.severity === 'page')
      .map((alert) => `${alert.tier}=${alert.state}`)
      .join(' ');
  }
}
