import { METRIC_NAME_LABEL } from './selector.js';

/** One series at the evaluation instant; its labels include `__name__`. */
export interface InstantSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export type InstantValue = { readonly kind: 'scalar'; readonly value: number } | { readonly kind: 'vector'; readonly series: readonly InstantSeries[] };

/** Arithmetic and `bool` comparisons change what a series measures, so Prometheus drops its metric name. */
export function withoutName(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { [METRIC_NAME_LABEL]: _name, ...rest } = labels;
  return rest;
}
