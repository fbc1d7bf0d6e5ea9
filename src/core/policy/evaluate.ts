import { DAY, parseDuration } from '../duration.js';
import type { BudgetPolicy, GateAction, GateDecision, Labels, PolicyRule } from '../model.js';
import type { SloHealth, SloStatus } from '../status.js';
import { assessEvidence, evidenceRule, onInsufficientData } from './evidence.js';
import type { CoveredSlo, SloPeriod } from './covered.js';
import { groupNote } from './groups.js';
import { fillReason, percent } from './reason.js';
import { expectedThaw } from './thaw.js';

export type { CoveredSlo, SloPeriod } from './covered.js';

/** What a gate is asked: may this change to this service, in this environment, go ahead now? */
export interface GateRequest {
  readonly service: string;
  readonly environment: string;
  readonly action: GateAction;
  /** Release labels (`type=security`, `priority=P0`, Kubernetes object labels and annotations, ...). */
  readonly labels: Labels;
  /** False when overrides need the admin token and the caller did not present it. */
  readonly overridesPermitted: boolean;
  /**
   * The service is frozen in this environment now: budget rules then hold until the budget is the policy's
   * `thawMargin` above the level that froze it (hysteresis).
   */
  readonly frozen?: boolean;
}

/** The default `thawMargin`: a frozen service thaws once 5 % of its budget is back above the freeze level. */
export const DEFAULT_THAW_MARGIN = 0.05;


/** One SLO's figures and what its policy made of them, as gate answers and decision records carry them. */
export interface SloVerdict {
  readonly name: string;
  /** The group of a grouped SLO that was judged (asked about, or its worst under `groupedSlos: worstGroup`). */
  readonly group?: Labels;
  readonly service: string;
  readonly policy: string;
  readonly decision: GateDecision;
  /**
   * The rule that decided; `onNoData` for the no-data answer; `onInsufficientData` when a budget rule would deny on
   * too little evidence; absent when no rule matched (allow).
   */
  readonly rule?: string;
  readonly reason?: string;
  /** With a deny: when the budget is expected back above the thaw level (ISO), null when not at the current burn. */
  readonly expectedThaw?: string | null;
  readonly status: SloHealth;
  readonly objective: number;
  readonly sli: number | null;
  /** Null without data (the policy's onNoData decides then). */
  readonly budgetRemaining: number | null;
  readonly burnRates: Readonly<Record<string, number | null>>;
  /** Severities of the alerts firing. */
  readonly firing: readonly string[];
  readonly evaluatedAt: string;
}

/** A deny that a labelled change was let through, recorded with what it would have been. */
export interface OverrideRecord {
  readonly label: string;
  readonly value: string;
  readonly policies: readonly string[];
  /** The reasons the change would have been denied for. */
  readonly overridden: readonly string[];
}

export interface GateVerdict {
  readonly service: string;
  readonly environment: string;
  readonly action: GateAction;
  readonly decision: GateDecision;
  readonly allowed: boolean;
  readonly reasons: readonly string[];
  readonly slos: readonly SloVerdict[];
  /** The policies consulted, comma separated (usually one). */
  readonly policy: string;
  readonly override?: OverrideRecord;
  /**
   * With a deny: when the gate is expected to let the change through again (ISO), the latest of the denying SLOs'
   * and manual freezes'; null when one of them does not recover at the current burn or cannot be foreseen.
   */
  readonly expectedThaw?: string | null;
  /** When the figures were computed: the oldest evaluation among the SLOs (the answer is as fresh as its stalest input). */
  readonly evaluatedAt: string;
}


const SEVERITY: Record<GateDecision, number> = { allow: 0, warn: 1, deny: 2 };

