import type {
  AlertTransition,
  AppendRequest,
  AppendResult,
  DocumentStore,
  DurationMs,
  EncodedSeriesIndex,
  EngineStore,
  ExclusionAdmin,
  ExclusionRecord,
  HistoryPoint,
  HistoryReader,
  IncomingSeries,
  IngestProtocol,
  Journal,
  RangeEvents,
  RemoteSeries,
  SampleAppender,
  SliceMark,
  SloStatus,
  SpecSet,
  StatusReader,
  TransitionListener,
} from '../core/index.js';
import { HOUR, MINUTE, SloeError, badRequest, groupId, groupTermKey, notFound, sameSavedState } from '../core/index.js';
import type { Labels } from '../core/index.js';
import { GroupRegistry, groupSliTerms } from './groups.js';
import { Appender } from './appender.js';
import { evaluateWithAlerts, parseAlertState, periodRange, statusOf } from './core-math.js';
import type { AlertState, ObjectiveFigures } from './core-math.js';
import { resolveSli, resolvedCounts, windowCounts } from './counts.js';
import type { ResolvedSli } from './counts.js';
import { Exclusions } from './exclusions.js';
import type { MaintenanceExpander } from './exclusions.js';
import { historyOf } from './history.js';
import { compositeHistoryOf } from './composite-history.js';
import { rangeEventsOf } from './range-events.js';
import { maintenanceRanges } from './maintenance.js';
import { planSpecs, sliTerms } from './plan.js';
import type { ObjectivePlan, Plan } from './plan.js';
import { DEFAULT_PULL_SETTINGS, Puller } from './pull.js';
import type { PullLog, PullSettings } from './pull.js';
import { fineScanFrom, restoreSeries } from './restore.js';
import { sliceSides } from './slice-sides.js';
import { coverageOf } from './coverage.js';
import { Composites, planComposites } from './composite.js';
import { completeSlices } from './slices.js';
import { StageTimer } from './stages.js';
import type { StageTiming } from './stages.js';
import { TermSeries } from './term-series.js';
import { TimeSlices } from './time-slices.js';

export interface EngineOptions {
  readonly specs: SpecSet;
  readonly store: EngineStore;
  readonly documents: DocumentStore;
  readonly journal: Journal;
  /** Unix ms; the daemon passes Date.now, tests a fake clock. Only ingest reads it (to refuse far-future samples). */
  readonly clock: () => number;
  /** The sources remote SLIs are pulled from (and ingested SLOs naming `backfill.source` backfilled from). */
  readonly remote?: RemoteSeries;
  readonly pullSettings?: PullSettings;
  readonly log?: PullLog;
  /** Default: the SLO's cron maintenance windows (engine/maintenance.ts). */
  readonly expandMaintenance?: MaintenanceExpander;
  /** How long 1-minute buckets are kept (must match the store's). Default 6 h. */
  readonly fineKeep?: DurationMs;
  /** New series beyond this many per term are dropped (`cardinality_limit`). Default 10,000. */
  readonly seriesLimitPerTerm?: number;
  /** Terms re-read from the store per evaluation, to resynchronise memory with what is durable. Default 4. */
  readonly resyncPerTick?: number;
  /**
   * Wall time an evaluation runs before it lets the event loop turn (see `Engine.evaluate`). Default 2 ms; Infinity
   * never turns (tests compare the two).
   */
  readonly evaluationSliceMs?: number;
}

export interface EvaluationReport {
  readonly statuses: readonly SloStatus[];
  readonly transitions: readonly AlertTransition[];
  /** Every group of every grouped objective (`group` set on each). */
  readonly groups: readonly SloStatus[];
  readonly durationMs: number;
  /** The evaluation's stages in order (pull, fold, slices, evaluate, persist), for stage metrics and spans. */
  readonly stages: readonly StageTiming[];
}

/** An objective's SLI terms and the terms its period is counted on (its slices for Timeslices), resolved once. */
interface ResolvedTerms {
  readonly sli: ResolvedSli;
  readonly period: ResolvedSli;
}

/** Everything the engine keeps per objective, in one record rather than arrays aligned by index. */
interface ObjectiveState {
  readonly plan: ObjectivePlan;
  readonly resolved: ResolvedTerms | undefined;
  /** Per tier, the state (undefined: never active); stored under `alertKey(plan, tier)`. */
  alertStates: readonly (AlertState | undefined)[];
  /** A grouped objective's groups by id, in the order first seen; undefined when the objective is not grouped. */
  readonly groups: Map<string, GroupState> | undefined;
  /** The registry version the groups' terms were last resolved at. */
  groupsVersion?: number;
}

