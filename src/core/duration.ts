import type { DurationMs } from './model.js';

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
} as const;

type Unit = keyof typeof UNIT_MS;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/y;

/**
 * Parses a Prometheus-style duration (`5m`, `1h30m`, `30d`, `250ms`). Returns undefined when it is not one.
 * Calendar units (`M`, `Q`) are not durations; the spec loaders handle them as calendar windows.
 */
export function parseDuration(text: string): DurationMs | undefined {
  if (text.length === 0) return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let position = 0;
  while (position < text.length) {
    PART.lastIndex = position;
    const match = PART.exec(text);
    if (!match) return undefined;
    const [, amount, unit] = match;
    total += Number(amount) * UNIT_MS[unit as Unit];
    position = PART.lastIndex;
  }
  return Number.isFinite(total) && total > 0 ? total : undefined;
}

/** Formats milliseconds as the shortest Prometheus duration (`5m`, `1h30m`, `30d`). */
export function formatDuration(ms: DurationMs): string {
  if (ms <= 0) return '0s';
  const order: Unit[] = ['d', 'h', 'm', 's', 'ms'];
  // Weeks and years read worse than days in window names (`7d`, not `1w`), so they are not produced.
  let rest = Math.round(ms);
  let out = '';
  for (const unit of order) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

export const MINUTE: DurationMs = UNIT_MS.m;
export const HOUR: DurationMs = UNIT_MS.h;
export const DAY: DurationMs = UNIT_MS.d;
