import type { SignedTerm } from '../core/index.js';

const sliceSidesCache = new WeakMap<object, { good: SignedTerm[]; total: SignedTerm[] }>();

/** An objective's slice counts read as an SLI over its two synthetic slice terms. */
export function sliceSides(slices: { readonly good: string; readonly total: string }): { good: SignedTerm[]; total: SignedTerm[] } {
  let sides = sliceSidesCache.get(slices);
  if (!sides) {
    const side = (key: string): SignedTerm[] => [{ term: { key, metric: key, matchers: [], kind: 'counter' }, sign: 1 }];
    sides = { good: side(slices.good), total: side(slices.total) };
    sliceSidesCache.set(slices, sides);
  }
  return sides;
}
