import type { Command } from 'commander';
import type { CommandContext } from './context.js';

const ACTIONS = ['deploy', 'provision', 'config'];

interface GateOptions {
  env?: string;
  url?: string;
  action?: string;
  label: string[];
  group: string[];
  token?: string;
  requester?: string;
  release?: string;
  json?: boolean;
  timeout: string;
}

interface GateAnswer {
  decision: 'allow' | 'warn' | 'deny';
  allowed: boolean;
  reasons: string[];
  policy: string;
  id: string;
  environment?: string;
  action?: string;
  override?: string;
  evaluatedAt: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function isAnswer(value: unknown): value is GateAnswer {
  if (value === null || typeof value !== 'object') return false;
  const answer = value as Record<string, unknown>;
  return typeof answer.decision === 'string' && typeof answer.allowed === 'boolean' && Array.isArray(answer.reasons);
}

/** Exit status: 0 allow or warn, 1 deny, 2 anything else (unreachable, refused, malformed answer, usage). */
export function registerGate(program: Command, context: CommandContext): void {
  program
    .command('gate')
    .description('Ask the release gate whether a change to SERVICE may go ahead; prints the decision and its reasons. Exit 0 allow or warn, 1 deny, 2 error.')
    .argument('<service>', 'the service being changed')
    .option('--env <env>', 'environment of the change (the daemon defaults to production)')
    .option('--url <url>', 'sloe daemon URL (default $SLOE_URL or http://127.0.0.1:9797)')
    .option('--action <action>', `what the change does: ${ACTIONS.join(', ')} (default deploy)`)
    .option('--label <key=value>', 'release label, repeatable (e.g. type=security, priority=P0)', collect, [])
    .option('--group <label=value>', 'one group of a grouped SLO, by its groupBy label, repeatable (e.g. route=/v1/orders)', collect, [])
    .option('--token <token>', 'bearer token (default $SLOE_TOKEN); overrides need the admin token')
    .option('--release <version>', 'version being released, recorded with the decision (`version` in the request)')
    .option('--requester <name>', 'who asks, recorded with the decision (default $USER)')
    .option('--json', 'print the answer as JSON')
    .option('--timeout <ms>', 'give up after this many milliseconds', '10000')
    .action(async (service: string, options: GateOptions) => {
      context.exitCode = 2;
      if (options.action !== undefined && !ACTIONS.includes(options.action)) {
        context.stderr(`sloe gate: --action: expected one of ${ACTIONS.join(', ')}, got ${options.action}\n`);
        return;
      }
      const labels: Record<string, string> = {};
      for (const pair of options.label) {
        const at = pair.indexOf('=');
        if (at <= 0) {
          context.stderr(`sloe gate: --label: expected key=value, got ${pair}\n`);
          return;
        }
        labels[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const group = new URLSearchParams();
      for (const pair of options.group) {
        const at = pair.indexOf('=');
        if (at <= 0) {
          context.stderr(`sloe gate: --group: expected label=value, got ${pair}\n`);
          return;
        }
        group.append(`group.${pair.slice(0, at)}`, pair.slice(at + 1));
      }
      const base = (options.url ?? context.env.SLOE_URL ?? 'http://127.0.0.1:9797').replace(/\/+$/, '');
      const token = options.token ?? context.env.SLOE_TOKEN;
      const requester = options.requester ?? context.env.USER;
      const body = {
        ...(options.env === undefined ? {} : { environment: options.env }),
        ...(options.action === undefined ? {} : { action: options.action }),
        ...(options.release === undefined ? {} : { version: options.release }),
        ...(requester === undefined ? {} : { requester }),
        labels,
      };
      let response: Response;
      try {
        const query = group.size === 0 ? '' : `?${group.toString()}`;
        response = await fetch(`${base}/api/v1/gates/${encodeURIComponent(service)}${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(Number(options.timeout) || 10_000),
        });
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        context.stderr(`sloe gate: cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
        return;
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!response.ok || !isAnswer(parsed)) {
        const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
        context.stderr(`sloe gate: ${base} answered ${response.status}${error?.message ? `: ${error.message}` : text.length > 0 ? `: ${text.slice(0, 200)}` : ''}\n`);
        return;
      }
      if (options.json) {
        context.stdout(`${JSON.stringify(parsed, null, 2)}\n`);
      } else {
        const where = [parsed.action, parsed.environment].filter((part) => part !== undefined).join(' to ');
        context.stdout(`${parsed.decision.toUpperCase()}: ${service}${where ? ` (${where})` : ''}, policy ${parsed.policy}, decision ${parsed.id}${parsed.override ? `, override ${parsed.override}` : ''}\n`);
        for (const reason of parsed.reasons) context.stdout(`  - ${reason}\n`);
      }
      context.exitCode = parsed.allowed ? 0 : 1;
    });
}
