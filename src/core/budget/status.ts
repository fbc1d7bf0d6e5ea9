import type { AlertState } from '../alerting/state.js';
import { formatDuration } from '../duration.js';
import { boundedMemo } from '../memo.js';
import type { SloHeader } from '../model.js';
import type { DurationMs, Objective, Window } from '../model.js';
import { objectiveName, windowLabel } from '../slo.js';
import type { AlertStatus, SloHealth, SloStatus } from '../status.js';
import type { ObjectiveEvaluation } from './evaluate.js';
import { DEFAULT_WARNING_LEVEL, tierClass } from './health.js';

export interface StatusInput {
  readonly slo: SloHeader;
  readonly objective: Objective;
  readonly evaluation: ObjectiveEvaluation;
  /** The alert states after this evaluation's step(), aligned with `evaluation.tiers`. */
  readonly alerts: readonly (AlertState | undefined)[];
  readonly now: number;
  readonly warningLevel?: number;
}

/**
 * The CONTRACT.md `SloStatus` of one objective; its status reflects the alert states given (after step()).
 *
 * Built for every objective at every evaluation, so it is written for the allocator (issue 21's tick): no object
 * spread (each allocates a temporary and copies it through the slow path), optional fields added in the position a
 * spread would have put them (JSON keeps the same key order), and the health read from the tiers and states directly.
 */
export function buildStatus(input: StatusInput): SloStatus {
  const { slo, objective, evaluation, now } = input;
  const tiers = evaluation.tiers;
  const alerts = new Array<AlertStatus>(tiers.length);
  let pageFiring = false;
  let ticketFiring = false;
  for (let index = 0; index < tiers.length; index++) {
    const figures = tiers[index]!;
    const alert = input.alerts[index];
    const state = alert?.state ?? 'inactive';
    const status: Mutable<AlertStatus> = {
      tier: figures.tier.name,
      severity: figures.tier.severity,
      state,
      longWindow: windowText(figures.tier.longWindow),
      shortWindow: windowText(figures.tier.shortWindow),
      burnRateThreshold: figures.tier.burnRateThreshold,
      longBurnRate: figures.longBurnRate,
      shortBurnRate: figures.shortBurnRate,
    };
    const activeAt = state === 'pending' || state === 'firing' ? alert?.activeAt : undefined;
    if (activeAt !== undefined) status.activeSince = activeSinceText(activeAt);
    alerts[index] = status;
    if (state === 'firing') {
      if (tierClass(figures.tier) === 'page') pageFiring = true;
      else ticketFiring = true;
    }
  }
  const status = healthFrom(evaluation.events.total, evaluation.errorBudget.remaining, pageFiring, ticketFiring, input.warningLevel);
  const name = objectiveName(slo, objective);
  const events = { good: evaluation.events.good, total: evaluation.events.total };
  if (slo.displayName === undefined && evaluation.reason === undefined) {
    // The usual case as one literal: V8 allocates it with every field in the object, where adding fields one by one
    // grows a separate property store several times per status.
    return {
      name,
      slo: slo.name,
      objectiveKey: objective.key,
      service: slo.service,
      objective: objective.target,
      window: labelOf(slo.window),
      budgetingMethod: slo.budgetingMethod,
      sli: evaluation.sli,
      events,
      errorBudget: evaluation.errorBudget,
      coverage: evaluation.coverage,
      burnRates: evaluation.burnRates,
      alerts,
      timeToExhaustion: evaluation.timeToExhaustion,
      status,
      labels: slo.labels,
      evaluatedAt: isoTime(now),
    };
  }
  // Every other field is set below, in SloStatus's order (the optional ones where the usual case has none).
  const out = { name, slo: slo.name, objectiveKey: objective.key, service: slo.service } as Mutable<SloStatus>;
  if (slo.displayName !== undefined) out.displayName = slo.displayName;
  out.objective = objective.target;
  out.window = labelOf(slo.window);
  out.budgetingMethod = slo.budgetingMethod;
  out.sli = evaluation.sli;
  out.events = events;
  out.errorBudget = evaluation.errorBudget;
  out.coverage = evaluation.coverage;
  out.burnRates = evaluation.burnRates;
  out.alerts = alerts;
  out.timeToExhaustion = evaluation.timeToExhaustion;
  out.status = status;
  if (evaluation.reason !== undefined) out.reason = evaluation.reason;
  out.labels = slo.labels;
  out.evaluatedAt = isoTime(now);
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `healthOf` with the firing tiers already found (buildStatus walks the tiers once for both). */
function healthFrom(total: number, remaining: number | null, pageFiring: boolean, ticketFiring: boolean, warningLevel: number | undefined): SloHealth {
  if (!(total > 0) || remaining === null) return 'nodata';
  if (remaining <= 0) return 'exhausted';
  if (pageFiring) return 'critical';
  if (ticketFiring || remaining < (warningLevel ?? DEFAULT_WARNING_LEVEL)) return 'warning';
  return 'ok';
}

/*
 * Every objective's status is built every tick from figures that rarely change: the labels and the timestamp text are
 * remembered rather than formatted again for each of thousands of objectives (pure: the same input gives the same text).
 */
// Tiers use a handful of distinct windows; the bound only keeps arbitrary callers from growing it forever.
const windowText = boundedMemo(1024, (window: DurationMs): string => formatDuration(window));

/**
 * A rolling window's label is its duration's, remembered by duration: a handful of durations shared by every SLO, where
 * a cache keyed by each SLO's own window object (as this was) costs a lookup in a table as large as the SLO count.
 */
function labelOf(window: Window): string {
  return window.kind === 'rolling' ? windowText(window.duration) : windowLabel(window);
}

/*
 * An alert's activeSince is the time of the evaluation that found it active, so the active alerts of all objectives
 * share a few distinct times: each is formatted once rather than per alert per tick.
 */
const activeSinceText = boundedMemo(4096, (at: number): string => new Date(at).toISOString());

let lastIso: { readonly at: number; readonly text: string } | undefined;

/** One evaluation stamps every status with the same time: it is formatted once. */
function isoTime(at: number): string {
  if (lastIso?.at !== at) lastIso = { at, text: new Date(at).toISOString() };
  return lastIso.text;
}
