/** Number formats shared by every page: percentages for ratios, two decimals for burn rates, a dash for no data. */
export const DASH = '–';

export function percent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** SLIs sit near 100 %; show enough digits to tell 99.95 % from 99.9 %. */
export function sliText(ratio: number | null | undefined): string {
  return percent(ratio, ratio !== null && ratio !== undefined && ratio > 0.99 ? 3 : 2);
}

export function burn(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(2);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))}m`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

export function time(iso: string | number): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d` → seconds; calendar windows (`calendar-month`) → their usual length. */
export function windowSeconds(label: string): number {
  const calendar: Record<string, number> = { 'calendar-week': 7, 'calendar-month': 30, 'calendar-quarter': 90, 'calendar-year': 365 };
  const days = calendar[label];
  if (days !== undefined) return days * 86_400;
  let total = 0;
  for (const match of label.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += match[2] === 'ms' ? Number(match[1]) / 1000 : Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 0);
  return total > 0 ? total : 30 * 86_400;
}
