/**
 * What one delivery attempt came to:
 * - `delivered`: the receiver accepted it;
 * - `retry`: a failure worth trying again (network, timeout, 408, 425, 429, 5xx), after `retryAfterMs` when the
 *   receiver said;
 * - `rejected`: the receiver refused it for good (any other 4xx); retrying would not help.
 */
export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly status: number }
  | { readonly outcome: 'retry'; readonly reason: string; readonly status?: number; readonly retryAfterMs?: number }
  | { readonly outcome: 'rejected'; readonly reason: string; readonly status: number };
