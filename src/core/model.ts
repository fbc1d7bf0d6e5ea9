/**
 * The one model every spec format loads into and every part of sloe reads.
 * Plain data: no format's raw objects, no I/O, no clock. Durations are milliseconds.
 */


/** Milliseconds. */
export type DurationMs = number;

/** Where a model object came from, so problems and the UI can point at the spec. */
export interface SpecOrigin {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly format: SpecFormat;
}

export type SpecFormat = 'openslo/v1' | 'openslo/v1alpha' | 'sloth/prometheus-v1' | 'sloth/k8s-v1' | 'pyrra/v1alpha1' | 'slo-generator/v2' | 'sloe/v1';

export type Labels = Readonly<Record<string, string>>;

export interface Service {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly labels: Labels;
  readonly origin?: SpecOrigin;
}

/** A PromQL query, optionally bound to a named remote source (a configured Prometheus-compatible API). */
export interface Query {
  readonly promql: string;
  /** Name of a data source (OpenSLO DataSource or a configured `sources[]` entry); undefined means "embedded if possible". */
  readonly source?: string;
}

/**
 * How events are counted. Every kind reduces to good and total events per time interval.
 * - ratio: counters, good/total or bad/total (exactly one of good and bad is set).
 * - latency: a histogram; good = bucket with le = threshold, total = the +Inf bucket (or _count).
 * - threshold: a gauge (or any query) compared against the objective's `value` with `op`.
 * - rawRatio: a query that already yields a ratio (Sloth's raw errorRatioQuery, OpenSLO raw ratioMetric).
 */
export type Sli = RatioSli | LatencySli | ThresholdSli | RawRatioSli;

export interface RatioSli {
  readonly kind: 'ratio';
  readonly good?: Query;
  readonly bad?: Query;
  readonly total: Query;
}

export interface LatencySli {
  readonly kind: 'latency';
  /** Selector of the `_bucket` series, e.g. `http_request_duration_seconds_bucket{job="api"}`. */
  readonly histogram: Query;
  /** Upper bound in the histogram's unit; must equal one of its `le` bounds. */
  readonly threshold: number;
}

export interface ThresholdSli {
  readonly kind: 'threshold';
  readonly metric: Query;
}

export interface RawRatioSli {
  readonly kind: 'rawRatio';
  readonly query: Query;
  /** `bad`: the query yields the error ratio; `good`: it yields the success ratio. */
  readonly meaning: 'good' | 'bad';
}

export type ThresholdOp = 'lt' | 'lte' | 'gt' | 'gte';

export interface Objective {
  /** Stable key, unique within its SLO (from displayName or position). */
  readonly key: string;
  readonly displayName?: string;
  /** Target ratio in (0, 1). */
  readonly target: number;
  /** For threshold SLIs: a sample is good when `value op threshold` holds. */
  readonly op?: ThresholdOp;
  readonly value?: number;
  /** Timeslices and RatioTimeslices: the slice length and (Timeslices) the ratio a slice must reach to be good. */
  readonly timeSliceWindow?: DurationMs;
  readonly timeSliceTarget?: number;
  /** An objective may carry its own indicator (OpenSLO v1 allows it); otherwise the SLO's is used. */
  readonly sli?: Sli;
}

export type Window = RollingWindow | CalendarWindow;

export interface RollingWindow {
  readonly kind: 'rolling';
  readonly duration: DurationMs;
}

export type CalendarUnit = 'week' | 'month' | 'quarter' | 'year';

