import type { Command } from 'commander';
import { SloeError, formatProblem, parseDuration } from '../core/index.js';
import { readSpecFiles, replay } from '../app/index.js';
import type { ReplayHistory, ReplayOutcome } from '../app/index.js';
import { loadSpecs } from '../spec/index.js';
import type { CommandContext } from './context.js';

interface ReplayFlags {
  slos: string[];
  from?: string;
  to?: string;
  step: string;
  json?: boolean;
  url?: string;
  tenant?: string;
  data: string;
}

const MINUTE = 60_000;

/** RFC 3339, or Unix seconds. */
function parseTime(text: string, flag: string): number {
  const seconds = Number(text);
  const ms = text.trim() !== '' && Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) throw new SloeError('usage', `${flag}: expected an RFC 3339 time or Unix seconds, got ${text}`, { status: 400 });
  return ms;
}

const percent = (value: number | null, digits: number): string => (value === null ? 'n/a' : `${(value * 100).toFixed(digits)}%`);

/** The alert timeline, one line per transition, then one summary line per objective. */
export function formatReplay(outcome: ReplayOutcome, header: string): string {
  const lines = [header];
  for (const transition of outcome.transitions) {
    lines.push(`${new Date(transition.at).toISOString()}  ${transition.slo}  ${transition.tier} (${transition.severity})  ${transition.from} -> ${transition.to}`);
  }
  if (outcome.transitions.length === 0) lines.push('no alert would have changed state');
  for (const { status, fired } of outcome.slos) {
    const counts = ['page', 'ticket'].map((severity) => `${fired[severity] ?? 0} ${severity}${fired[severity] === 1 ? '' : 's'}`).join(', ');
    lines.push(`${status.name}: ${counts}; budget remaining ${percent(status.errorBudget.remaining, 1)} (SLI ${percent(status.sli, 3)}), status ${status.status} at ${status.evaluatedAt}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `sloe replay --slos PATH... [--from T] [--to T] [--json] [--url URL | --data DIR]`: evaluates specs over stored
 * history (a daemon's data folder, default ./data) or a Prometheus-compatible source's, printing when each tier would
 * have gone pending, fired and resolved, how many pages and tickets, and where the budget ended. Exit 0; 1 invalid
 * specs; 2 usage, or history that cannot be read.
 */
export function registerReplay(program: Command, context: CommandContext): void {
  program
    .command('replay')
    .description('Evaluate SLO specs over stored or source history: when each alert tier would have gone pending, fired and resolved, how many pages and tickets, and where the budget ended. Exit 0; 1 invalid specs; 2 usage or unreadable history.')
    .option('--slos <path...>', 'spec files or folders', ['slo-definitions'])
    .option('--from <time>', 'start (RFC 3339 or Unix seconds; default: a day before --to)')
    .option('--to <time>', 'end (RFC 3339 or Unix seconds; default: now)')
    .option('--step <duration>', 'time between evaluations (as the daemon\'s evaluationInterval)', '1m')
    .option('--json', 'print the timeline and summary as JSON')
    .option('--url <url>', 'read history from this Prometheus-compatible query API instead of a data folder')
    .option('--tenant <id>', 'X-Scope-OrgID sent to --url (Mimir, Cortex)')
    .option('--data <dir>', 'the daemon data folder whose stored history is replayed (a copy is used; nothing is changed)', './data')
    .action(async (flags: ReplayFlags) => {
      const usage = (message: string): void => {
        context.stderr(`sloe replay: ${message}\n`);
        context.exitCode = 2;
      };
      let from: number;
      let to: number;
      let step: number;
      try {
        to = flags.to === undefined ? Math.floor(Date.now() / MINUTE) * MINUTE : parseTime(flags.to, '--to');
        from = flags.from === undefined ? to - 24 * 60 * MINUTE : parseTime(flags.from, '--from');
        const parsed = parseDuration(flags.step);
        if (parsed === undefined || parsed <= 0) throw new SloeError('usage', `--step: expected a duration such as 1m, got ${flags.step}`, { status: 400 });
        step = parsed;
      } catch (error) {
        return usage((error as Error).message);
      }
      if (!(to > from)) return usage('--to must be after --from');
      if ((to - from) / step > 200_000) return usage(`--step ${flags.step} makes more than 200,000 evaluations between --from and --to`);
      const files = readSpecFiles(flags.slos);
      const loaded = loadSpecs(files.inputs, { remoteSources: flags.url === undefined ? [] : ['replay'] });
      const problems = [...files.problems, ...loaded.problems];
      if (problems.length > 0) {
        context.stderr(`${problems.map(formatProblem).join('\n')}\n`);
        context.exitCode = 1;
        return;
      }
      const history: ReplayHistory = flags.url === undefined ? { kind: 'data', dir: flags.data } : { kind: 'source', url: flags.url, ...(flags.tenant === undefined ? {} : { headers: { 'X-Scope-OrgID': flags.tenant } }) };
      let outcome: ReplayOutcome;
      try {
        outcome = await replay({ specs: loaded.specs, history, from, to, step });
      } catch (error) {
        return usage((error as Error).message);
      }
      if (flags.json === true) {
        const iso = (ms: number) => new Date(ms).toISOString();
        context.stdout(
          `${JSON.stringify(
            {
              from: iso(from),
              to: iso(to),
              step: flags.step,
              transitions: outcome.transitions.map((transition) => ({ ...transition, at: iso(transition.at) })),
              slos: outcome.slos.map(({ status, fired }) => ({ name: status.name, pages: fired.page ?? 0, tickets: fired.ticket ?? 0, fired, sli: status.sli, budgetRemaining: status.errorBudget.remaining, status: status.status, events: status.events })),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const source = flags.url === undefined ? `data ${flags.data}` : `source ${flags.url}`;
      context.stdout(formatReplay(outcome, `replay of ${outcome.slos.length} objective(s) from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}, every ${flags.step} (history: ${source})`));
    });
}
