import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what a full collection left alive before it marks again: 100 means
 * to twice the live heap.
 *
 * Why sloe serve sets it: once V8's memory reducer has shrunk the heap after a quiet spell, it keeps the heap growing
 * "slowly" (at most 1.3 times the live heap) until it has done its own collections, which it only starts while
 * allocation is low. Under a sustained load that never happens, and with a live heap of 40-60 MB the room left (0.3
 * of it) is less than the young generation, so V8 starts marking again as soon as a full collection ends: one
 * mark-compact every 200-400 ms, 6-24 ms each, for as long as the load lasts (bench/gate/NOTES.md, "Snappy without a
 * buffer per request, and the memory reducer's slow growth"). A fixed factor replaces the one V8 would choose in every
 * mode, so that state cannot arise; the cost is an old generation up to twice the live heap, where V8 otherwise allows
 * up to four times it. V8 reads the flag each time it sets the limit, so it takes effect when set at run time.
 */
const HEAP_GROWING_PERCENT = 100;

/** Sets the growth factor for this process, unless Node was started with its own `--heap-growing-percent`. */
export function steadyHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((flag) => /^--heap[-_]growing[-_]percent\b/.test(flag))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
