import type { Slo } from '../../src/core/index.js';
import { DAY, tiersForPeriod } from '../../src/core/index.js';

/** The objective of `groupedOrders`: 99 % of requests succeed. */
export const GROUPED_ORDERS_TARGET = 0.99;

/**
 * The grouped SLO the engine and gate tests share: `orders` of service `shop`, a ratio over `req_total` (bad: 5xx
 * codes) grouped by `route`, 7-day rolling window, the default tiers; `maxGroups` when given.
 */
export function groupedOrders(maxGroups?: number): Slo {
  return {
    name: 'orders',
    service: 'shop',
    labels: {},
    sli: { kind: 'ratio', bad: { promql: 'sum(rate(req_total{code=~"5.."}[{{.window}}]))' }, total: { promql: 'sum(rate(req_total[{{.window}}]))' } },
    objectives: [{ key: 'main', target: GROUPED_ORDERS_TARGET }],
    window: { kind: 'rolling', duration: 7 * DAY },
    budgetingMethod: 'Occurrences',
    alerting: { name: 'Orders', labels: {}, annotations: {}, tiers: tiersForPeriod(7 * DAY), minEvents: 0, keepFiringFor: 0, noDataFor: 0 },
    exclusions: [],
    maintenance: [],
    groupBy: ['route'],
    ...(maxGroups === undefined ? {} : { maxGroups }),
  };
}
