import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { prettyStream } from './pretty-log.js';

/**
 * Paths pino censors in every log line: request credentials, tokens and keys wherever a component logs its options,
 * and the secret configuration keys (the caller adds `config.<key>` paths from the config table).
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'authorization',
  'token',
  'secret',
  'password',
  'routingKey',
  'webhookUrl',
  '*.token',
  '*.secret',
  '*.password',
  '*.routingKey',
  '*.webhookUrl',
  'auth.*',
  '*.auth.*',
  '*.readToken',
  '*.writeToken',
  '*.adminToken',
  '*[*].secret',
  '*[*].routingKey',
  '*[*].webhookUrl',
  '*[*].token',
];

/** `json`: one JSON object per line; `pretty`: one readable line per entry; `auto`: pretty on a terminal, else JSON. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  readonly level: string;
  /** JSON when absent. */
  readonly format?: LogFormat;
  /** More paths to censor, e.g. `config.notifiers.pagerduty`. */
  readonly redact?: readonly string[];
  /** Where lines go; stdout when absent. */
  readonly destination?: DestinationStream;
}

/**
 * The root logger binds `service: sloe`; a log call about an SLO's or a gate's service says `slo_service`, so no line
 * carries the key twice with two meanings. Renamed here so a call site that writes `service` cannot break that.
 */
function oneKeyPerField(object: Record<string, unknown>): Record<string, unknown> {
  if (!('service' in object)) return object;
  const { service, ...rest } = object;
  return { slo_service: service, ...rest };
}

/**
 * The daemon's root logger: JSON lines (or pretty lines for a person at a terminal), ISO times, credentials censored
 * by path. Components take `child({ component })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    level: options.level,
    base: { service: 'sloe' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: oneKeyPerField },
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '<redacted>' },
  };
  const format = options.format ?? 'json';
  const terminal = ((options.destination ?? process.stdout) as { isTTY?: boolean }).isTTY === true;
  if (format === 'pretty' || (format === 'auto' && terminal)) return pino(config, prettyStream(options.destination ?? process.stdout));
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
