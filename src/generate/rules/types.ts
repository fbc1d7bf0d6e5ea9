import type { DurationMs, LabelProfile, Labels } from '../../core/index.js';

/** A Prometheus recording rule, as it appears in a rule file. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Labels;
}

/** A Prometheus alerting rule, as it appears in a rule file. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** A Prometheus duration (`2m`); absent when the alert fires at once. */
  readonly for?: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval of the group (`1m`); absent means Prometheus's global one. */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** One service's rule file: what `promtool check rules` reads and Prometheus, Thanos Ruler or Mimir load. */
export interface RuleFile {
  readonly service: string;
  /** File name (no folder), safe on every file system: `checkout.rules.yaml`. */
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
}

export interface RuleOptions {
  /** Label keys: sloe's `slo_*` or Sloth's `sloth_*`. */
  readonly labelProfile: LabelProfile;
  /** Put long-window rules (windows of a day or more, and the period) in their own group with `longInterval`. */
  readonly split: boolean;
  /** Evaluation interval of every group but the long-window one. Period event counts depend on it. */
  readonly interval: DurationMs;
  /** Evaluation interval of the long-window group in split mode. */
  readonly longInterval: DurationMs;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  labelProfile: 'default',
  split: false,
  interval: 60_000,
  longInterval: 300_000,
};

/** Where a generated rule goes: the assembler turns placements into groups (split mode separates `long`). */
export type Placement = 'sli' | 'long' | 'meta' | 'alert';

export interface PlacedRule {
  readonly placement: Placement;
  readonly rule: Rule;
}
