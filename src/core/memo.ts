/**
 * `compute` remembered by its argument, forgetting everything once `limit` values are held: for lookups whose keys
 * repeat (a handful of windows, targets, timestamps or header values) on paths taken per SLO per tick or per request,
 * where arbitrary input must still not grow the memo without end. `compute` must not return undefined.
 */
export function boundedMemo<K, V>(limit: number, compute: (key: K) => V): (key: K) => V {
  const memo = new Map<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = compute(key);
      if (memo.size >= limit) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
}
