import type { AlertStatus, SloStatus } from '../core/index.js';

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', magenta: '\u001b[35m' } as const;
type Colour = keyof typeof ANSI;

const STATUS_COLOUR: Readonly<Record<string, Colour>> = { ok: 'green', warning: 'yellow', critical: 'red', exhausted: 'magenta', nodata: 'dim' };

interface Cell {
  readonly text: string;
  readonly colour?: Colour;
  readonly right?: boolean;
}

function percent(ratio: number | null, digits: number): string {
  return ratio === null || !Number.isFinite(ratio) ? '-' : `${(ratio * 100).toFixed(digits)}%`;
}

function burn(rate: number | null | undefined): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '-' : rate >= 100 ? rate.toFixed(0) : rate.toFixed(2);
}

/** The lowest threshold a tier holds each window to; a burn rate above it is what pages or tickets. */
function thresholds(alerts: readonly AlertStatus[]): Map<string, number> {
  const byWindow = new Map<string, number>();
  for (const alert of alerts) for (const window of [alert.longWindow, alert.shortWindow]) byWindow.set(window, Math.min(byWindow.get(window) ?? Infinity, alert.burnRateThreshold));
  return byWindow;
}

/** Per severity, the most urgent state of its tiers (`page:firing ticket:pending`); the UI shows each tier. */
function alertsText(alerts: readonly AlertStatus[]): Cell {
  const bySeverity = new Map<string, string>();
  for (const alert of alerts) {
    if (alert.state !== 'firing' && alert.state !== 'pending') continue;
    if (bySeverity.get(alert.severity) !== 'firing') bySeverity.set(alert.severity, alert.state);
  }
  if (bySeverity.size === 0) return { text: '-', colour: 'dim' };
  const firing = [...bySeverity.values()].includes('firing');
  return { text: [...bySeverity].map(([severity, state]) => `${severity}:${state}`).join(' '), colour: firing ? 'red' : 'yellow' };
}

function row(status: SloStatus): Cell[] {
  const limits = thresholds(status.alerts);
  const burning = Object.entries(status.burnRates).some(([window, rate]) => rate !== null && rate > (limits.get(window) ?? Infinity));
  const remaining = status.errorBudget.remaining;
  return [
    { text: status.name, colour: 'bold' },
    { text: status.service },
    { text: percent(status.objective, status.objective > 0.99 ? 2 : 1), right: true },
    { text: percent(status.sli, status.sli !== null && status.sli > 0.99 ? 3 : 2), right: true },
    { text: percent(remaining, 1), right: true, ...(remaining === null ? { colour: 'dim' as const } : remaining <= 0 ? { colour: 'red' as const } : remaining < 0.25 ? { colour: 'yellow' as const } : {}) },
    { text: percent(status.coverage, 1), right: true, ...(status.coverage !== null && status.coverage < 0.9 ? { colour: 'yellow' as const } : {}) },
    { text: Object.entries(status.burnRates).map(([window, rate]) => `${window}:${burn(rate)}`).join(' ') || '-', ...(burning ? { colour: 'red' as const } : {}) },
    alertsText(status.alerts),
    { text: status.status, colour: STATUS_COLOUR[status.status] ?? 'dim' },
  ];
}

/** A composite's members under it: weight, share of its burn (and the deciding one), and their own figures. */
function memberRows(status: SloStatus): Cell[][] {
  const members = status.composite?.members ?? [];
  return members.map((member, index) => {
    const branch = index === members.length - 1 ? '└' : '├';
    const share = member.share === null ? '' : ` ${percent(member.share, 0)} of burn`;
    return [
      { text: `  ${branch} ${member.name} x${member.weight}${share}${member.deciding === true ? ' (deciding)' : ''}`, colour: 'dim' as const },
      { text: '' },
      { text: percent(member.objective, member.objective > 0.99 ? 2 : 1), right: true },
      { text: percent(member.sli, member.sli !== null && member.sli > 0.99 ? 3 : 2), right: true },
      { text: percent(member.budgetRemaining, 1), right: true },
      { text: '' },
      { text: '' },
      { text: '' },
      { text: member.status, colour: STATUS_COLOUR[member.status] ?? 'dim' },
    ];
  });
}

// COVERAGE: the share of the period with data, so a budget worked out over two hours of a 30-day window says so.
const HEADERS: readonly Cell[] = ['SLO', 'SERVICE', 'OBJECTIVE', 'SLI', 'BUDGET LEFT', 'COVERAGE', 'BURN RATES', 'ALERTS', 'STATUS'].map((text, index) => ({ text, right: index >= 2 && index <= 5 }));

/**
 * Every SLO as a table, lowest budget first (what needs attention on top). Colours only when asked (a terminal);
 * widths are measured on the plain text so colour codes never shift the columns.
 */
export function statusTable(statuses: readonly SloStatus[], options: { colour: boolean }): string {
  // No data sorts last: unknown is not the most urgent.
  const sorted = [...statuses].sort((a, b) => (a.errorBudget.remaining ?? Infinity) - (b.errorBudget.remaining ?? Infinity) || a.name.localeCompare(b.name));
  const rows = [HEADERS, ...sorted.flatMap((status) => [row(status), ...memberRows(status)])];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((cells) => cells[column]?.text.length ?? 0)));
  const lines = rows.map((cells, index) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        const padded = cell.right === true ? cell.text.padStart(width) : column === cells.length - 1 ? cell.text : cell.text.padEnd(width);
        const colour = index === 0 ? 'dim' : cell.colour;
        return options.colour && colour !== undefined ? `${ANSI[colour]}${padded}${ANSI.reset}` : padded;
      })
      .join('  '),
  );
  return `${lines.join('\n')}\n`;
}
