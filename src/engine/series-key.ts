import type { Labels } from '../core/index.js';

/** The canonical text of a label set (sorted pairs as JSON), so the same series always has the same key. */
export function seriesKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return JSON.stringify(names.map((name) => [name, labels[name]]));
}
