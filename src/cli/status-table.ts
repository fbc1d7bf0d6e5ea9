import type { AlertStatus, SloStatus } from '../core/index.js';
import { groupSelector, sharePercent } from '../core/index.js';

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
    { text: status.coverage === null ? '-' : `${sharePercent(status.coverage, 1)}%`, right: true, ...(status.coverage !== null && status.coverage < 0.9 ? { colour: 'yellow' as const } : {}) },
    { text: Object.entries(status.burnRates).map(([window, rate]) => `${window}:${burn(rate)}`).join(' ') || '-', ...(burning ? { colour: 'red' as const } : {}) },
    alertsText(status.alerts),
    { text: status.status, colour: STATUS_COLOUR[status.status] ?? 'dim' },
  ];
}

/** A row under an SLO: its text in the first column, figures where it has them, the rest blank. */
function subRow(text: string, figures: { objective?: number; sli?: number | null; budgetRemaining: number | null; status: string }): Cell[] {
  const { objective, sli, budgetRemaining } = figures;
  return [
    { text, colour: 'dim' as const },
    { text: '' },
    { text: objective === undefined ? '' : percent(objective, objective > 0.99 ? 2 : 1), right: true },
    { text: sli === undefined ? '' : percent(sli, sli !== null && sli > 0.99 ? 3 : 2), right: true },
    { text: percent(budgetRemaining, 1), right: true, ...(budgetRemaining !== null && budgetRemaining <= 0 ? { colour: 'red' as const } : {}) },
    { text: '' },
    { text: '' },
    { text: '' },
    { text: figures.status, colour: STATUS_COLOUR[figures.status] ?? 'dim' },
  ];
}

/**
 * A composite's member tree under it: weight, share of its burn (and the deciding one), and each member's own figures;
 * a member that is itself composite has its own members drawn under it. `seen` guards against a cycle a daemon
 * should never report (validation refuses them).
 */
function memberRows(status: SloStatus, byName: ReadonlyMap<string, SloStatus>, indent = '  ', seen: ReadonlySet<string> = new Set([status.name])): Cell[][] {
  const members = status.composite?.members ?? [];
  return members.flatMap((member, index) => {
    const last = index === members.length - 1;
    const share = member.share === null ? '' : ` ${percent(member.share, 0)} of burn`;
    const row = subRow(`${indent}${last ? '└' : '├'} ${member.name} x${member.weight}${share}${member.deciding === true ? ' (deciding)' : ''}`, member);
    const nested = member.composite && !seen.has(member.name) ? byName.get(member.name) : undefined;
    return [row, ...(nested ? memberRows(nested, byName, `${indent}${last ? '  ' : '│ '}`, new Set([...seen, member.name])) : [])];
  });
}

/** A grouped SLO's groups under it: how many are tracked and how many overflowed `maxGroups`, then the worst few. */
function groupRows(status: SloStatus): Cell[][] {
  if (status.groupCount === undefined) return [];
  const overflow = status.groupsOverflow ?? 0;
  const worst = status.worstGroups ?? [];
  const summary = `  ${status.groupCount} group${status.groupCount === 1 ? '' : 's'}${overflow > 0 ? `, ${overflow} more past maxGroups (not tracked)` : ''}${worst.length > 0 ? ', least budget:' : ''}`;
  const head: Cell[] = [{ text: summary, colour: overflow > 0 ? 'yellow' : 'dim' }];
  return [head, ...worst.map((group, index) => subRow(`  ${index === worst.length - 1 ? '└' : '├'} ${groupSelector(group.group)}`, group))];
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
  const byName = new Map(statuses.map((status) => [status.name, status]));
  const rows = [HEADERS, ...sorted.flatMap((status) => [row(status), ...groupRows(status), ...memberRows(status, byName)])];
  // A summary row has one cell: it spans the row rather than widening the first column.
  // A fold, not Math.max(...rows): a status of 100,000 SLOs is past V8's argument limit.
  const widths = HEADERS.map((_, column) => rows.reduce((widest, cells) => (cells.length > 1 ? Math.max(widest, cells[column]?.text.length ?? 0) : widest), 0));
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
