import { SloeError, parseDuration } from '../core/index.js';
import type { DurationMs } from '../core/index.js';

/**
 * A duration key's value in milliseconds. The table's schema has already checked the text, so a value that still
 * does not parse is a bug in that schema, reported as such rather than replaced by a default.
 */
export function durationMs(key: string, text: string): DurationMs {
  const ms = parseDuration(text);
  if (ms === undefined) throw new SloeError('config_invalid', `${key}: ${JSON.stringify(text)} is not a duration such as 30s, 5m or 90d`);
  return ms;
}
