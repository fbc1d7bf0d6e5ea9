import type { Node } from 'yaml';
import type { Problem, AlertTier, BudgetPolicy, CompositeSlo, DurationMs, Service, Slo } from '../core/index.js';
import type { Position } from './context.js';
import type { SpecObject } from './parse.js';

/** The header every spec object is recognised by. */
export interface Header {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** Sloth's `version: "prometheus/v1"` files have no apiVersion. */
  readonly version?: string;
  /** The apiVersion (or version) value, for problems about it. */
  readonly versionNode?: Node;
  /** slo-generator's shared configuration has no apiVersion either: it is known by its `error_budget_policies` key. */
  readonly errorBudgetPolicies?: boolean;
}

export interface Located<T> {
  readonly value: T;
  readonly at: Position;
}

export interface LocatedComposite extends Located<CompositeSlo> {
  /** Per member: where its `slo` and `objective` are written. */
  readonly members: readonly { readonly slo: Position; readonly objective?: Position }[];
}

/** What loading has produced so far, shared by the format loaders. */
export interface LoadState {
  readonly problems: Problem[];
  readonly remoteSources: readonly string[];
  /** A source an SLI names must be one of `remoteSources` (see LoadOptions). */
  readonly onlyConfiguredSources: boolean;
  /** The period of SLOs whose format cannot state one (Sloth's `--default-slo-period`). */
  readonly defaultSloPeriod: DurationMs;
  /** Custom alert-window tables (Sloth AlertWindows) by SLO period. */
  readonly alertTables: Map<DurationMs, Located<AlertTier[]>>;
  readonly slos: Located<Slo>[];
  /** Composite SLOs (sloe/v1 `spec.composite`), with where each member is named; checked once all are loaded. */
  readonly composites: LocatedComposite[];
  /** Services declared by a Service object. */
  readonly services: Located<Service>[];
  readonly policies: Located<BudgetPolicy>[];
}

/**
 * One format: "is this mine?" then "load into the model". `define` runs first over every object of every file, so
 * definitions that others refer to (OpenSLO SLIs, alert policies; Sloth alert windows) exist before `load` runs.
 */
export interface FormatLoader {
  readonly name: string;
  /** The apiVersions (or Sloth versions) this loader reads, for "did you mean" suggestions. */
  readonly versions: readonly string[];
  claims(header: Header): boolean;
  define?(object: SpecObject, header: Header, state: LoadState): void;
  load(object: SpecObject, header: Header, state: LoadState): void;
  /** After every object is loaded (resolving references across files). */
  finish?(state: LoadState): void;
}
