import { nominalPeriod } from '../core/index.js';
import { budgetSpentOver, chunksOf } from './report.js';
import type { ReportSources } from './report.js';
import type { IncidentView } from './summary.js';

/** A stretch of consecutive chunks (hours, or days for long ranges) whose burn rate was above 1. */
export interface BurnWindow {
  readonly from: string;
  readonly to: string;
  readonly events: { readonly good: number; readonly total: number };
  /** Over the stretch: (bad ÷ total) ÷ (1 − objective). */
  readonly burnRate: number;
  /** Share of one period's budget it spent, by the rule of `budgetSpentOver`. */
  readonly budgetSpent: number;
  /** Its part of what the range spent. */
  readonly shareOfSpend: number;
}

export interface BudgetExplanation {
  readonly name: string;
  readonly service: string;
  readonly objective: number;
  readonly window: string;
  readonly from: string;
  readonly to: string;
  /** The objective's figures at its last evaluation. */
  readonly budgetRemaining: number | null;
  readonly budgetConsumed: number | null;
  /** What the range spent, as a share of one period's budget; null without events. */
  readonly budgetSpent: number | null;
  readonly events: { readonly good: number; readonly total: number };
  /** Each incident overlapping the range with its cost, most costly first. */
  readonly incidents: readonly (IncidentView & { readonly shareOfSpend: number | null })[];
  readonly incidentBudgetSpent: number;
  /** Stretches with burn rate above 1, most costly first (at most `MAX_WINDOWS`). */
  readonly burnWindows: readonly BurnWindow[];
  /** What the stretches above 1 spent together, and what the rest of the range (burn at or below 1) spent. */
  readonly spentInBurnWindows: number;
  readonly spentElsewhere: number;
  /** One paragraph for a reader: the largest causes first. */
  readonly summary: string;
}

const MAX_WINDOWS = 10;
const iso = (ms: number): string => new Date(ms).toISOString();
const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;

interface Chunk {
  readonly from: number;
  readonly to: number;
  readonly good: number;
  readonly total: number;
}

/** Runs of consecutive chunks with a burn rate above 1 (a chunk without events ends a run). */
function burningRuns(chunks: readonly Chunk[], objective: number): Chunk[] {
  const runs: Chunk[] = [];
  let run: Chunk | undefined;
  for (const chunk of chunks) {
    const burning = chunk.total > 0 && (chunk.total - chunk.good) / chunk.total / (1 - objective) > 1;
    if (!burning) {
      if (run) runs.push(run);
      run = undefined;
    } else run = run ? { from: run.from, to: chunk.to, good: run.good + chunk.good, total: run.total + chunk.total } : chunk;
  }
  if (run) runs.push(run);
  return runs;
}

function summaryText(explanation: Omit<BudgetExplanation, 'summary'>): string {
  if (explanation.budgetSpent === null) return `${explanation.name} had no events from ${explanation.from} to ${explanation.to}: nothing was spent, and its budget is unknown.`;
  const parts = [`${explanation.name} spent ${pct(explanation.budgetSpent)} of a period's error budget from ${explanation.from} to ${explanation.to} (budget remaining now ${explanation.budgetRemaining === null ? 'unknown' : pct(explanation.budgetRemaining)}).`];
  if (explanation.incidents.length > 0) parts.push(`${explanation.incidents.length} incident${explanation.incidents.length === 1 ? '' : 's'} cost ${pct(explanation.incidentBudgetSpent)}; the largest started ${explanation.incidents[0]?.startedAt} and cost ${pct(explanation.incidents[0]?.budgetSpent ?? 0)}.`);
  else parts.push('No incident was opened in the range.');
  const top = explanation.burnWindows[0];
  if (top) parts.push(`${explanation.burnWindows.length} stretch${explanation.burnWindows.length === 1 ? '' : 'es'} burned faster than the budget allows (${pct(explanation.spentInBurnWindows)} together); the costliest, ${top.from} to ${top.to} at ${top.burnRate.toFixed(1)}×, spent ${pct(top.budgetSpent)}.`);
  if (explanation.spentElsewhere > 0) parts.push(`${pct(explanation.spentElsewhere)} went at a burn rate of 1 or less (a slow, steady spend).`);
  return parts.join(' ');
}

