/**
 * Generated SLO files of every format sloe reads, as each format's documentation writes them: the inputs of the
 * read → convert → read back properties. Each is a record of the axes it varies (so a property can keep only what a
 * target can express) and the text made from it.
 */
import fc from 'fast-check';

export const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
export const target = fc.constantFrom(90, 95, 99, 99.5, 99.9, 99.95);

/** A percentage as the ratio a person writes (99.9 → 0.999, not JavaScript's 0.9990000000000001). */
function ratio(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

export const slothFields = fc.record({ service: word, name: word, target, job: word, page: fc.boolean(), ticketLabel: fc.option(word, { nil: undefined }) });
export type SlothFields = typeof slothFields extends fc.Arbitrary<infer T> ? T : never;

/** A Sloth service with one events SLO. */
export function slothText(spec: SlothFields): string {
  return `version: "prometheus/v1"
service: ${spec.service}
slos:
  - name: ${spec.name}
    objective: ${spec.target}
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="${spec.job}",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="${spec.job}"}[{{.window}}]))
    alerting:
      page_alert:
        disable: ${spec.page ? 'false' : 'true'}
${spec.ticketLabel === undefined ? '' : `      ticket_alert:\n        labels:\n          route: ${spec.ticketLabel}\n`}`;
}

export const slothSpec = slothFields.map(slothText);

export const pyrraFields = fc.record({ name: word, target, job: word, window: fc.constantFrom('7d', '14d', '28d', '30d'), kind: fc.constantFrom('ratio', 'latency', 'bool_gauge'), disabled: fc.boolean() });
export type PyrraFields = typeof pyrraFields extends fc.Arbitrary<infer T> ? T : never;

/** A Pyrra SLO of each indicator Pyrra and the model share. */
export function pyrraText(spec: PyrraFields): string {
  const indicator = spec.kind === 'ratio'
    ? `    ratio:\n      errors:\n        metric: http_requests_total{job="${spec.job}",code=~"5.."}\n      total:\n        metric: http_requests_total{job="${spec.job}"}`
    : spec.kind === 'latency'
      ? `    latency:\n      success:\n        metric: h_bucket{job="${spec.job}",le="0.25"}\n      total:\n        metric: h_count{job="${spec.job}"}`
      : `    bool_gauge:\n      metric: probe_success{job="${spec.job}"}`;
  return `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: ${spec.name}
spec:
  target: "${spec.target}"
  window: ${spec.window}
  indicator:
${indicator}
  alerting:
    disabled: ${spec.disabled}
`;
}

export const pyrraSpec = pyrraFields.map(pyrraText);

/** A sloe/v1 SLO over the model's main axes: SLI kind, window kind, budgeting method, objectives, alerting overrides. */
export const sloeSpec = fc
  .record({
    name: word,
    service: word,
    job: word,
    sli: fc.constantFrom('good', 'bad', 'latency'),
    window: fc.constantFrom('7d', '28d', '30d', 'month', 'week'),
    timeslices: fc.boolean(),
    targets: fc.uniqueArray(target, { minLength: 1, maxLength: 2 }),
    pageSeverity: fc.option(word, { nil: undefined }),
    ticketDisabled: fc.boolean(),
    label: fc.option(word, { nil: undefined }),
  })
  .map((spec) => {
    const sli = spec.sli === 'latency'
      ? `    latency:\n      histogram: http_request_duration_seconds_bucket{job="${spec.job}"}\n      threshold: 0.25\n`
      : `    ratio:\n      ${spec.sli}: sum(rate(http_requests_total{job="${spec.job}",code${spec.sli === 'good' ? '!~' : '=~'}"5.."}[{{.window}}]))\n      total: sum(rate(http_requests_total{job="${spec.job}"}[{{.window}}]))\n`;
    const window = spec.window === 'month' || spec.window === 'week' ? `\n    calendar: ${spec.window}\n    timeZone: Europe/Berlin` : ` ${spec.window}`;
    const objectives = spec.targets.map((value, index) => `    - key: o${index}\n      targetPercent: ${value}\n${spec.timeslices ? '      timeSliceWindow: 5m\n      timeSliceTarget: 0.95\n' : ''}`).join('');
    return `apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${spec.name}
${spec.label === undefined ? '' : `  labels:\n    team: ${spec.label}\n`}spec:
  service: ${spec.service}
  window:${window}
  budgetingMethod: ${spec.timeslices ? 'Timeslices' : 'Occurrences'}
  objectives:
${objectives}  sli:
${sli}  alerting:
${spec.pageSeverity === undefined ? '' : `    page:\n      severity: ${spec.pageSeverity}\n`}    ticket:
      disable: ${spec.ticketDisabled}
`;
  });

export const opensloFields = fc.record({
  name: word,
  service: word,
  job: word,
  side: fc.constantFrom('good', 'bad'),
  counter: fc.boolean(),
  window: fc.constantFrom('7d', '28d', '30d'),
  targets: fc.uniqueArray(target, { minLength: 1, maxLength: 2 }),
  timeslices: fc.boolean(),
  displayNames: fc.boolean(),
});
export type OpensloFields = typeof opensloFields extends fc.Arbitrary<infer T> ? T : never;

/** An OpenSLO v1 SLO with an inline ratio indicator, as the spec's examples write them. */
export function opensloText(spec: OpensloFields): string {
  const query = (selector: string): string => (spec.counter ? selector : `sum(rate(${selector}[{{.window}}]))`);
  const code = spec.side === 'good' ? '!~' : '=~';
  const objectives = spec.targets.map((value, index) => `    - ${spec.displayNames ? `displayName: objective ${index}\n      ` : ''}target: ${ratio(value)}\n${spec.timeslices ? '      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n' : ''}`).join('');
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${spec.name}
spec:
  service: ${spec.service}
  indicator:
    metadata:
      name: ${spec.name}-sli
    spec:
      ratioMetric:
        counter: ${spec.counter}
        ${spec.side}:
          metricSource:
            type: Prometheus
            spec:
              query: ${query(`http_requests_total{job="${spec.job}",code${code}"5.."}`)}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: ${query(`http_requests_total{job="${spec.job}"}`)}
  timeWindow:
    - duration: ${spec.window}
      isRolling: true
  budgetingMethod: ${spec.timeslices ? 'Timeslices' : 'Occurrences'}
  objectives:
${objectives}`;
}

export const opensloSpec = opensloFields.map(opensloText);

/** One step of an slo-generator error budget policy: a burn-rate threshold over one window, alerting or not. */
const policyStep = fc.record({
  name: fc.constantFrom('1 hour', '6 hours', '12 hours', '1 day', '7 days'),
  threshold: fc.constantFrom(1, 1.5, 3, 9, 14.4),
  alert: fc.boolean(),
  message: fc.option(fc.constantFrom('Page to defend the SLO', 'Freeze releases'), { nil: undefined }),
});
const STEP_SECONDS: Record<string, number> = { '1 hour': 3600, '6 hours': 21_600, '12 hours': 43_200, '1 day': 86_400, '7 days': 604_800 };

export const sloGeneratorFields = fc.record({
  name: word,
  service: word,
  job: word,
  method: fc.constantFrom('good', 'bad', 'distribution_cut'),
  goal: target,
  /** Steps of a policy in slo-generator's shared configuration that the SLO names; none means sloe's own tiers. */
  policy: fc.option(fc.uniqueArray(policyStep, { minLength: 1, maxLength: 3, selector: (step) => step.name }), { nil: undefined }),
});
export type SloGeneratorFields = typeof sloGeneratorFields extends fc.Arbitrary<infer T> ? T : never;

/** A Google slo-generator SLO (Prometheus backend) of each method sloe reads, with or without a policy of its own. */
export function sloGeneratorText(spec: SloGeneratorFields): string {
  const indicator = spec.method === 'distribution_cut'
    ? `  method: distribution_cut\n  service_level_indicator:\n    expression: http_request_duration_seconds_bucket{job="${spec.job}"}\n    threshold_bucket: 0.5\n`
    : `  method: good_bad_ratio\n  service_level_indicator:\n    filter_${spec.method}: http_requests_total{job="${spec.job}",code${spec.method === 'good' ? '!~' : '=~'}"5.."}\n    filter_valid: http_requests_total{job="${spec.job}"}\n`;
  const steps = (spec.policy ?? []).map((step) => `      - { name: ${step.name}, burn_rate_threshold: ${step.threshold}, alert: ${step.alert}, window: ${STEP_SECONDS[step.name]}${step.message === undefined ? '' : `, message_alert: ${step.message}`} }\n`).join('');
  const shared = spec.policy === undefined ? '' : `error_budget_policies:\n  generated:\n    steps:\n${steps}---\n`;
  return `${shared}apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: ${spec.name}
  labels:
    service_name: ${spec.service}
spec:
  backend: prometheus
${indicator}  goal: ${ratio(spec.goal)}
${spec.policy === undefined ? '' : '  error_budget_policy: generated\n'}`;
}

/** Without a policy: sloe's own tiers. */
export const sloGeneratorSpec = sloGeneratorFields.map((spec) => sloGeneratorText({ ...spec, policy: undefined }));

/** One stated tier of a sloe/v1 `alerting.tiers` list: windows, a burn rate or a budget share, and its settings. */
const statedTier = fc.record({
  severity: fc.constantFrom('page', 'ticket', 'critical', 'warning'),
  longWindow: fc.constantFrom('1h', '90m', '6h', '7h', '1d', '3d', '4d'),
  shortWindow: fc.option(fc.constantFrom('1m', '5m', '7m', '30m'), { nil: undefined }),
  rate: fc.oneof(fc.record({ burnRateThreshold: fc.constantFrom(1, 2, 6, 7, 13.44, 14.4) }), fc.record({ budgetFraction: fc.constantFrom(0.02, 0.05, 0.1, 0.25) })),
  for: fc.option(fc.constantFrom('0s', '2m', '1h'), { nil: undefined }),
  disable: fc.boolean(),
  label: fc.option(word, { nil: undefined }),
});

/** A sloe/v1 ratio SLO of service `shop` whose `alerting.tiers` is TIERS (YAML lines, indented for the list). */
export function sloeWithTiers(name: string, window: string, tiers: string): string {
  return `apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: shop
  window: ${window}
  objectives:
    - target: 0.999
  sli:
    ratio:
      bad: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total[{{.window}}]))
  alerting:
    tiers:
${tiers}`;
}

/** A sloe/v1 SLO whose alerting states its own tier table (1 to 4 tiers) over a rolling window. */
export const sloeTiersSpec = fc
  .record({ name: word, window: fc.constantFrom('7d', '28d', '30d'), tiers: fc.array(statedTier, { minLength: 1, maxLength: 4 }) })
  .map((spec) => {
    const tiers = spec.tiers.map((tier, index) => {
      const fields = [
        `name: tier-${index}`,
        `severity: ${tier.severity}`,
        `longWindow: ${tier.longWindow}`,
        ...(tier.shortWindow === undefined ? [] : [`shortWindow: ${tier.shortWindow}`]),
        'burnRateThreshold' in tier.rate ? `burnRateThreshold: ${tier.rate.burnRateThreshold}` : `budgetFraction: ${tier.rate.budgetFraction}`,
        ...(tier.for === undefined ? [] : [`for: ${tier.for}`]),
        `disable: ${tier.disable}`,
        ...(tier.label === undefined ? [] : [`labels: { route: ${tier.label} }`]),
      ];
      return `      - { ${fields.join(', ')} }\n`;
    }).join('');
    return sloeWithTiers(spec.name, spec.window, tiers);
  });
