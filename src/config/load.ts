import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SloeError } from '../core/index.js';
import { describeIssues } from './describe.js';
import { durationMs } from './durations.js';
import { CONFIG_TABLE } from './table.js';
import type {
  alertmanagerSchema,
  eventWebhooksSchema,
  grafanaProvisioningSchema,
  mimirProvisioningSchema,
  notifierRoutesSchema,
  pagerdutySchema,
  prometheusProvisioningSchema,
  reportsSchema,
  reviewSlackSchema,
  reviewWebhooksSchema,
  scrapeSchema,
  slackSchema,
  sourcesSchema,
  webhooksSchema,
} from './table.js';
import type { ConfigKey } from './table.js';

/** A scrape job with its interval and timeout in milliseconds. */
export type ScrapeJobConfig = z.infer<typeof scrapeSchema>[number] & { intervalMs: number; timeoutMs: number };
/** A query source with its timeout in milliseconds. */
export type SourceConfig = z.infer<typeof sourcesSchema>[number] & { timeoutMs: number };
/** A scheduled report with its range in milliseconds. */
export type ReportScheduleConfig = z.infer<typeof reportsSchema>[number] & { rangeMs: number };

/**
 * The parsed configuration: one property per table key, nested as in the YAML file. Every duration is also given in
 * milliseconds (`…Ms`), parsed once here with the table's defaults, so no component re-parses or re-defaults one.
 */
export interface SloeConfig {
  listen: string;
  dataDir: string;
  slos: string[];
  sloth: { defaultSloPeriod: string; defaultSloPeriodMs: number };
  evaluationInterval: string;
  evaluationIntervalMs: number;
  retention: string;
  retentionMs: number;
  shutdownTimeout: string;
  shutdownTimeoutMs: number;
  durability: 'normal' | 'full';
  limits: {
    maxBodyBytes: number;
    maxDecompressedBytes: number;
    maxSeriesPerRequest: number;
    maxInFlightRequests: number;
    maxInFlightBytes: number;
    maxEventLoopLagMs: number;
    seriesPerTerm: number;
  };
  logLevel: string;
  logFormat: 'auto' | 'json' | 'pretty';
  publicUrl: string | undefined;
  auth: { readToken?: string; writeToken?: string; adminToken?: string; allowOpenRemote: boolean };
  scrape: ScrapeJobConfig[];
  sources: SourceConfig[];
  pull: { chunk: string; chunkMs: number; queriesPerSecond: number; delay: string; delayMs: number; groupSize: number };
  notifiers: {
    alertmanager: z.infer<typeof alertmanagerSchema>;
    pagerduty: z.infer<typeof pagerdutySchema>;
    slack: z.infer<typeof slackSchema>;
    webhooks: z.infer<typeof webhooksSchema>;
    routes: z.infer<typeof notifierRoutesSchema>;
    resendInterval: string;
    resendIntervalMs: number;
    queueSize: number;
  };
  events: { webhooks: z.infer<typeof eventWebhooksSchema> };
  replicas: { claimFile: string | undefined; id: string | undefined; claimWindow: string; claimWindowMs: number };
  github: { appId?: string; privateKeyFile?: string; webhookSecret?: string; apiUrl: string; repositories: Record<string, string> };
  server: {
    headersTimeout: string;
    headersTimeoutMs: number;
    requestTimeout: string;
    requestTimeoutMs: number;
    keepAliveTimeout: string;
    keepAliveTimeoutMs: number;
    maxConnections: number;
    frontThread: boolean;
  };
  provisioning: {
    prometheus: z.infer<typeof prometheusProvisioningSchema>;
    mimir: z.infer<typeof mimirProvisioningSchema>;
    grafana: z.infer<typeof grafanaProvisioningSchema>;
  };
  selfScrape: { enabled: boolean; interval: string; intervalMs: number };
  postmortemThreshold: number;
  postmortems: { slack: z.infer<typeof reviewSlackSchema>; webhooks: z.infer<typeof reviewWebhooksSchema> };
  reports: ReportScheduleConfig[];
}

