export type * from './model.js';
export type { CompositeMemberStatus, CompositeStatus } from './composite.js';
export { COMPOSITE_METHODS } from './composite.js';
export type { AlertStateName, AlertStatus, AlertTransition, BackfillStatus, Decision, SloHealth, SloStatus } from './status.js';
export type {
  AppendRequest,
  AppendResult,
  DocumentStore,
  EncodedSeriesIndex,
  IncomingSeries,
  KnownSamples,
  KnownSeries,
  IngestProtocol,
  Journal,
  JournalEntry,
  JournalPosition,
  JournalQuery,
  SampleAppender,
  StatusReader,
  TransitionListener,
  BucketResolution,
  BucketColumns,
  BucketRow,
  EngineStore,
  RemoteCounts,
  RemoteSliQuery,
  RangeAnswer,
  RangePoint,
  RemoteSeries,
  RemoteTermQuery,
  BackfillAdmin,
  SeriesState,
  SliceMark,
  TermIncrease,
  ExclusionAdmin,
  ExclusionRecord,
  HistoryPoint,
  HistoryReader,
  EventsReader,
  RangeEvents,
  Component,
  Evaluation,
  IncidentEvent,
  IncidentQuery,
  IncidentRecord,
  IncidentStore,
} from './ports.js';
export { COARSE_BUCKET_MS, FINE_BUCKET_MS } from './ports.js';
export { bytesEqual, hashBytes, viewOf } from './byte-hash.js';
export { boundedMemo } from './memo.js';
export { SloeError, badRequest, formatProblem, notFound } from './errors.js';
export type { Problem } from './errors.js';
export { workerEntry } from './worker-entry.js';
export type { AnsweredRun, AnswerTemplate, FrontGateSource, GateAsk, TemplateChanges, TemplateUpdate } from './front-gates.js';
export { DAY, HOUR, MINUTE, formatDuration, parseDuration } from './duration.js';
export { DEFAULT_TIERS, REFERENCE_PERIOD, alertWindows, burnRateThreshold, periodWindows, tiersForPeriod } from './tiers.js';
export type { TierTemplate } from './tiers.js';
export { DEFAULT_MAX_GROUPS, groupId, groupLabelsOf, groupSelector, groupTermKey, maxGroupsOf, objectiveIdentity } from './groups.js';
export { nominalPeriod, objectiveName, sliQueries, windowLabel } from './slo.js';
export { sharePercent } from './share.js';
export { GROUP_LABEL, INFO_LABELS, LABELS, MEMBER_LABEL, METRICS, SEVERITY_LABEL, SLOTH_SEVERITY_LABEL, TIER_LABEL } from './names.js';
export type { LabelProfile } from './names.js';
export { MatcherIndex, termMatches } from './sli/index.js';
export {
  compileQuery,
  compileSli,
  escapeRegex,
  evaluateInstant,
  findWindowPlaceholders,
  formatBound,
  formatMatcher,
  formatName,
  formatSummedSelector,
  hasWindowPlaceholder,
  maskWindowPlaceholders,
  mergeTerms,
  parseBound,
  parsePromql,
  readSummedSelector,
  substituteWindow,
} from './promql/index.js';
export type {
  CompileResult,
  CompiledSli,
  GaugeMode,
  InstantSeries,
  InstantValue,
  LabelMatcher,
  MatchOp,
  ParseResult,
  QueryResult,
  SignedTerm,
  SliQueryRole,
  SummedSelector,
  Term,
  WindowPlaceholder,
} from './promql/index.js';
export { isValidTimeZone, periodBounds, startOfLocalDay, zoneOffset } from './calendar.js';
export { ALERT_STATE_RANK, INACTIVE, alertTransitions, compareAlertStates, noDataActive, parseAlertState, sameSavedState, step } from './alerting/index.js';
export type { AlertState, StepOptions } from './alerting/index.js';
export {
  DEFAULT_TIME_SLICE,
  DEFAULT_WARNING_LEVEL,
  NO_COUNTS,
  budgetConsumed,
  budgetTotal,
  buildStatus,
  burnRate,
  evaluateObjective,
  healthOf,
  sliOf,
  sliceLength,
  sliceOutcome,
  tierClass,
} from './budget/index.js';
export type { Counts, HealthInput, ObjectiveEvaluation, ObjectiveInput, SliceMethod, StatusInput, TierFigures } from './budget/index.js';
export { excludedOverlap, excludedRanges, includedFraction, isExcluded, mergeRanges } from './exclusions.js';
export type { TimeRange } from './exclusions.js';
export { UNRESTRICTED_CALLER, callerOrOpen, holds } from './auth.js';
export { requestHeader } from './request-header.js';
export { parseStep, parseTime, positiveInteger } from './request-params.js';
export type { HeaderSource } from './request-header.js';
export type { Caller, RouteAccess, RouteCheck, Scope } from './auth.js';
export {
  DEFAULT_EVIDENCE,
  DEFAULT_ON_INSUFFICIENT_DATA,
  DEFAULT_POLICY,
  DEFAULT_POLICY_NAME,
  DEFAULT_FREEZE_ACTIONS,
  DEFAULT_THAW_MARGIN,
  REASON_PLACEHOLDERS,
  applicableFreezes,
  assessEvidence,
  currentBurn,
  evidenceRule,
  expectedThaw,
  isBudgetRule,
  onInsufficientData,
  decideGate,
  decideSlo,
  fillReason,
  matchOverride,
  namedEnvironments,
  percent,
  policyForService,
  policyForSlo,
  quotedBurnRate,
  ruleMatches,
  selectorSpecificity,
  worse,
  DEFAULT_GROUPED_SLOS,
  GROUPED_SLOS,
  groupNote,
  groupWithoutData,
  groupedSlosOf,
  isGroupedAggregate,
  judgedEntry,
  narrowToGroup,
  worstGroup,
} from './policy/index.js';
export type { GroupLookup, Narrowed } from './policy/index.js';
export type { CoveredSlo, Evidence, GateRequest, GateVerdict, ManualFreeze, OverrideRecord, PeriodEvidence, ReasonContext, ReasonPlaceholder, SloPeriod, SloVerdict, ThawPeriod } from './policy/index.js';
