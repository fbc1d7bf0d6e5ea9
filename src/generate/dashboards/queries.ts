import { LABELS, METRICS, SEVERITY_LABEL, SLOTH_SEVERITY_LABEL } from '../../core/index.js';
import type { LabelProfile } from '../../core/index.js';

/** PromQL of the dashboards, over the `slo:*` series that the generated rules and sloe's /metrics both provide. */
export class DashboardQueries {
  readonly keys: (typeof LABELS)[LabelProfile];
  /** The alert label holding `page` or `ticket`: Sloth's profile keeps it in `sloth_severity` (its `severity` may be renamed). */
  private readonly severityKey: string;

  constructor(profile: LabelProfile) {
    this.keys = LABELS[profile];
    this.severityKey = profile === 'sloth' ? SLOTH_SEVERITY_LABEL : SEVERITY_LABEL;
  }

  /** `{slo_service=~"$service"}` or, for one SLO, `{slo_service="checkout", slo_name="checkout-latency"}`. */
  selector(service: string, slo?: string): string {
    const serviceMatcher = service.startsWith('$') ? `${this.keys.service}=~"${service}"` : `${this.keys.service}=${JSON.stringify(service)}`;
    return slo === undefined ? `{${serviceMatcher}}` : `{${serviceMatcher}, ${this.keys.slo}=${JSON.stringify(slo)}}`;
  }

  /**
   * One value per SLO, keyed by service and SLO name, so tables can merge the queries row by row. A grouped SLO has a
   * series per group: `min` of budgets and SLIs and `max` of burn rates show its worst group.
   */
  perSlo(metric: string, selector: string, aggregation: 'min' | 'max' = 'max'): string {
    return `${aggregation} by (${this.keys.service}, ${this.keys.slo}) (${metric}${selector})`;
  }

  /** Firing alerts from Prometheus's ALERTS series (generated rules) or sloe's own `slo:alert_firing:bool`. */
  firing(selector: string, severity?: string): string {
    const inner = selector.slice(1, -1);
    const severityMatcher = severity === undefined ? '' : `, ${this.severityKey}="${severity}"`;
    return `(ALERTS{alertstate="firing", ${inner}${severityMatcher}} or ${METRICS.alertFiring}{${inner}${severityMatcher}} == 1)`;
  }

  legend(): string {
    return `{{${this.keys.service}}} / {{${this.keys.slo}}}`;
  }
}