/** One group of a grouped objective: its labels, its terms resolved in `series`, and its own alert state. */
interface GroupState {
  readonly id: string;
  readonly labels: Labels;
  readonly sli: ReturnType<typeof groupSliTerms>;
  resolved: ResolvedTerms;
  readonly alertKeys: readonly string[];
  alertStates: readonly (AlertState | undefined)[];
  /** Evaluation time the group was first tracked since start: a group is dropped only after a whole silent period. */
  readonly since: number;
}

const ALERT_MARK = 'alert/';

/**
 * The key an objective's tier keeps its alert state under (after ALERT_MARK). Built when a state is saved rather than
 * kept per objective and tier: 400,000 strings at 100k SLOs, for the few states that change (issue 21).
 */
function alertKey(plan: ObjectivePlan, tier: number): string {
  return `${plan.name}/${plan.tiers[tier]!.name}`;
}

/**
 * Saved alert states by objective name, then tier name: a saved key is `<objective>/<tier>`, split here at each '/'
 * (a name may hold one), so finding an objective's states costs a lookup by its name rather than a key built per tier.
 * Every split is recorded; the objective's own name is among them, so its lookup finds what `alertKey` would.
 */
function savedByObjective(saved: ReadonlyMap<string, AlertState>): Map<string, Map<string, AlertState>> {
  const byObjective = new Map<string, Map<string, AlertState>>();
  for (const [key, state] of saved) {
    for (let at = key.indexOf('/'); at >= 0; at = key.indexOf('/', at + 1)) {
      const name = key.slice(0, at);
      let tiers = byObjective.get(name);
      if (!tiers) byObjective.set(name, (tiers = new Map<string, AlertState>()));
      tiers.set(key.slice(at + 1), state);
    }
  }
  return byObjective;
}

/** One frozen array of `undefined` per tier count, shared by every objective that has no saved alert state. */
const neverActiveByLength = new Map<number, readonly undefined[]>();
function neverActive(tiers: number): readonly undefined[] {
  let states = neverActiveByLength.get(tiers);
  if (!states) neverActiveByLength.set(tiers, (states = Object.freeze(new Array<undefined>(tiers).fill(undefined))));
  return states;
}

/**
 * How long an evaluation works before it lets the event loop turn: a gate answer takes well under a millisecond, so a
 * request arriving during an evaluation waits about as long again; the turns themselves cost microseconds.
 */
const EVALUATION_SLICE_MS = 2;

/** What an evaluation gathers besides statuses: transitions, alert states that changed, and alert keys to delete. */
interface EvaluationOutcome {
  readonly transitions: AlertTransition[];
  readonly changed: { key: string; value: unknown }[];
  readonly removed: string[];
}

/**
 * The runtime engine: ingested samples become term increases (SampleAppender), and every evaluation turns the
 * in-memory window sums into each objective's status, steps the alert state machines, persists alert state and tells
 * the transition listeners. The latest statuses are held in memory for readers (StatusReader).
 */
export class Engine implements SampleAppender, StatusReader, HistoryReader {
  readonly plan: Plan;
  readonly exclusions: Exclusions;
  private readonly series: Map<string, TermSeries>;
  /** One record per objective, in plan order: its plan, resolved terms and alert state. */
  private readonly objectives: ObjectiveState[];
  private readonly appender: Appender;
  private readonly fineKeep: DurationMs;
  private readonly sliceEnds = new Map<string, number>();
  private readonly listeners: TransitionListener[] = [];
  /** The latest statuses, and by name; undefined until read or evaluated (see `published`). */
  private statuses: SloStatus[] | undefined;
  private byName: Map<string, SloStatus> | undefined;
  /** When the engine was built: the time of the statuses read before the first evaluation. */
  private readonly builtAt: number;
  /** Each grouped objective's group statuses, the least budget left first. */
  private groupStatuses = new Map<string, readonly SloStatus[]>();
  private readonly registry: GroupRegistry;
  /** Alert states saved for groups, waiting for their group to be tracked again after a restart. */
  private readonly savedGroupAlerts = new Map<string, AlertState>();
  private resyncCursor = 0;
  private lastPrune = 0;
  private evaluating: Promise<EvaluationReport> | undefined;
  /** Composite SLOs, evaluated from their members' buckets after the plain objectives. */
  private readonly composites: Composites;
  private readonly objectiveByName: Map<string, ObjectiveState>;
  /** Fills pulled terms from their sources; undefined when nothing is pulled. */
  private readonly puller: Puller | undefined;
  /**
   * What building this engine took, stage by stage (plan, restore rings, series states, exclusions, alert states, objectives): a
   * restart's cost before its first evaluation, for bench/scale and the start log.
   */
  readonly startStages: readonly StageTiming[];

