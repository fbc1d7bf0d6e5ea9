import type { ThresholdOp } from '../model.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** How a gauge's samples become events: every sample is one event, or only the samples where `value op threshold` holds. */
export type GaugeMode =
  | { readonly mode: 'count' }
  | { readonly mode: 'threshold'; readonly op: ThresholdOp; readonly threshold: number };

/**
 * One series selector the engine keeps from raw samples, and how its samples become events.
 * Counter terms count increases (resets and baselines handled by the engine); gauge terms count samples.
 */
export interface Term {
  /** Canonical text: identical selectors give identical keys, so SLOs sharing a selector share its buckets. */
  readonly key: string;
  /** The metric name (`__name__`). */
  readonly metric: string;
  /** The other matchers, sorted by name, operator and value. */
  readonly matchers: readonly LabelMatcher[];
  readonly kind: 'counter' | 'gauge';
  readonly gauge?: GaugeMode;
}

export interface SignedTerm {
  readonly term: Term;
  readonly sign: 1 | -1;
}

/** Events of each side are Σ sign · increase(term) over the window (a term may appear more than once). */
export interface CompiledSli {
  readonly good: readonly SignedTerm[];
  readonly total: readonly SignedTerm[];
}

/** Which of an SLI's queries a compile problem is in, so `from`/`to` can be mapped onto the right spec node. */
export type SliQueryRole = 'good' | 'bad' | 'total' | 'histogram' | 'metric' | 'query';

export type CompileResult =
  | { readonly ok: true; readonly sli: CompiledSli }
  | {
      readonly ok: false;
      readonly reason: string;
      /** Offsets into the query text (0-based, end exclusive). */
      readonly from?: number;
      readonly to?: number;
      readonly query?: SliQueryRole;
    };

export type QueryResult =
  | { readonly ok: true; readonly terms: SignedTerm[] }
  | { readonly ok: false; readonly reason: string; readonly from?: number; readonly to?: number };

export type ParseResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly from: number; readonly to: number };
