import { objectiveIdentity, sharePercent } from '../core/index.js';
import type { Report, ServiceReport, SloReport } from './report.js';

/** `12.3 %`; `-` for unknown. Objectives and SLIs get more digits than budgets. */
export function percent(ratio: number | null, digits = 1): string {
  return ratio === null || !Number.isFinite(ratio) ? '-' : `${(ratio * 100).toFixed(digits)} %`;
}

function sliText(ratio: number | null): string {
  return percent(ratio, ratio !== null && ratio > 0.99 ? 3 : 2);
}

/** `45s`, `2m`, `1h 5m`, `3d 4h`; `-` for unknown. */
export function durationText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const rounded = Math.round(seconds);
  if (rounded < 60) return `${rounded}s`;
  const minutes = Math.round(rounded / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d ${hours % 24}h`;
}

const minute = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')}Z`;

/** A table as aligned columns (terminal) or a Markdown table. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], markdown: boolean, right: readonly number[] = []): string[] {
  if (markdown) {
    const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
    return [`| ${headers.map(escape).join(' | ')} |`, `| ${headers.map((_, index) => (right.includes(index) ? '---:' : '---')).join(' | ')} |`, ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)];
  }
  // A fold, not Math.max(...rows): a report over 100,000 SLOs is past V8's argument limit.
  const widths = headers.map((header, index) => rows.reduce((widest, row) => Math.max(widest, (row[index] ?? '').length), header.length));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => (right.includes(index) ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function sloRows(slos: readonly SloReport[]): string[][] {
  return slos.map((slo) => [
    slo.name,
    percent(slo.objective, slo.objective > 0.99 ? 2 : 1),
    sliText(slo.sli),
    percent(slo.budgetSpent),
    percent(slo.budgetRemaining),
    `${sharePercent(slo.coverage, 0)} %`,
    String(slo.incidents.length),
    percent(slo.incidentBudgetSpent),
  ]);
}

function serviceSection(service: ServiceReport, markdown: boolean): string[] {
  const lines: string[] = [];
  const heading = (level: number, text: string): void => {
    lines.push('', markdown ? `${'#'.repeat(level)} ${text}` : level === 2 ? `== ${text} ==` : `-- ${text}`);
  };
  heading(2, `Service ${service.service}`);
  lines.push('', ...table(['SLO', 'objective', 'SLI', 'budget spent', 'budget left', 'coverage', 'incidents', 'spent in incidents'], sloRows(service.slos), markdown, [1, 2, 3, 4, 5, 6, 7]));

  heading(3, 'Compliance per calendar period');
  const compliance = service.slos.flatMap((slo) =>
    slo.compliance.map((period) => [slo.name, `${period.period}${period.partial ? ' (part)' : ''}`, sliText(period.sli), percent(slo.objective, slo.objective > 0.99 ? 2 : 1), period.met === null ? 'no data' : period.met ? 'met' : 'MISSED']),
  );
  lines.push('', ...table(['SLO', 'period', 'SLI', 'objective', 'result'], compliance, markdown, [2, 3]));

  heading(3, 'Incidents');
  // A group's incident is named with its group (`orders{route="/v1/orders"}`); its budget spent is of that group's budget.
  const incidents = service.slos.flatMap((slo) => [...slo.incidents, ...slo.groupIncidents]).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (incidents.length === 0) lines.push('', 'None in the range.');
  else {
    lines.push(
      '',
      ...table(
        ['SLO', 'started', 'severity', 'budget spent', 'peak burn', 'time to detect', 'time to resolve'],
        incidents.map((incident) => [objectiveIdentity({ name: incident.objective, ...(incident.group ? { group: incident.group } : {}) }), minute(incident.startedAt), incident.severity ?? 'pending only', `${percent(incident.budgetSpent, 2)}${incident.final ? '' : ' (so far)'}`, `${incident.peakBurnRate.toFixed(1)}×`, durationText(incident.timeToDetectSeconds), incident.resolvedAt === null ? 'open' : durationText(incident.timeToResolveSeconds)]),
        markdown,
        [3, 4, 5, 6],
      ),
    );
    lines.push('', `Median time to detect ${durationText(service.medianTimeToDetectSeconds)}, median time to resolve ${durationText(service.medianTimeToResolveSeconds)} (${service.incidents} incident${service.incidents === 1 ? '' : 's'}).`);
  }

  heading(3, 'Gate decisions and freezes');
  const { decisions, freezes } = service.gate;
  lines.push('', `Gate decisions: ${decisions.allow} allow, ${decisions.warn} warn, ${decisions.deny} deny.`);
  if (freezes.length === 0) lines.push('No freezes.');
  else lines.push('', ...table(['at', 'event', 'environment', 'reasons'], freezes.map((freeze) => [minute(freeze.at), freeze.type, freeze.environment ?? '-', freeze.reasons.join('; ') || '-']), markdown));
  return lines;
}

function render(report: Report, markdown: boolean): string {
  const title = `SLO report ${minute(report.from)} to ${minute(report.to)}`;
  const lines = [markdown ? `# ${title}` : title, '', `Generated ${minute(report.generatedAt)}. Budget spent is a share of one period's error budget.`];
  if (report.services.length === 0) lines.push('', 'No SLOs match.');
  for (const service of report.services) lines.push(...serviceSection(service, markdown));
  return `${lines.join('\n')}\n`;
}

/** The report as Markdown (`format=markdown`, `sloe report --markdown`). */
export function reportMarkdown(report: Report): string {
  return render(report, true);
}

/** The report as aligned plain-text tables (`sloe report` on a terminal). */
export function reportText(report: Report): string {
  return render(report, false);
}

/** A short Slack message (mrkdwn has no tables): a line per SLO and per service's incidents, and a link to the rest. */
export function reportSlackText(report: Report, name: string, link: string | undefined): string {
  const lines = [`*SLO report ${name}*: ${minute(report.from)} to ${minute(report.to)}`];
  for (const service of report.services) {
    lines.push(`*${service.service}*: ${service.incidents} incident${service.incidents === 1 ? '' : 's'}, median time to detect ${durationText(service.medianTimeToDetectSeconds)}, to resolve ${durationText(service.medianTimeToResolveSeconds)}; gate ${service.gate.decisions.deny} deny, ${service.gate.freezes.filter((freeze) => freeze.type === 'freeze').length} freezes`);
    for (const slo of service.slos) {
      const missed = slo.compliance.filter((period) => period.met === false).map((period) => period.period);
      lines.push(`• ${slo.name}: SLI ${sliText(slo.sli)} (objective ${percent(slo.objective, 2)}), budget spent ${percent(slo.budgetSpent)}, left ${percent(slo.budgetRemaining)}${missed.length > 0 ? `, missed in ${missed.join(', ')}` : ''}`);
    }
  }
  if (report.services.length === 0) lines.push('No SLOs match.');
  if (link) lines.push(`<${link}|Full report>`);
  return lines.join('\n');
}