/**
 * What spent an objective's budget over [from, to) (the MCP tool `explain_budget`): the incidents with what each cost,
 * and the stretches of hours (days beyond 92 days) that burned faster than 1, each costed by the same rule as the
 * report's budget spent, so the stretches and the rest add up to the range's spend. `range` defaults to the
 * objective's period up to `now`. Undefined for an unknown objective.
 */
export function explainBudget(sources: ReportSources, name: string, range: { from?: number; to?: number }, now: number): BudgetExplanation | undefined {
  const status = sources.statuses.get(name);
  const window = sources.events.events(name, [])?.window;
  if (!status || !window) return undefined;
  const periodMs = nominalPeriod(window);
  const to = range.to ?? now;
  const from = range.from ?? to - periodMs;
  const spans = chunksOf(from, to);
  const counted = sources.events.events(name, [{ from, to }, ...spans]);
  if (!counted) return undefined;
  const events = counted.counts[0] ?? { good: 0, total: 0 };
  const chunks = spans.map((span, index): Chunk => ({ ...span, ...(counted.counts[index + 1] ?? { good: 0, total: 0 }) }));
  const coveredMs = chunks.reduce((sum, chunk) => sum + (chunk.total > 0 ? chunk.to - chunk.from : 0), 0);
  const budgetSpent = budgetSpentOver(events, status.objective, coveredMs, periodMs);
  // Every part is costed against the allowance of the whole range's traffic rate, so the parts add up to its spend.
  const allowedPerBad = events.total > 0 && coveredMs > 0 ? (1 - status.objective) * (events.total / coveredMs) * periodMs : Number.NaN;
  const spentBy = (bad: number): number => (Number.isFinite(allowedPerBad) ? bad / allowedPerBad : 0);
  const share = (spent: number): number => (budgetSpent !== null && budgetSpent > 0 ? spent / budgetSpent : 0);

  const burnWindows = burningRuns(chunks, status.objective)
    .map((run): BurnWindow => {
      const spent = spentBy(run.total - run.good);
      return { from: iso(run.from), to: iso(run.to), events: { good: run.good, total: run.total }, burnRate: (run.total - run.good) / run.total / (1 - status.objective), budgetSpent: spent, shareOfSpend: share(spent) };
    })
    .sort((a, b) => b.budgetSpent - a.budgetSpent);
  const spentInBurnWindows = burnWindows.reduce((sum, window) => sum + window.budgetSpent, 0);
  const incidents = sources
    .incidents({ slo: status.name, from, to })
    .filter((incident) => incident.objective === status.name)
    .map((incident) => ({ ...incident, shareOfSpend: budgetSpent !== null && budgetSpent > 0 ? incident.budgetSpent / budgetSpent : null }))
    .sort((a, b) => b.budgetSpent - a.budgetSpent);
  const explanation = {
    name: status.name,
    service: status.service,
    objective: status.objective,
    window: status.window,
    from: iso(from),
    to: iso(to),
    budgetRemaining: status.errorBudget.remaining,
    budgetConsumed: status.errorBudget.consumed,
    budgetSpent,
    events: { good: events.good, total: events.total },
    incidents,
    incidentBudgetSpent: incidents.reduce((sum, incident) => sum + incident.budgetSpent, 0),
    burnWindows: burnWindows.slice(0, MAX_WINDOWS),
    spentInBurnWindows,
    spentElsewhere: budgetSpent === null ? 0 : Math.max(0, budgetSpent - spentInBurnWindows),
  };
  return { ...explanation, summary: summaryText(explanation) };
}