  constructor(private readonly options: EngineOptions) {
    const timer = new StageTimer();
    this.fineKeep = options.fineKeep ?? 6 * HOUR;
    const now = options.clock();
    // The store reads the minute buckets (what restoring them needs most) while the specs are planned.
    options.store.prefetchBuckets?.('fine', fineScanFrom(now, this.fineKeep));
    try {
      this.plan = planSpecs(options.specs, { remoteAvailable: options.remote !== undefined, ...(options.remote ? { remote: options.remote } : {}) });
      timer.lap('plan');
      this.series = restoreSeries(this.plan, options.store, now, this.fineKeep);
    } catch (error) {
      // Specs that do not plan (a reload with an error in them): nothing will take what is being read.
      options.store.endPrefetch?.();
      throw error;
    }
    timer.lap('restore rings');
    this.puller =
      options.remote && this.plan.pulls.size > 0
        ? new Puller({ store: options.store, series: this.series, remote: options.remote, pulls: [...this.plan.pulls.values()], fineKeep: this.fineKeep, settings: options.pullSettings ?? DEFAULT_PULL_SETTINGS, clock: options.clock, ...(options.log ? { log: options.log } : {}) })
        : undefined;
    this.registry = new GroupRegistry(this.plan.groupings, (key, term) => {
      if (this.series.has(key)) return;
      const kept = new TermSeries(key, { fineKeep: this.fineKeep, longestWindow: this.plan.terms.get(term)?.longestWindow ?? 0 });
      kept.restore(options.store, options.clock(), this.fineKeep);
      this.series.set(key, kept);
    });
    this.appender = new Appender({
      store: options.store,
      terms: [...this.plan.terms.values()].map((entry) => entry.term),
      series: this.series,
      seriesLimitPerTerm: options.seriesLimitPerTerm ?? 10_000,
      maxFuture: 10 * MINUTE,
      clock: options.clock,
      groups: this.registry,
    });
    this.dropUntrackedGroupSeries();
    timer.lap('series states');
    this.exclusions = new Exclusions(options.specs.slos, options.documents, options.journal, options.expandMaintenance ?? maintenanceRanges);
    timer.lap('exclusions');
    const saved = new Map<string, AlertState>();
    for (const mark of options.store.sliceMarks()) this.sliceEnds.set(mark.objective, mark.end);
    for (const { key, value } of options.store.alertStates()) {
      if (key.startsWith(ALERT_MARK)) {
        // A state that does not parse (corrupt, or from another version) reads as inactive rather than failing the start.
        const state = parseAlertState(value);
        if (state) saved.set(key.slice(ALERT_MARK.length), state);
      }
    }
    timer.lap('alert states');
    const savedTiers = savedByObjective(saved);
    this.objectives = this.plan.objectives.map((plan) => {
      const tiers = savedTiers.get(plan.name);
      const alertStates = tiers ? plan.tiers.map((tier) => tiers.get(tier.name)) : neverActive(plan.tiers.length);
      return { plan, resolved: this.resolve(plan), alertStates, groups: plan.grouping ? new Map<string, GroupState>() : undefined };
    });
    const grouped = new Set(this.objectives.filter((objective) => objective.groups).map((objective) => objective.plan.name));
    for (const [key, state] of saved) if (grouped.has(key.slice(0, key.indexOf('{')))) this.savedGroupAlerts.set(key, state);
    this.objectiveByName = new Map(this.objectives.map((objective) => [objective.plan.name, objective]));
    this.composites = new Composites(planComposites(options.specs.composites ?? [], this.plan.objectives), saved);
    this.lastPrune = now;
    this.builtAt = now;
    timer.lap('objectives');
    this.startStages = timer.stages;
  }

  /**
   * The statuses readers see. Before the first evaluation they say "not evaluated yet", built when first read rather
   * than at construction: a start would otherwise build a status per SLO that the first evaluation at once replaces
   * (issue 21: about a tenth of a restart's CPU).
   */
  private published(): { statuses: SloStatus[]; byName: Map<string, SloStatus> } {
    if (!this.statuses || !this.byName) {
      const statuses = this.objectives.map((objective) => statusOf(objective.plan, { reason: 'not evaluated yet' }, this.builtAt, objective.alertStates));
      const byName = new Map(statuses.map((status) => [status.name, status]));
      const composed = this.composites.size > 0 ? this.composites.initial(this.builtAt, byName) : [];
      for (const status of composed) byName.set(status.name, status);
      this.statuses = [...statuses, ...composed];
      this.byName = byName;
    }
    return { statuses: this.statuses, byName: this.byName };
  }

