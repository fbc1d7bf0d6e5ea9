import type { KnownSeries, Term } from '../core/index.js';
import type { MutableSeriesState } from './counter.js';

/** Where a series' events of one term also go: its group's keys under every grouping of the term. */
export interface GroupTargets {
  readonly version: number;
  readonly targets: readonly { readonly term: Term; readonly key: string }[];
}

/**
 * One series some term reads, as the appender keeps it: its terms, and its counter state advanced in place. The same
 * object is the series' committed `SeriesState` (the store keeps it by reference), the handle decoders get back from
 * the encoded-labels index, and the group commit's working copy: the first time a group touches it, the committed
 * fields are saved in `saved*`, so a commit that fails restores them. No object per sample or per group.
 */
export class TrackedSeries implements MutableSeriesState, KnownSeries {
  lastTimestamp = 0;
  lastValue = 0;
  startTime = 0;
  /** Whether any sample was applied yet (the first is only the counter's baseline). */
  seen = false;
  /** The group commit that last touched this series. */
  group = 0;
  /**
   * The committed state the group `group` found, made the first time a group touches the series and reused after.
   * Not a field per value: a double field is a heap box of its own in V8, and a restart builds 200,000 series at
   * 100k SLOs before any of them is touched (issue 21: three boxes and four fields fewer per series).
   */
  private saved: SavedState | undefined;
  /** Whether the group `group` advanced it (so it goes to the store). */
  advanced = false;
  /** The group keys its events also go to, worked out once per version of the group registry. */
  groupTargets: GroupTargets | undefined;
  /** Remote write does not say whether a series is a counter: one only gauge terms read is a level. */
  readonly gaugeOnly: boolean;

  constructor(
    readonly key: string,
    readonly terms: readonly Term[],
    /** The appender that made it: a handle from an appender since replaced (a reload) is resolved again by key. */
    readonly owner: object,
  ) {
    this.gaugeOnly = terms.every((term) => term.kind === 'gauge');
  }

  /** Called the first time group `group` touches the series. */
  enterGroup(group: number): void {
    this.group = group;
    const saved = (this.saved ??= new SavedState());
    saved.lastTimestamp = this.lastTimestamp;
    saved.lastValue = this.lastValue;
    saved.startTime = this.startTime;
    saved.seen = this.seen;
    this.advanced = false;
  }

  /** The group's commit failed: back to the committed state (`enterGroup` ran first, so `saved` is there). */
  restore(): void {
    const saved = this.saved!;
    this.lastTimestamp = saved.lastTimestamp;
    this.lastValue = saved.lastValue;
    this.startTime = saved.startTime;
    this.seen = saved.seen;
    this.advanced = false;
  }
}

/** A series' committed counter state, as the group that is advancing it found it. */
class SavedState {
  lastTimestamp = 0;
  lastValue = 0;
  startTime = 0;
  seen = false;
}
