import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../core/index.js';
import type { DurationMs } from '../core/index.js';

export const SLO_PERIOD_HELP = "the period of Sloth SLOs, whose files cannot state one (as Sloth's own flag; 28d, 7d...)";

/** Commander's parser for `--default-slo-period`: a bad value is a usage error (exit 2) naming the flag. */
export function sloPeriodArgument(text: string): string {
  const period = parseDuration(text);
  if (period === undefined || period <= 0) throw new InvalidArgumentError(`expected a duration such as 30d, 28d or 7d, got ${text}`);
  return text;
}

/** The load option for a period already checked (by the flag's parser or the configuration's schema). */
export function sloPeriodOption(text: string | undefined): { defaultSloPeriod?: DurationMs } {
  const period = text === undefined ? undefined : parseDuration(text);
  return period === undefined ? {} : { defaultSloPeriod: period };
}
