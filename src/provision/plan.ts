/** One change a target would make: what, to which item, and a diff of it for `--dry-run`. */
export interface PlannedChange {
  readonly action: 'create' | 'update' | 'delete' | 'reload';
  readonly item: string;
  readonly diff: string;
}

/** What a target would change, and how to do it. `apply` makes the changes in order and stops at the first failure. */
export interface TargetPlan {
  readonly target: string;
  readonly changes: readonly PlannedChange[];
  apply(onApplied: (change: PlannedChange) => void): Promise<void>;
}
