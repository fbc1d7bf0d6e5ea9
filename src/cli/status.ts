import type { Command } from 'commander';
import type { SloStatus } from '../core/index.js';
import type { CommandContext } from './context.js';
import { askDaemon, daemonTarget, refusal } from './daemon-client.js';
import type { DaemonFlags } from './daemon-client.js';
import { statusTable } from './status-table.js';

interface StatusOptions extends DaemonFlags {
  json?: boolean;
  colour?: boolean;
}

function isStatusList(value: unknown): value is { data: SloStatus[] } {
  if (value === null || typeof value !== 'object') return false;
  const data = (value as { data?: unknown }).data;
  return Array.isArray(data) && data.every((entry) => entry !== null && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' && typeof (entry as { errorBudget?: unknown }).errorBudget === 'object');
}

/** Exit status: 0 with the table printed; 2 when the daemon cannot be reached or does not answer with SLOs. */
export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command('status')
    .description('Show every SLO as a table: objective, SLI, budget remaining, burn rates, alerts and status, lowest budget first. Exit 0, or 2 when the daemon is unreachable.')
    .option('--url <url>', 'sloe daemon URL (default $SLOE_URL or http://127.0.0.1:9797)')
    .option('--token <token>', 'bearer token with read scope (default $SLOE_TOKEN)')
    .option('--json', 'print the statuses as JSON instead of a table')
    .option('--no-colour', 'never colour the table (colour is used only on a terminal, and not when NO_COLOR is set)')
    .option('--timeout <ms>', 'give up after this many milliseconds', '10000')
    .action(async (options: StatusOptions) => {
      const target = daemonTarget(options, context);
      const answer = await askDaemon('status', context, target, '/api/v1/slos');
      if (!answer) return;
      const body = answer.json;
      if (answer.status !== 200 || !isStatusList(body)) {
        context.stderr(`sloe status: ${target.base}/api/v1/slos answered ${refusal(answer)}\n`);
        context.exitCode = 2;
        return;
      }
      if (options.json === true) {
        context.stdout(`${JSON.stringify(body.data, null, 2)}\n`);
        return;
      }
      if (body.data.length === 0) {
        context.stdout('no SLOs loaded\n');
        return;
      }
      const colour = options.colour !== false && context.isTTY && context.env.NO_COLOR === undefined;
      context.stdout(statusTable(body.data, { colour }));
    });
}
