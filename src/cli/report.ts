import type { Command } from 'commander';
import { parseDuration } from '../core/index.js';
import { reportText } from '../review/index.js';
import type { Report } from '../review/index.js';
import type { CommandContext } from './context.js';
import { askDaemon, daemonTarget, refusal } from './daemon-client.js';
import type { DaemonFlags } from './daemon-client.js';

interface ReportOptions extends DaemonFlags {
  service: string[];
  slo: string[];
  from?: string;
  to?: string;
  markdown?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * A time flag as the API takes it. A duration (`7d`, `12h`) is that long before `relativeTo`, so `--from 7d` is the
 * last week; anything else (RFC 3339, Unix seconds) goes to the daemon as written, and the daemon names what is wrong
 * with it, so the CLI and the API accept exactly the same times.
 */
export function timeParameter(text: string, relativeTo: number): string {
  const duration = parseDuration(text.trim());
  return duration === undefined ? text : new Date(relativeTo - duration).toISOString();
}

function isReport(value: unknown): value is Report {
  if (value === null || typeof value !== 'object') return false;
  const report = value as Partial<Record<keyof Report, unknown>>;
  return typeof report.from === 'string' && typeof report.to === 'string' && Array.isArray(report.services);
}

/** The query of `GET /api/v1/reports` for these flags; `now` is the client's clock, for relative times. */
export function reportQuery(options: ReportOptions, now: number, format: 'json' | 'markdown'): URLSearchParams {
  const query = new URLSearchParams();
  for (const service of options.service) query.append('service', service);
  for (const slo of options.slo) query.append('slo', slo);
  const to = options.to === undefined ? undefined : timeParameter(options.to, now);
  if (to !== undefined) query.set('to', to);
  if (options.from !== undefined) {
    // `--from 7d` counts back from --to when that is a time this side can read, else from now.
    const end = to === undefined ? now : Date.parse(to);
    query.set('from', timeParameter(options.from, Number.isFinite(end) ? end : now));
  }
  if (format === 'markdown') query.set('format', 'markdown');
  return query;
}

/**
 * `sloe report [--service S]... [--slo NAME]... [--from T] [--to T] [--markdown | --json]`: the SLO review of
 * `GET /api/v1/reports` (docs/reviews.md) as aligned tables, Markdown (the daemon's own rendering) or JSON. Exit 0
 * with the report printed; 2 when the daemon is unreachable or refuses (a bad time, a missing token), or on usage.
 */
export function registerReport(program: Command, context: CommandContext): void {
  program
    .command('report')
    .description('Print the SLO review over a range: per SLO the budget spent, compliance per calendar period, the incidents with their cost, time to detect and resolve, and the gate decisions and freezes. Exit 0, or 2 when the daemon is unreachable or refuses.')
    .option('--service <service>', 'only this service (repeatable; default every service)', collect, [] as string[])
    .option('--slo <name>', 'only this SLO or objective (repeatable)', collect, [] as string[])
    .option('--from <time>', 'start: RFC 3339, Unix seconds, or a duration before --to such as 7d (default 30d)')
    .option('--to <time>', 'end: RFC 3339, Unix seconds, or a duration before now (default now)')
    .option('--markdown', 'print Markdown (as GET /api/v1/reports?format=markdown) instead of a table')
    .option('--json', 'print the report as JSON (as GET /api/v1/reports)')
    .option('--url <url>', 'sloe daemon URL (default $SLOE_URL or http://127.0.0.1:9797)')
    .option('--token <token>', 'bearer token with read scope (default $SLOE_TOKEN)')
    .option('--timeout <ms>', 'give up after this many milliseconds', '30000')
    .action(async (options: ReportOptions) => {
      if (options.markdown === true && options.json === true) {
        context.stderr('sloe report: --markdown and --json exclude each other\n');
        context.exitCode = 2;
        return;
      }
      const target = daemonTarget(options, context);
      const format = options.markdown === true ? 'markdown' : 'json';
      const path = `/api/v1/reports?${reportQuery(options, Date.now(), format).toString()}`;
      const answer = await askDaemon('report', context, target, path, format === 'markdown' ? 'text/markdown' : 'application/json');
      if (!answer) return;
      const usable = answer.status === 200 && (format === 'markdown' ? answer.contentType.startsWith('text/markdown') : isReport(answer.json));
      if (!usable) {
        context.stderr(`sloe report: ${target.base}/api/v1/reports answered ${refusal(answer)}\n`);
        context.exitCode = 2;
        return;
      }
      if (format === 'markdown') context.stdout(answer.text);
      else if (options.json === true) context.stdout(`${JSON.stringify(answer.json, null, 2)}\n`);
      else context.stdout(reportText(answer.json as Report));
    });
}
