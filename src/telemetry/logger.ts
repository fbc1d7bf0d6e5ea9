import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

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

export interface LoggerOptions {
  readonly level: string;
  /** More paths to censor, e.g. `config.notifiers.pagerduty`. */
  readonly redact?: readonly string[];
  /** Where lines go; stdout when absent. */
  readonly destination?: DestinationStream;
}

/** The daemon's root logger: JSON lines, ISO times, credentials censored by path. Components take `child({ component })`. */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    level: options.level,
    base: { service: 'sloe' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '<redacted>' },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