export interface CalendarWindow {
  readonly kind: 'calendar';
  readonly unit: CalendarUnit;
  /** IANA time zone name, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
}

export type BudgetingMethod = 'Occurrences' | 'Timeslices' | 'RatioTimeslices';

/** One row of the multi-window multi-burn-rate table. */
export interface AlertTier {
  /** Stable tier name used in state and rule names, e.g. `page-fast`. */
  readonly name: string;
  /** `page` or `ticket` unless renamed by the SLO. */
  readonly severity: string;
  /** Fraction of the period's budget this tier catches being spent within its long window (f). */
  readonly budgetFraction: number;
  readonly longWindow: DurationMs;
  readonly shortWindow: DurationMs;
  /** B = f * T / w. */
  readonly burnRateThreshold: number;
  readonly for: DurationMs;
  readonly disabled: boolean;
  /** Extra labels and annotations of this tier's alert only (Sloth's `page_alert`/`ticket_alert`), over the SLO's. */
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

export interface Alerting {
  /** The alert name used in generated rules and notifications. */
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly runbookUrl?: string;
  readonly dashboardUrl?: string;
  readonly tiers: readonly AlertTier[];
  /** Minimum events in the long window before a tier may fire (low-traffic guard); 0 disables. */
  readonly minEvents: number;
  readonly keepFiringFor: DurationMs;
  /** Raise a no-data alert after this long without events; 0 disables. */
  readonly noDataFor: DurationMs;
  /** Where alerts should go, as the spec names them (OpenSLO AlertNotificationTarget); informational. */
  readonly notificationTargets?: readonly NotificationTarget[];
}

export interface NotificationTarget {
  readonly name: string;
  readonly target: string;
  readonly description?: string;
}

/** A time range whose events do not count against the SLO. */
export interface Exclusion {
  readonly id?: string;
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  readonly createdBy?: string;
}

/** A repeating maintenance window: a cron schedule (5 fields, in a time zone) and a duration. */
export interface MaintenanceWindow {
  readonly schedule: string;
  readonly timeZone: string;
  readonly duration: DurationMs;
  readonly reason: string;
}

export interface Slo {
  readonly name: string;
  readonly service: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly labels: Labels;
  readonly sli: Sli;
  readonly objectives: readonly Objective[];
  readonly window: Window;
  readonly budgetingMethod: BudgetingMethod;
  readonly alerting: Alerting;
  readonly exclusions: readonly Exclusion[];
  readonly maintenance: readonly MaintenanceWindow[];
  /**
   * Labels the SLO is split by (`spec.groupBy`, Pyrra's `grouping`): every value of them found in the data is a group
   * with its own budget, burn rates and alert state; the SLO's own figures are the aggregate over all its series.
   * Generated rules record every figure per group (`sum by (LABELS)`) and alert per group.
   */
  readonly groupBy?: readonly string[];
  /** Most groups tracked (default `DEFAULT_MAX_GROUPS`); groups past it are counted, never merged into others. */
  readonly maxGroups?: number;
  /** An SLO kept from ingested samples whose period is first filled from this source (`spec.backfill.source`). */
  readonly backfill?: { readonly source: string };
  readonly origin?: SpecOrigin;
}

export type GateDecision = 'allow' | 'warn' | 'deny';
export type GateAction = 'deploy' | 'provision' | 'config';

/** One rule of a budget policy; the first rule that matches decides. */
export interface PolicyRule {
  readonly name: string;
  readonly decision: GateDecision;
  /** Conditions, all of which must hold (unset ones are ignored). */
  readonly when: {
    readonly budgetRemainingBelow?: number;
    readonly burnRateAbove?: { readonly window: string; readonly value: number };
    readonly alertFiring?: readonly string[];
    readonly status?: readonly string[];
  };
  /** Environments and actions this rule applies to; empty means all. */
  readonly environments: readonly string[];
  readonly actions: readonly GateAction[];
  /** Reason template; `{slo}`, `{service}`, `{budgetRemaining}`, `{burnRate}`, `{window}` are filled in. */
  readonly reason: string;
}

export interface BudgetPolicy {
  readonly name: string;
  readonly selector: { readonly services: readonly string[]; readonly slos: readonly string[]; readonly labels: Labels };
  readonly rules: readonly PolicyRule[];
  /** Release labels (e.g. `priority=P0`, `type=security`) that let a change through, recorded as an override. */
  readonly overrides: readonly { readonly label: string; readonly values: readonly string[] }[];
  readonly onNoData: 'allow' | 'warn' | 'deny';
  /**
   * The answer instead of a budget-based deny while an SLO has too little evidence for its budget to mean anything
   * (see `evidence`). Default `warn`. Rules driven by a firing alert are not affected.
   */
  readonly onInsufficientData?: GateDecision;
  /** How much evidence a budget-based deny needs; defaults in core/policy `DEFAULT_EVIDENCE`. */
  readonly evidence?: EvidenceRule;
  /**
   * How far above the level that froze a service its budget remaining must come back before it thaws (a fraction of
   * the budget, default 0.05), so a service at the edge does not flap between freeze and thaw.
   */
  readonly thawMargin?: number;
  /**
   * How a grouped SLO (`spec.groupBy`) is judged when a gate question names no group: `aggregate` (the default) judges
   * the SLO's own entry over all its groups and names the worst groups in the reasons; `worstGroup` judges the group
   * with the least budget left, so one failing customer or route holds releases. A question that names a group
   * (`?group.LABEL=VALUE`) is judged on that group either way.
   */
  readonly groupedSlos?: GroupedSlos;
  readonly origin?: SpecOrigin;
}

/** See `BudgetPolicy.groupedSlos`. */
export type GroupedSlos = 'aggregate' | 'worstGroup';

/**
 * Evidence a budget-based deny needs: the period's error budget must amount to at least `minBudgetEvents` bad events
 * (total events x (1 - objective)), and the SLO must have had data for `minCoverage` of its period or for
 * `minCoverageDuration`, whichever is less.
 */
export interface EvidenceRule {
  readonly minBudgetEvents: number;
  readonly minCoverage: number;
  readonly minCoverageDuration: DurationMs;
}

/** Everything loaded from a set of spec files. */
export interface SpecSet {
  readonly services: readonly Service[];
  readonly slos: readonly Slo[];
  readonly policies: readonly BudgetPolicy[];
  /** Composite SLOs (`spec.composite`), members before the composites that name them. */
  readonly composites?: readonly CompositeSlo[];
}

/**
 * Composite SLOs (`spec.composite` in sloe/v1): an SLO whose events are its members' rather than an SLI's.
 * - `weightedAverage`: good and total events are the members' summed, each member's multiplied by its weight.
 * - `leastHealthy`: the member with the least budget remaining (against its own objective) decides; its budget
 *   consumption and burn rates become the composite's (its bad events rescaled to the composite's objective).
 */
export type CompositeMethod = 'weightedAverage' | 'leastHealthy';

export interface CompositeMember {
  /** The member SLO's name (an SLO or another composite). */
  readonly slo: string;
  /** The member's objective key; needed only when the member has several objectives. */
  readonly objective?: string;
  /** Positive; default 1. Only weightedAverage reads it. */
  readonly weight: number;
}

export interface Composite {
  readonly method: CompositeMethod;
  readonly members: readonly CompositeMember[];
}

/** A composite SLO: everything an SLO has but its SLI (and what only an SLI has: backfill and groups). */
export interface CompositeSlo extends Omit<Slo, 'sli' | 'backfill' | 'groupBy'> {
  readonly composite: Composite;
}

/** What a status needs of an SLO, plain or composite. */
export type SloHeader = Pick<Slo, 'name' | 'service' | 'displayName' | 'labels' | 'objectives' | 'window' | 'budgetingMethod'>;