  /** An objective's SLI terms (ingested, or pulled for a remote one), and its slice terms, resolved once in `series`. */
  private resolve(plan: ObjectivePlan): ResolvedTerms | undefined {
    const terms = sliTerms(plan);
    if (!terms) return undefined;
    const sli = resolveSli(terms, this.series);
    return { sli, period: plan.slices ? resolveSli(sliceSides(plan.slices), this.series) : sli };
  }

  // SampleAppender
  get encodedSeries(): EncodedSeriesIndex {
    return this.appender.encodedSeries;
  }

  wantsMetric(name: string): boolean {
    return this.appender.wantsMetric(name);
  }

  append(series: readonly IncomingSeries[], protocol: IngestProtocol): AppendResult {
    return this.appender.append(series, protocol);
  }

  appendGroup(requests: readonly AppendRequest[]): AppendResult[] {
    return this.appender.appendGroup(requests);
  }

  ingestCounters(): { received: number; applied: number; dropped: Readonly<Record<string, number>> } {
    return this.appender.counters();
  }

  // StatusReader
  latest(): readonly SloStatus[] {
    return this.published().statuses;
  }

  get(name: string): SloStatus | undefined {
    return this.published().byName.get(name);
  }

  onTransitions(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  exclusionAdmin(): ExclusionAdmin {
    return this.exclusions;
  }

  listExclusions(slo?: string): ExclusionRecord[] {
    return this.exclusions.list(slo);
  }

  /** Events of a term over [from, to) as the engine holds them (tests and benchmarks compare these with brute force). */
  termEvents(term: string, from: number, to: number): number {
    return this.series.get(term)?.sum(from, to) ?? 0;
  }

  /**
   * Evaluates every objective at `now`. Concurrent calls share one evaluation.
   *
   * The per-objective work (slices, figures, alert steps, groups) runs in slices of about `evaluationSliceMs`, the event
   * loop turning between them, so a gate request or an ingest body waits for one slice rather than for every SLO
   * (issue 14's p99 under ingest: 10,000 SLOs take hundreds of ms). What the evaluation yields is unchanged by that:
   * - readers (`latest`, `get`, `groups`) and the store's alert states see one evaluation or the next, never part of
   *   one: statuses, group statuses and the objectives' alert states are kept aside and put in place together at the
   *   end, then the changed states are saved and the listeners told, as before;
   * - the objectives cannot change during it: an Engine's plan and objectives are fixed for its life, and a spec
   *   reload builds the next Engine only once this one's evaluation in flight is done (`settled`; see
   *   engine/component.ts for why it waits rather than restarting);
   * - samples, groups ingest admits and exclusions added between two slices are seen by the objectives evaluated after
   *   them: for those they arrived before the evaluation, for the earlier ones after it. Each objective's figures still
   *   come from one read of its terms, with no turn in between.
   * Stage timings are wall time, so they include the turns given to other work.
   */
  evaluate(now: number): Promise<EvaluationReport> {
    if (this.evaluating) return this.evaluating;
    this.evaluating = this.evaluateNow(now).finally(() => {
      this.evaluating = undefined;
    });
    return this.evaluating;
  }

  /** Resolves once no evaluation is in flight, whether it succeeded or failed. */
  settled(): Promise<void> {
    return (
      this.evaluating?.then(
        () => undefined,
        () => undefined,
      ) ?? Promise.resolve()
    );
  }

  private async evaluateNow(now: number): Promise<EvaluationReport> {
    const started = performance.now();
    const timer = new StageTimer();
    const slices = new TimeSlices(this.options.evaluationSliceMs ?? EVALUATION_SLICE_MS);
    // Remote SLIs' new minutes land in their buckets first; from there every objective is read the same way.
    if (this.puller) {
      await this.puller.tick(now);
      timer.lap('pull');
    }
    const store = this.options.store;
    if (store.foldInSteps) store.foldInSteps();
    else store.fold?.();
    timer.lap('fold');
    await this.completeSlices(now, slices);
    timer.lap('slices');
    const objectives = this.objectives;
    const statuses: SloStatus[] = new Array<SloStatus>(objectives.length);
    /** Each objective's alert states after this evaluation, put in place when it is published. */
    const nextStates = new Array<readonly (AlertState | undefined)[]>(objectives.length);
    const transitions: AlertTransition[] = [];
    const changed: { key: string; value: unknown }[] = [];
    for (let index = 0; index < objectives.length; index++) {
      if (slices.due()) await slices.turn();
      const objective = objectives[index]!;
      const figures = this.localFigures(objective.plan, objective.resolved, now);
      const previous = objective.alertStates;
      const backfill = this.puller?.status(objective.plan.name, now);
      if (backfill?.state === 'running') {
        // Alerts do not fire on history still being filled in: the states stand until the backfill is done.
        statuses[index] = { ...statusOf(objective.plan, figures, now, previous), backfill };
        nextStates[index] = previous;
        continue;
      }
      const evaluated = evaluateWithAlerts(objective.plan, figures, previous, now);
      statuses[index] = backfill ? { ...evaluated.status, backfill } : evaluated.status;
      for (const transition of evaluated.transitions) transitions.push(transition);
      for (let tier = 0; tier < objective.plan.tiers.length; tier++) {
        const state = evaluated.states[tier]!;
        if (!sameSavedState(previous[tier], state)) changed.push({ key: `${ALERT_MARK}${alertKey(objective.plan, tier)}`, value: state });
      }
      nextStates[index] = evaluated.states;
    }
    // Grouped objectives: every group is evaluated like an objective of its own; the objective's entry is the aggregate.
    const groupStatuses = new Map<string, readonly SloStatus[]>();
    const everyGroup: SloStatus[] = [];
    const removed: string[] = [];
    for (let index = 0; index < objectives.length; index++) {
      const objective = objectives[index]!;
      if (!objective.groups) continue;
      const groups = await this.evaluateGroups(objective, now, { transitions, changed, removed }, slices);
      groupStatuses.set(objective.plan.name, groups);
      for (const group of groups) everyGroup.push(group);
      statuses[index] = { ...statuses[index]!, groupCount: objective.groups.size, groupsOverflow: this.groupsOverflow(objective), worstGroups: worstOf(groups) };
    }
    // From here on nothing yields: the evaluation is published in one piece.
    for (let index = 0; index < objectives.length; index++) objectives[index]!.alertStates = nextStates[index]!;
    this.groupStatuses = groupStatuses;
    const byName = new Map<string, SloStatus>();
    for (const status of statuses) byName.set(status.name, status);
    if (this.composites.size > 0) {
      const composed = this.composites.evaluate(now, (name, windows, range) => this.memberFigures(name, windows, range, now), byName);
      for (const status of composed.statuses) byName.set(status.name, status);
      statuses.push(...composed.statuses);
      transitions.push(...composed.transitions);
      changed.push(...composed.changed);
    }
    this.statuses = statuses;
    this.byName = byName;
    timer.lap('evaluate');
    // Only the alert states that changed are written: a quiet tick writes nothing.
    this.options.store.saveAlertStates(changed, removed);
    this.resync(now);
    if (now - this.lastPrune >= HOUR) {
      this.options.store.prune(now);
      this.lastPrune = now;
    }
    timer.lap('persist');
    if (transitions.length > 0) for (const listener of this.listeners) listener(transitions);
    // Composites included: the components after the tick (notifications, freezes) see every SLO the readers see.
    return { statuses, transitions, groups: everyGroup, durationMs: performance.now() - started, stages: timer.stages };
  }

  /**
   * A grouped objective's groups at `now`, least budget first; their transitions, changed alert states and dropped
   * groups' keys are added to `out`. A group's alert states are stepped in place: only evaluations read them (readers
   * see groups through the statuses published at the end), and only the evaluation adds or drops groups.
   */
  private async evaluateGroups(objective: ObjectiveState, now: number, out: EvaluationOutcome, slices: TimeSlices): Promise<SloStatus[]> {
    const groups = objective.groups!;
    if (objective.groupsVersion !== this.registry.version) this.syncGroups(objective, now);
    const { plan } = objective;
    const statuses: SloStatus[] = [];
    for (const group of groups.values()) {
      if (slices.due()) await slices.turn();
      const figures = this.localFigures(plan, group.resolved, now);
      if (figures.period?.total === 0 && now - group.since >= plan.period && resolvedCounts(group.resolved.sli, now - plan.period, now, []).total === 0) {
        // Silent for a whole period: the group goes, with its alert state and buckets in memory (the store prunes them).
        this.dropGroup(objective, group, out.removed);
        continue;
      }
      const evaluated = evaluateWithAlerts(plan, figures, group.alertStates, now);
      const status: SloStatus = { ...evaluated.status, group: group.labels };
      statuses.push(status);
      for (const transition of evaluated.transitions) out.transitions.push({ ...transition, slo: status });
      for (let tier = 0; tier < group.alertKeys.length; tier++) {
        const state = evaluated.states[tier]!;
        if (!sameSavedState(group.alertStates[tier], state)) out.changed.push({ key: `${ALERT_MARK}${group.alertKeys[tier]!}`, value: state });
      }
      group.alertStates = evaluated.states;
    }
    return statuses.sort(byBudgetLeft);
  }

  /** Tracks the groups ingest has admitted since the last evaluation (up to `maxGroups`) and re-resolves their terms. */
  private syncGroups(objective: ObjectiveState, now: number): void {
    const { plan } = objective;
    const groups = objective.groups!;
    const grouping = plan.grouping!;
    for (const term of this.groupedTerms(plan)) {
      for (const [id, labels] of this.registry.groups(term, grouping.labels)) {
        if (groups.has(id) || groups.size >= grouping.max) continue;
        const sli = groupSliTerms(sliTerms(plan)!, id);
        const alertKeys = plan.tiers.map((tier) => `${plan.name}${id}/${tier.name}`);
        const alertStates = alertKeys.map((key) => this.savedGroupAlerts.get(key));
        for (const key of alertKeys) this.savedGroupAlerts.delete(key);
        groups.set(id, { id, labels, sli, resolved: { sli: resolveSli(sli, this.series), period: resolveSli(sli, this.series) }, alertKeys, alertStates, since: now });
      }
    }
    for (const group of groups.values()) {
      const resolved = resolveSli(group.sli, this.series);
      group.resolved = { sli: resolved, period: resolved };
    }
    objective.groupsVersion = this.registry.version;
  }

  /** Groups seen past the cap: the most any of the objective's terms saw, plus those tracked by a term but not here. */
  private groupsOverflow(objective: ObjectiveState): number {
    const { plan } = objective;
    const labels = plan.grouping!.labels;
    const seen = new Set<string>();
    let overflow = 0;
    for (const term of this.groupedTerms(plan)) {
      overflow = Math.max(overflow, this.registry.overflow(term, labels));
      for (const id of this.registry.groups(term, labels).keys()) seen.add(id);
    }
    let untracked = 0;
    for (const id of seen) if (!objective.groups!.has(id)) untracked++;
    return overflow + untracked;
  }

  private groupedTerms(plan: ObjectivePlan): string[] {
    const terms = sliTerms(plan);
    if (!terms) return [];
    return [...new Set([...terms.total, ...terms.good].map((signed) => signed.term.key))];
  }

  private dropGroup(objective: ObjectiveState, group: GroupState, removed: string[]): void {
    objective.groups!.delete(group.id);
    for (const key of group.alertKeys) removed.push(`${ALERT_MARK}${key}`);
    for (const term of this.groupedTerms(objective.plan)) {
      this.registry.forget(term, objective.plan.grouping!.labels, group.id);
      if (!this.registry.admits(term, group.id)) this.series.delete(groupTermKey(term, group.id));
    }
  }

  /** Group series found in the store that no grouping tracks (dropped, or past a lowered cap) are not kept in memory. */
  private dropUntrackedGroupSeries(): void {
    for (const key of [...this.series.keys()]) {
      const at = key.indexOf(' @ {');
      if (at >= 0 && !this.registry.admits(key.slice(0, at), key.slice(at + 3))) this.series.delete(key);
    }
  }

  /** A grouped SLO's groups, least budget first: undefined when no objective has this name. */
  groups(name: string): readonly SloStatus[] | undefined {
    if (!this.published().byName.has(name)) return undefined;
    return this.groupStatuses.get(name) ?? [];
  }

  /** Decides the Timeslices objectives' slices that ended by `now`, saves them and adds them to the slice terms. */
  private async completeSlices(now: number, slices: TimeSlices): Promise<void> {
    const increases = [];
    const marks: SliceMark[] = [];
    for (const plan of this.plan.objectives) {
      if (!plan.slices) continue;
      if (slices.due()) await slices.turn();
      const width = plan.slices.width;
      // At an objective's first evaluation, every slice of the period is decided from the buckets already stored.
      const lastEnd = this.sliceEnds.get(plan.name) ?? Math.floor(periodRange(plan.slo.window, now).start / width) * width;
      const done = completeSlices(plan, lastEnd, now, this.series, (from, to) => this.exclusions.ranges(plan.slo.name, from, to), now - this.fineKeep);
      if (done.lastEnd !== lastEnd || !this.sliceEnds.has(plan.name)) {
        this.sliceEnds.set(plan.name, done.lastEnd);
        marks.push({ objective: plan.name, end: done.lastEnd });
      }
      increases.push(...done.increases);
    }
    // The mark is saved first: a crash between the two writes loses a slice rather than counting it twice.
    this.options.store.saveSliceMarks(marks);
    this.options.store.commit(increases, []);
    for (const increase of increases) this.series.get(increase.term)?.add(increase.bucket, increase.value);
  }

  private localFigures(plan: ObjectivePlan, resolved: ResolvedTerms | undefined, now: number): ObjectiveFigures {
    const source = plan.source;
    if (source.kind === 'none') return { reason: source.reason };
    if (!resolved) return { reason: 'no remote source is configured' };
    const period = periodRange(plan.slo.window, now);
    const oldest = Math.min(period.start, now - (plan.windows[plan.windows.length - 1] ?? 0));
    const excluded = this.exclusions.ranges(plan.slo.name, oldest, now);
    // Timeslices: burn rates count decided slices like the budget does (a slice touching an exclusion is never decided).
    const windows = plan.slices ? windowCounts(resolved.period, plan.windows, this.decidedThrough(plan, now), []) : windowCounts(resolved.sli, plan.windows, now, excluded);
    const periodCounts = resolvedCounts(resolved.period, period.start, period.end, plan.slices ? [] : excluded);
    const coverage = coverageOf(resolved.period, period.start, now, plan.slo.window.kind === 'rolling' ? plan.slo.window.duration : now - period.start);
    return { period: periodCounts, windows, coverage };
  }

  /**
   * Where a Timeslices objective's burn-rate windows end: at its newest decided slice, not at `now`. A slice is decided
   * by the first evaluation after it ends, so a window ending at `now` always has an undecided stretch at its end; a
   * window no longer than a slice (a 7-day period's 1-minute page-fast window) then held no slice at all, and never paged.
   */
  private decidedThrough(plan: ObjectivePlan, now: number): number {
    return Math.min(now, this.sliceEnds.get(plan.name) ?? now);
  }

  /** A plain member's figures over a composite's burn-rate windows and period (its own exclusions apply). */
  private memberFigures(name: string, windows: readonly DurationMs[], range: { start: number; end: number }, now: number): ObjectiveFigures {
    const member = this.objectiveByName.get(name);
    if (!member) return { reason: `no SLO objective is named ${name}` };
    const { plan, resolved } = member;
    if (plan.source.kind === 'none') return { reason: `${name}: ${plan.source.reason}` };
    if (!resolved) return { reason: `${name}: no remote source is configured` };
    const oldest = Math.min(range.start, now - (windows[windows.length - 1] ?? 0));
    const excluded = this.exclusions.ranges(plan.slo.name, oldest, now);
    const counted = plan.slices ? windowCounts(resolved.period, windows, this.decidedThrough(plan, now), []) : windowCounts(resolved.sli, windows, now, excluded);
    const period = resolvedCounts(resolved.period, range.start, range.end, plan.slices ? [] : excluded);
    const coverage = coverageOf(resolved.period, range.start, now, range.end > range.start ? now - range.start : 0);
    return { period, windows: counted, coverage };
  }

  /** Re-reads a few terms from the store each tick, so memory and disk cannot drift apart for long. */
  private resync(now: number): void {
    const keys = [...this.series.keys()];
    if (keys.length === 0) return;
    const count = Math.min(keys.length, this.options.resyncPerTick ?? 4);
    for (let i = 0; i < count; i++) {
      const key = keys[(this.resyncCursor + i) % keys.length]!;
      this.series.get(key)?.restore(this.options.store, now, this.fineKeep);
    }
    this.resyncCursor = (this.resyncCursor + count) % keys.length;
  }

  /** BackfillAdmin: fills the named SLOs' periods again from their sources (every pulled SLO when none is named). */
  backfill(slos: readonly string[] | undefined, now: number): string[] {
    const pulled = new Set([...this.plan.pulls.values()].flatMap((pull) => pull.objectives));
    const chosen: string[] = [];
    for (const slo of slos ?? []) {
      const objectives = this.plan.objectives.filter((plan) => plan.slo.name === slo || plan.name === slo);
      if (objectives.length === 0) throw notFound(`no SLO is named ${slo}`);
      const filled = objectives.filter((plan) => pulled.has(plan.name));
      if (filled.length === 0) throw new SloeError('no_source', `SLO ${slo} is not pulled from a source (a remote SLI, or spec.backfill.source)`, { status: 409 });
      chosen.push(...filled.map((plan) => plan.name));
    }
    const objectives = slos === undefined || slos.length === 0 ? [...pulled] : chosen;
    const puller = this.puller;
    if (!puller) return objectives;
    puller.restart(objectives, now);
    // Readers see the backfill running at once, not only from the next evaluation.
    this.statuses = this.published().statuses.map((status) => {
      const backfill = objectives.includes(status.name) ? puller.status(status.name, now) : undefined;
      return backfill ? { ...status, backfill } : status;
    });
    this.byName = new Map(this.statuses.map((status) => [status.name, status]));
    return objectives;
  }

  /** Pulls everything due at `now` and waits for every backfill to finish, without evaluating (replay fills first). */
  async fill(now: number): Promise<void> {
    if (!this.puller) return;
    await this.puller.tick(now);
    await this.puller.idle();
    const failures = this.puller.failures();
    if (failures.length > 0) throw new SloeError('source_unavailable', `the history could not be pulled: ${failures.join('; ')}`, { status: 503 });
  }

  /** Resolves once no backfill is running (tests and `sloe replay` wait for history to be filled). */
  backfillSettled(): Promise<void> {
    return this.puller?.idle() ?? Promise.resolve();
  }

  /** Stops background work (a running backfill, after its current chunk). */
  close(): Promise<void> {
    return this.puller?.close() ?? Promise.resolve();
  }

  /**
   * HistoryReader. A composite's history is combined from its members' buckets. With `group`: that group of a grouped
   * SLO, read from its own buckets as the engine evaluates the group; undefined when the SLO has no such group, and
   * SloeError 400 when the SLO is not grouped or the labels are not its `groupBy`.
   */
  history(name: string, from: number, to: number, step: number, group?: Labels): HistoryPoint[] | undefined {
    const request = { from, to, step, now: this.options.clock(), fineKeep: this.fineKeep };
    const composite = this.composites.plan(name);
    if (composite) {
      if (group !== undefined) throw notGrouped(name);
      const objective = (member: string) => this.objectiveByName.get(member)?.plan;
      return compositeHistoryOf(composite.plan, { plans: composite.plans, objective, store: this.options.store, exclusions: this.exclusions }, request);
    }
    const objective = this.objectiveByName.get(name);
    if (!objective) return undefined;
    let plan = objective.plan;
    if (group !== undefined) {
      if (!plan.grouping || plan.source.kind !== 'embedded') throw notGrouped(name);
      const expected = plan.grouping.labels;
      const given = Object.keys(group);
      if (given.length !== expected.length || !given.every((label) => expected.includes(label))) {
        throw badRequest(`SLO ${name} is grouped by ${expected.join(', ')}: name a group by exactly those labels (group.LABEL=VALUE), not ${given.join(', ')}`, 'bad_group');
      }
      const id = groupId(group, expected);
      if (!objective.groups?.has(id)) return undefined;
      plan = { ...plan, source: { kind: 'embedded', sli: groupSliTerms(plan.source.sli, id) } };
    }
    return historyOf(plan, this.options.store, this.exclusions, request);
  }

  events(name: string, ranges: readonly { readonly from: number; readonly to: number }[]): RangeEvents | undefined {
    const plan = this.plan.objectives.find((candidate) => candidate.name === name);
    if (!plan) return undefined;
    return { window: plan.slo.window, counts: rangeEventsOf(plan, this.options.store, this.exclusions, ranges, this.options.clock(), this.fineKeep) };
  }
}

function notGrouped(name: string): SloeError {
  return badRequest(`SLO ${name} has no groups (no spec.groupBy): leave out group.LABEL parameters`, 'not_grouped');
}

/** Least budget left first; groups without data (unknown budget) last, then by name for a stable order. */
function byBudgetLeft(a: SloStatus, b: SloStatus): number {
  const left = a.errorBudget.remaining;
  const right = b.errorBudget.remaining;
  if (left !== right) {
    if (left === null) return 1;
    if (right === null) return -1;
    return left - right;
  }
  return JSON.stringify(a.group).localeCompare(JSON.stringify(b.group));
}

/** The few groups a reader of the aggregate should know of: the least budget left, with data. */
function worstOf(groups: readonly SloStatus[]): NonNullable<SloStatus['worstGroups']> {
  return groups
    .filter((group) => group.errorBudget.remaining !== null)
    .slice(0, 3)
    .map((group) => ({ group: group.group ?? {}, budgetRemaining: group.errorBudget.remaining, status: group.status }));
}

