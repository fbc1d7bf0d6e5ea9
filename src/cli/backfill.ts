import type { Command } from 'commander';
import type { BackfillStatus, SloStatus } from '../core/index.js';
import type { CommandContext } from './context.js';

interface BackfillOptions {
  slo: string[];
  url?: string;
  token?: string;
  wait: boolean;
  interval: string;
  timeout: string;
}

const BAR_WIDTH = 30;

/** `[#########.....]  42.0% running  api-availability` */
export function progressLine(name: string, backfill: BackfillStatus | undefined): string {
  if (!backfill) return `${name}: not pulled from a source`;
  const filled = Math.round(backfill.progress * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const reason = backfill.reason === undefined ? '' : ` (${backfill.reason})`;
  return `${bar} ${(backfill.progress * 100).toFixed(1).padStart(5)}% ${backfill.state.padEnd(7)} ${name} ${backfill.from} .. ${backfill.to}${reason}`;
}

class Unreachable extends Error {}

/**
 * `sloe backfill [--slo NAME]... [--url URL]`: asks the daemon to fill the SLOs' periods again from their sources
 * (POST /api/v1/backfill, admin scope), then shows each one's progress until all are done. Exit 0 when done, 1 when
 * one failed (its reason printed; the daemon keeps retrying), 2 when the daemon is unreachable or refuses.
 */
export function registerBackfill(program: Command, context: CommandContext): void {
  program
    .command('backfill')
    .description('Fill SLOs\' periods from their sources again (every SLO pulled from a source when none is named) and show the progress. Exit 0 when done, 1 when one failed, 2 when the daemon is unreachable or refuses.')
    .option('--slo <name>', 'an SLO to backfill (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--url <url>', 'sloe daemon URL (default $SLOE_URL or http://127.0.0.1:9797)')
    .option('--token <token>', 'bearer token with admin scope (default $SLOE_TOKEN)')
    .option('--no-wait', 'start the backfill and return without showing its progress')
    .option('--interval <ms>', 'how often progress is read', '1000')
    .option('--timeout <ms>', 'stop waiting after this many milliseconds (the backfill carries on in the daemon)', '3600000')
    .action(async (options: BackfillOptions) => {
      const base = (options.url ?? context.env.SLOE_URL ?? 'http://127.0.0.1:9797').replace(/\/+$/, '');
      const token = options.token ?? context.env.SLOE_TOKEN;
      const headers = { accept: 'application/json', 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const call = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
        try {
          const response = await fetch(`${base}${path}`, { ...init, headers, signal: AbortSignal.timeout(10_000) });
          return { status: response.status, body: await response.json().catch(() => undefined) };
        } catch (error) {
          throw new Unreachable(`cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const fail = (message: string, code: number): void => {
        context.stderr(`sloe backfill: ${message}\n`);
        context.exitCode = code;
      };
      try {
        const started = await call('/api/v1/backfill', { method: 'POST', body: JSON.stringify(options.slo.length > 0 ? { slos: options.slo } : {}) });
        const objectives = (started.body as { data?: { objectives?: unknown } } | undefined)?.data?.objectives;
        if (started.status !== 202 || !Array.isArray(objectives)) {
          const message = (started.body as { error?: { message?: string } } | undefined)?.error?.message;
          return fail(`the daemon answered HTTP ${started.status}${message ? `: ${message}` : ''}`, 2);
        }
        if (objectives.length === 0) {
          context.stdout('no SLO is pulled from a source: nothing to backfill\n');
          return;
        }
        context.stdout(`backfilling ${objectives.join(', ')}\n`);
        if (!options.wait) return;
        const interval = Math.max(50, Number(options.interval) || 1000);
        const deadline = Date.now() + (Number(options.timeout) || 3_600_000);
        const shown = new Map<string, string>();
        for (;;) {
          const listed = await call('/api/v1/slos');
          const statuses = (listed.body as { data?: SloStatus[] } | undefined)?.data;
          if (listed.status !== 200 || !Array.isArray(statuses)) return fail(`${base}/api/v1/slos answered HTTP ${listed.status}`, 2);
          const mine = statuses.filter((status) => objectives.includes(status.name));
          // A line whenever an SLO's bar changes; a terminal would redraw, but a log keeps every step.
          for (const status of mine) {
            const line = progressLine(status.name, status.backfill);
            if (shown.get(status.name) !== line) context.stdout(`${line}\n`);
            shown.set(status.name, line);
          }
          const failed = mine.filter((status) => status.backfill?.state === 'failed');
          if (failed.length > 0) return fail(`${failed.map((status) => `${status.name}: ${status.backfill?.reason ?? 'failed'}`).join('; ')} (the daemon retries it)`, 1);
          if (mine.every((status) => status.backfill?.state !== 'running')) {
            context.stdout('backfill done\n');
            return;
          }
          if (Date.now() > deadline) return fail('still running when --timeout passed; it carries on in the daemon', 1);
          await new Promise((resolve) => setTimeout(resolve, interval));
        }
      } catch (error) {
        if (error instanceof Unreachable) return fail(error.message, 2);
        throw error;
      }
    });
}