/** `auth.readToken` → `SLOE_AUTH_READ_TOKEN`. */
export function envName(key: string): string {
  return `SLOE_${key.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** The flag's option name as commander stores it: `--log-level <level>` → `logLevel`. */
export function flagProperty(flag: string): string {
  const long = flag.split(/\s/)[0]?.replace(/^--/, '') ?? '';
  return long.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function getPath(source: unknown, path: readonly string[]): unknown {
  let current = source;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const part of path.slice(0, -1)) {
    const next = current[part];
    if (next === null || typeof next !== 'object') current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) current[last] = value;
}

/** Every key the table knows, and the sections above them, with the keys each section allows. */
function knownSections(): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>([['', new Set()]]);
  for (const entry of CONFIG_TABLE) {
    const parts = entry.key.split('.');
    for (let i = 0; i < parts.length; i++) {
      const section = parts.slice(0, i).join('.');
      const children = sections.get(section) ?? new Set<string>();
      children.add(parts[i] ?? '');
      sections.set(section, children);
    }
  }
  return sections;
}

/** Names in the file that no table key or section accounts for: a typo must be an error, not silence. */
function unknownKeys(file: unknown, sections: Map<string, Set<string>>, prefix = ''): string[] {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) return [];
  const allowed = sections.get(prefix);
  if (!allowed) return [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(file as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const children = sections.get(path);
    if (!allowed.has(name)) problems.push(`${path}: unknown configuration key; allowed keys${prefix ? ` in ${prefix}` : ''}: ${[...allowed].join(', ')}`);
    else if (children && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      problems.push(`${path}: got ${JSON.stringify(value)}; allowed: a mapping with keys ${[...children].join(', ')}`);
    } else problems.push(...unknownKeys(value, sections, path));
  }
  return problems;
}

function isScalarOf(schema: z.ZodType, kind: typeof z.ZodNumber | typeof z.ZodBoolean | typeof z.ZodString): boolean {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current instanceof kind;
}

/**
 * Environment values and flags arrive as text. Lists and mappings are YAML flow collections (`SLOE_SCRAPE='[{...}]'`),
 * `slos` is also comma-separated, numbers and booleans are read as YAML scalars; everything else stays text.
 */
function fromText(entry: ConfigKey, text: string): unknown {
  if (/^[[{]/.test(text.trim())) {
    try {
      return parseYaml(text) as unknown;
    } catch {
      return text;
    }
  }
  if (entry.key === 'slos') return text.split(',').map((part) => part.trim()).filter(Boolean);
  if (isScalarOf(entry.schema, z.ZodNumber) || isScalarOf(entry.schema, z.ZodBoolean)) return parseYaml(text) as unknown;
  return text;
}

export interface ConfigSources {
  /** Path of the YAML file (`--config`), if any. */
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Flag values by commander property name. */
  readonly flags?: Readonly<Record<string, unknown>>;
}

/** Merges file < environment < flags, validates every key, and names the key and what it allows in every error. */
export function loadConfig(sources: ConfigSources = {}): SloeConfig {
  let fileValues: unknown = {};
  if (sources.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(sources.file, 'utf8');
    } catch (cause) {
      throw new SloeError('config_unreadable', `cannot read configuration file ${sources.file}: ${(cause as Error).message}`, { cause });
    }
    try {
      fileValues = (parseYaml(text, { maxAliasCount: 100 }) as unknown) ?? {};
    } catch (cause) {
      throw new SloeError('config_invalid', `${sources.file}: not valid YAML: ${(cause as Error).message}`, { cause });
    }
    if (typeof fileValues !== 'object' || Array.isArray(fileValues)) {
      throw new SloeError('config_invalid', `${sources.file}: expected a mapping of configuration keys`);
    }
  }
  const problems = unknownKeys(fileValues, knownSections()).map((problem) => `${problem} (in ${sources.file ?? 'file'})`);
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const result: Record<string, unknown> = {};
  for (const entry of CONFIG_TABLE as readonly ConfigKey[]) {
    const path = entry.key.split('.');
    let raw: unknown = getPath(fileValues, path);
    let origin = raw === undefined ? 'default' : (sources.file ?? 'file');
    const envValue = env[envName(entry.key)];
    // An empty variable usually means "not set" (compose files and charts write them), except for a credential:
    // `SLOE_AUTH_ADMIN_TOKEN=""` reads as "protected" to whoever wrote it, so it is an error, never an open scope.
    const emptyCredential = envValue === '' && entry.secret === true && isScalarOf(entry.schema, z.ZodString);
    if (envValue !== undefined && (envValue !== '' || emptyCredential)) {
      raw = fromText(entry, envValue);
      origin = envName(entry.key);
    }
    if (entry.flag !== undefined) {
      const flagValue = flags[flagProperty(entry.flag)];
      if (flagValue !== undefined) {
        raw = typeof flagValue === 'string' ? fromText(entry, flagValue) : flagValue;
        origin = entry.flag.split(' ')[0] ?? entry.flag;
      }
    }
    const value = raw === undefined ? entry.default : raw;
    const parsed = entry.schema.safeParse(value);
    if (!parsed.success) {
      problems.push(...describeIssues(entry.key, entry.schema, value, parsed.error.issues, { secret: entry.secret === true }).map((problem) => `${problem} (from ${origin})`));
      continue;
    }
    setPath(result, path, parsed.data);
  }
  if (problems.length > 0) {
    throw new SloeError('config_invalid', `invalid configuration:\n  ${problems.join('\n  ')}`, { status: 400 });
  }
  return withMilliseconds(result as unknown as TextConfig);
}

/** The configuration as the table parses it, before durations are turned into milliseconds. */
type TextConfig = Omit<SloeConfig, 'evaluationIntervalMs' | 'retentionMs' | 'shutdownTimeoutMs' | 'scrape' | 'sources' | 'notifiers' | 'sloth' | 'selfScrape' | 'server' | 'reports' | 'pull' | 'replicas'> & {
  replicas: Omit<SloeConfig['replicas'], 'claimWindowMs'>;
  pull: { chunk: string; queriesPerSecond: number; delay: string; groupSize: number };
  reports: z.infer<typeof reportsSchema>;
  selfScrape: Omit<SloeConfig['selfScrape'], 'intervalMs'>;
  sloth: Omit<SloeConfig['sloth'], 'defaultSloPeriodMs'>;
  server: Omit<SloeConfig['server'], 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>;
  scrape: z.infer<typeof scrapeSchema>;
  sources: z.infer<typeof sourcesSchema>;
  notifiers: Omit<SloeConfig['notifiers'], 'resendIntervalMs'>;
};

function withMilliseconds(config: TextConfig): SloeConfig {
  return {
    ...config,
    evaluationIntervalMs: durationMs('evaluationInterval', config.evaluationInterval),
    retentionMs: durationMs('retention', config.retention),
    shutdownTimeoutMs: durationMs('shutdownTimeout', config.shutdownTimeout),
    scrape: config.scrape.map((job) => ({ ...job, intervalMs: durationMs(`scrape[${job.job}].interval`, job.interval), timeoutMs: durationMs(`scrape[${job.job}].timeout`, job.timeout) })),
    sources: config.sources.map((source) => ({ ...source, timeoutMs: durationMs(`sources[${source.name}].timeout`, source.timeout) })),
    pull: { ...config.pull, chunkMs: durationMs('pull.chunk', config.pull.chunk), delayMs: durationMs('pull.delay', config.pull.delay) },
    notifiers: { ...config.notifiers, resendIntervalMs: durationMs('notifiers.resendInterval', config.notifiers.resendInterval) },
    sloth: { ...config.sloth, defaultSloPeriodMs: durationMs('sloth.defaultSloPeriod', config.sloth.defaultSloPeriod) },
    server: {
      ...config.server,
      headersTimeoutMs: durationMs('server.headersTimeout', config.server.headersTimeout),
      requestTimeoutMs: durationMs('server.requestTimeout', config.server.requestTimeout),
      keepAliveTimeoutMs: durationMs('server.keepAliveTimeout', config.server.keepAliveTimeout),
    },
    replicas: { ...config.replicas, claimWindowMs: durationMs('replicas.claimWindow', config.replicas.claimWindow) },
    selfScrape: { ...config.selfScrape, intervalMs: durationMs('selfScrape.interval', config.selfScrape.interval) },
    reports: config.reports.map((report) => ({ ...report, rangeMs: durationMs(`reports[${report.name}].range`, report.range) })),
  };
}