export function worse(a: GateDecision, b: GateDecision): GateDecision {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

const DEFAULT_REASON = '{slo}: rule {rule} of policy {policy} ({budgetRemaining} of the error budget remaining, burn rate {burnRate} over {window})';
const NO_DATA_REASON = '{slo}: no data ({detail}); policy {policy} answers {decision} without data';

function applies(rule: PolicyRule, request: GateRequest): boolean {
  return (rule.environments.length === 0 || rule.environments.includes(request.environment)) && (rule.actions.length === 0 || rule.actions.includes(request.action));
}

/**
 * Every condition the rule sets holds for the SLO (a rule without conditions always matches). `margin` raises the
 * budget levels a rule tests (a frozen service's thaw level): `exhausted` then holds below the margin.
 */
export function ruleMatches(rule: PolicyRule, status: SloStatus, margin = 0): boolean {
  const { when } = rule;
  const remaining: number | null = status.errorBudget.remaining;
  if (when.status && !when.status.includes(status.status)) {
    const stillExhausted = margin > 0 && when.status.includes('exhausted') && status.status !== 'nodata' && remaining !== null && remaining < margin;
    if (!stillExhausted) return false;
  }
  if (when.budgetRemainingBelow !== undefined && !(remaining !== null && remaining < when.budgetRemainingBelow + margin)) return false;
  if (when.burnRateAbove) {
    const value = status.burnRates[when.burnRateAbove.window] ?? null;
    if (value === null || !(value > when.burnRateAbove.value)) return false;
  }
  if (when.alertFiring) {
    const severities = when.alertFiring;
    if (!status.alerts.some((alert) => alert.state === 'firing' && (severities.includes(alert.severity) || severities.includes(alert.tier)))) return false;
  }
  return true;
}

/**
 * A rule that judges the budget rather than a firing alert: it tests the budget remaining or a burn rate, or a status
 * that the budget sets (`exhausted`, `warning` without an alert firing). An `alertFiring` rule never is: the alert
 * tiers have their own low-traffic guard (`alerting.minEvents`).
 */
export function isBudgetRule(rule: PolicyRule, status: SloStatus): boolean {
  const { when } = rule;
  if (when.alertFiring) return false;
  if (when.budgetRemainingBelow !== undefined || when.burnRateAbove !== undefined) return true;
  if (!when.status) return false;
  if (status.status === 'exhausted') return true;
  return status.status === 'warning' && !status.alerts.some((alert) => alert.state === 'firing');
}

/** The budget level at which a rule stops holding a frozen service (its own level plus the margin). */
function thawLevel(rule: PolicyRule, margin: number): number | undefined {
  if (rule.when.budgetRemainingBelow !== undefined) return rule.when.budgetRemainingBelow + margin;
  if (rule.when.status?.includes('exhausted')) return margin;
  return undefined;
}

function periodOf(status: SloStatus, given: SloPeriod | undefined): SloPeriod {
  if (given) return given;
  // Calendar windows (`calendar-month`) are not durations: their nominal length is close enough for evidence.
  return { periodMs: parseDuration(status.window) ?? 30 * DAY, coverage: status.coverage };
}

function figures(status: SloStatus, policy: BudgetPolicy): Omit<SloVerdict, 'decision' | 'rule' | 'reason'> {
  return {
    name: status.name,
    ...(status.group === undefined ? {} : { group: status.group }),
    service: status.service,
    policy: policy.name,
    status: status.status,
    objective: status.objective,
    sli: status.sli,
    budgetRemaining: status.errorBudget.remaining,
    burnRates: status.burnRates,
    firing: status.alerts.filter((alert) => alert.state === 'firing').map((alert) => alert.severity),
    evaluatedAt: status.evaluatedAt,
  };
}

/**
 * One SLO under its policy: the first rule that applies to the environment and action and matches decides. A budget
 * rule that would deny on too little evidence gives way to the policy's `onInsufficientData`, unless a later rule
 * (a page alert firing) denies on its own.
 */
export function decideSlo(policy: BudgetPolicy, status: SloStatus, request: GateRequest, given?: SloPeriod, now?: number): SloVerdict {
  const base = figures(status, policy);
  const context = { status, policy: policy.name, environment: request.environment, action: request.action };
  const noData = status.status === 'nodata';
  const margin = request.frozen === true ? (policy.thawMargin ?? DEFAULT_THAW_MARGIN) : 0;
  const period = periodOf(status, given);
  let held: SloVerdict | undefined;
  for (const rule of policy.rules) {
    if (!applies(rule, request)) continue;
    // Without data the figures mean nothing: only rules written for `nodata` speak, else the policy's onNoData.
    if (noData && !rule.when.status?.includes('nodata')) continue;
    if (!ruleMatches(rule, status, isBudgetRule(rule, status) ? margin : 0)) continue;
    const reason = fillReason(rule.reason.length > 0 ? rule.reason : DEFAULT_REASON, { ...context, rule, ruleName: rule.name });
    if (rule.decision === 'deny' && isBudgetRule(rule, status)) {
      const evidence = assessEvidence(status, evidenceRule(policy), period);
      if (!evidence.sufficient) {
        if (held) continue;
        const decision = onInsufficientData(policy);
        const why = `${status.name}: too little data for a budget-based deny (rule ${rule.name} would deny: ${reason}): ${evidence.missing.join('; ')}; policy ${policy.name} answers ${decision} until then`;
        held = { ...base, decision, rule: 'onInsufficientData', reason: why };
        continue;
      }
      const level = thawLevel(rule, policy.thawMargin ?? DEFAULT_THAW_MARGIN);
      const thaw = level === undefined || now === undefined ? null : expectedThaw(status, period, level, now);
      return { ...base, decision: 'deny', rule: rule.name, reason, expectedThaw: thaw === null ? null : new Date(thaw).toISOString() };
    }
    if (held && rule.decision !== 'deny') continue;
    if (rule.decision === 'deny') return { ...base, decision: 'deny', rule: rule.name, reason, expectedThaw: null };
    return { ...base, decision: rule.decision, rule: rule.name, reason };
  }
  if (held) return held;
  if (noData) {
    const template = NO_DATA_REASON.replace('{detail}', status.reason ?? 'no events in the window').replace('{decision}', policy.onNoData);
    return { ...base, decision: policy.onNoData, rule: 'onNoData', reason: fillReason(template, { ...context, rule: undefined, ruleName: 'onNoData' }) };
  }
  return { ...base, decision: 'allow' };
}

/** The first release label that one of the policy's overrides accepts. `sloe.dev/type` matches an override on `type`. */
export function matchOverride(policy: BudgetPolicy, labels: Labels): { label: string; value: string } | undefined {
  for (const override of policy.overrides) {
    for (const [key, value] of Object.entries(labels)) {
      if (key !== override.label && !key.endsWith(`/${override.label}`)) continue;
      if (override.values.some((accepted) => accepted.toLowerCase() === value.toLowerCase())) return { label: key, value };
    }
  }
  return undefined;
}

function oldest(statuses: readonly SloVerdict[], now: number): string {
  let at = Number.POSITIVE_INFINITY;
  let text = new Date(now).toISOString();
  for (const status of statuses) {
    const parsed = Date.parse(status.evaluatedAt);
    if (Number.isFinite(parsed) && parsed < at) {
      at = parsed;
      text = status.evaluatedAt;
    }
  }
  return text;
}

/**
 * A freeze an operator set by hand (`PUT /api/v1/freezes/{service}`): the gate denies the actions it names in its
 * environment (`*`: every environment) until it is lifted or `until` passes. Overrides apply as to any deny.
 */
/** What a manual freeze holds when it names no actions: deploys and config changes (provisioning stays possible). */
export const DEFAULT_FREEZE_ACTIONS: readonly GateAction[] = ['deploy', 'config'];

export interface ManualFreeze {
  readonly service: string;
  readonly environment: string;
  /** Empty (freezes stored before the default was written out): `DEFAULT_FREEZE_ACTIONS`. */
  readonly actions: readonly GateAction[];
  readonly reason: string;
  readonly by?: string;
  /** ISO times. */
  readonly since: string;
  readonly until?: string;
}

/** The manual freezes that hold this request at `now`. */
export function applicableFreezes(freezes: readonly ManualFreeze[], request: Pick<GateRequest, 'service' | 'environment' | 'action'>, now: number): ManualFreeze[] {
  return freezes.filter(
    (freeze) =>
      freeze.service === request.service &&
      (freeze.environment === '*' || freeze.environment === request.environment) &&
      (freeze.actions.length === 0 ? DEFAULT_FREEZE_ACTIONS : freeze.actions).includes(request.action) &&
      (freeze.until === undefined || Date.parse(freeze.until) > now),
  );
}

/** A deny with the policy whose overrides may lift it and the reason it gives. */
interface Denial {
  readonly policy: BudgetPolicy;
  readonly reason: string;
  /** ISO time it is expected to lift; null when not foreseeable. */
  readonly thaw: string | null;
}

/** The latest of the denials' expected thaws: the gate opens when all of them have lifted. */
function latestThaw(denials: readonly Denial[]): string | null {
  let latest: string | null = null;
  for (const denial of denials) {
    if (denial.thaw === null) return null;
    if (latest === null || denial.thaw > latest) latest = denial.thaw;
  }
  return latest;
}

/**
 * The gate's answer for a service: each SLO under its own policy, then the worst of them, and any manual freeze.
 * A deny that a policy's override lets through (a change labelled as a P0 or a security fix) becomes an allow,
 * recorded as an override. A service no SLO measures gets the no-data answer of the policy that speaks for it.
 */
export function decideGate(request: GateRequest, covered: readonly CoveredSlo[], servicePolicy: BudgetPolicy, now: number, freezes: readonly ManualFreeze[] = [], askedGroup?: Labels): GateVerdict {
  const policies = [...new Set((covered.length === 0 ? [servicePolicy] : covered.map((entry) => entry.policy)).map((policy) => policy.name))];
  const base = { service: request.service, environment: request.environment, action: request.action, policy: policies.join(', ') };
  const verdicts: SloVerdict[] = [];
  const reasons: string[] = [];
  const denials: Denial[] = [];
  let decision: GateDecision = 'allow';
  if (covered.length === 0) {
    const reason = `${request.service}: no SLO measures this service; policy ${servicePolicy.name} answers ${servicePolicy.onNoData} without data`;
    if (servicePolicy.onNoData === 'deny') denials.push({ policy: servicePolicy, reason, thaw: null });
    else {
      decision = servicePolicy.onNoData;
      reasons.push(reason);
    }
  }
  for (const { status, policy, period } of covered) {
    const verdict = decideSlo(policy, status, request, period, now);
    verdicts.push(verdict);
    if (verdict.decision === 'deny') denials.push({ policy, reason: verdict.reason ?? verdict.name, thaw: verdict.expectedThaw ?? null });
    else {
      decision = worse(decision, verdict.decision);
      if (verdict.decision !== 'allow' && verdict.reason !== undefined) reasons.push(verdict.reason);
    }
  }
  for (const freeze of applicableFreezes(freezes, request, now)) {
    const scope = freeze.environment === '*' ? 'every environment' : freeze.environment;
    denials.push({
      policy: servicePolicy,
      reason: `${request.service}: frozen by hand in ${scope}${freeze.by === undefined ? '' : ` by ${freeze.by}`} since ${freeze.since}${freeze.until === undefined ? '' : ` until ${freeze.until}`}: ${freeze.reason}`,
      thaw: freeze.until ?? null,
    });
  }
  const overridden: string[] = [];
  const overridePolicies = new Set<string>();
  let override: { label: string; value: string } | undefined;
  let refusedOverride: { label: string; value: string } | undefined;
  const denied: string[] = [];
  const held: Denial[] = [];
  for (const denial of denials) {
    const accepted = matchOverride(denial.policy, request.labels);
    if (accepted && request.overridesPermitted) {
      override ??= accepted;
      overridePolicies.add(denial.policy.name);
      overridden.push(denial.reason);
      continue;
    }
    if (accepted) refusedOverride ??= accepted;
    decision = 'deny';
    denied.push(denial.reason);
    held.push(denial);
  }
  reasons.unshift(...denied);
  if (override) {
    reasons.unshift(`override: ${override.label}=${override.value} lets the change through; it would have been denied: ${overridden.join('; ')}`);
  }
  if (refusedOverride) {
    reasons.push(`${refusedOverride.label}=${refusedOverride.value} asks for an override, which needs the admin token`);
  }
  if (reasons.length === 0 && verdicts.length > 0) {
    const lowest = verdicts.reduce((low, verdict) => ((verdict.budgetRemaining ?? Infinity) < (low.budgetRemaining ?? Infinity) ? verdict : low));
    const count = verdicts.length === 1 ? '1 SLO' : `${verdicts.length} SLOs`;
    reasons.push(`${request.service}: ${count} within policy ${base.policy}; lowest error budget remaining ${percent(lowest.budgetRemaining)} (${lowest.name})`);
  }
  if (reasons.length === 0) reasons.push(`${request.service}: no SLO measures this service; policy ${servicePolicy.name} answers allow without data`);
  // Grouped SLOs: which entry was judged, and the worst groups when it was the aggregate.
  for (const entry of covered) {
    const note = groupNote(entry, askedGroup);
    if (note !== undefined) reasons.push(note);
  }
  return {
    ...base,
    decision,
    allowed: decision !== 'deny',
    reasons,
    slos: verdicts,
    ...(override ? { override: { ...override, policies: [...overridePolicies], overridden } } : {}),
    ...(decision === 'deny' ? { expectedThaw: latestThaw(held) } : {}),
    evaluatedAt: oldest(verdicts, now),
  };
}
