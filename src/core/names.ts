/**
 * Every metric name and label key sloe emits, in generated rules, in its own /metrics and in /api/v1/query, defined
 * once. The names follow Sloth's, so dashboards and queries written for Sloth keep working.
 */

/** Label keys of the default profile, and of the Sloth profile for users moving from Sloth. */
export const LABELS = {
  default: { service: 'slo_service', slo: 'slo_name', window: 'slo_window', id: 'slo_id' },
  sloth: { service: 'sloth_service', slo: 'sloth_slo', window: 'sloth_window', id: 'sloth_id' },
} as const;

export type LabelProfile = keyof typeof LABELS;

/** Extra labels of burn-rate and alert series. */
export const SEVERITY_LABEL = 'severity';
export const TIER_LABEL = 'slo_tier';
/**
 * On a grouped SLO's alerts: the group as a selector (`{route="/v1/orders"}`). Its own labels are there too, but an
 * empty value is no label to Alertmanager, so this keeps the group `{route=""}` apart from the SLO's aggregate alert.
 */
export const GROUP_LABEL = 'slo_group';

export const METRICS = {
  /** Error ratio over a window: `slo:sli_error:ratio_rate5m`. */
  sliErrorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  /** Good and total event counts over a window, from which the period SLI is computed. */
  eventsGood: (window: string) => `slo:events_good:increase${window}`,
  eventsTotal: (window: string) => `slo:events_total:increase${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  /** Burn rate over the shortest alert window. */
  currentBurnRate: 'slo:current_burn_rate:ratio',
  /** Burn rate over each alert window, with `slo_window`. */
  burnRate: 'slo:burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  periodErrorBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
  /** Share of the period with events, 0 to 1 (sloe's own /metrics; SloStatus.coverage). */
  coverage: 'slo:coverage:ratio',
  /** SLI (success ratio) over the whole period. */
  periodSli: 'slo:period_sli:ratio',
  /** 1 while an alert tier is firing, 0 otherwise, with `severity` and `slo_tier` (sloe's own /metrics). */
  alertFiring: 'slo:alert_firing:bool',
  /** Info series carrying metadata labels (objective, window, budgeting method), value 1. */
  info: 'slo:info',
  /** The Sloth profile's info series, named as Sloth names it. */
  slothInfo: 'sloth_slo_info',
  /** The SLO period in days (Sloth's `slo:time_period:days`). */
  timePeriodDays: 'slo:time_period:days',
  /** A grouped SLO's groups tracked now (sloe's own /metrics; SloStatus.groupCount). */
  groups: 'sloe_slo_groups',
  /** Distinct groups seen past `maxGroups`: counted, never tracked nor merged (SloStatus.groupsOverflow). */
  groupsOverflow: 'sloe_slo_groups_overflow',
  /** A composite member's share (0 to 1) of the composite's burn over its period, with `slo_member`. */
  compositeBurnShare: 'sloe_slo_composite_burn_share',
} as const;

/** The member label of a composite's share series: the member's status name. */
export const MEMBER_LABEL = 'slo_member';

/** Labels of the info series, per profile. */
export const INFO_LABELS = {
  default: { objective: 'slo_objective', period: 'slo_period', budgetingMethod: 'slo_budgeting_method' },
  sloth: { objective: 'sloth_objective', spec: 'sloth_spec', mode: 'sloth_mode' },
} as const;

/** The Sloth profile's alert label carrying the tier's class (`page` or `ticket`) beside a renamed `severity`. */
export const SLOTH_SEVERITY_LABEL = 'sloth_severity';
