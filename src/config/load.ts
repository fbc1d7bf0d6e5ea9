import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { SloeError } from '../core/index.js';
import { CONFIG_TABLE } from './table.js';
import type {
  alertmanagerSchema,
  eventWebhooksSchema,
  grafanaProvisioningSchema,
  mimirProvisioningSchema,
  pagerdutySchema,
  prometheusProvisioningSchema,
  scrapeSchema,
  slackSchema,
  sourcesSchema,
  webhooksSchema,
} from './table.js';
import type { ConfigKey } from './table.js';

/** The parsed configuration: one property per table key, nested as in the YAML file. */
export interface SloeConfig {
  listen: string;
  dataDir: string;
  slos: string[];
  evaluationInterval: string;
  retention: string;
  logLevel: string;
  publicUrl: string | undefined;
  auth: { readToken?: string; writeToken?: string; adminToken?: string };
  scrape: z.infer<typeof scrapeSchema>;
  sources: z.infer<typeof sourcesSchema>;
  notifiers: {
    alertmanager: z.infer<typeof alertmanagerSchema>;
    pagerduty: z.infer<typeof pagerdutySchema>;
    slack: z.infer<typeof slackSchema>;
    webhooks: z.infer<typeof webhooksSchema>;
  };
  events: { webhooks: z.infer<typeof eventWebhooksSchema> };
  provisioning: {
    prometheus: z.infer<typeof prometheusProvisioningSchema>;
    mimir: z.infer<typeof mimirProvisioningSchema>;
    grafana: z.infer<typeof grafanaProvisioningSchema>;
  };
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

/** Top-level and nested section names that the table knows, so a typo in the file is an error, not silence. */
function knownPaths(): Set<string> {
  const known = new Set<string>();
  for (const entry of CONFIG_TABLE) {
    const parts = entry.key.split('.');
    for (let i = 1; i <= parts.length; i++) known.add(parts.slice(0, i).join('.'));
  }
  return known;
}

function unknownKeys(file: unknown, known: Set<string>, prefix = ''): string[] {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) return [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(file as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (!known.has(path)) problems.push(path);
    else if (!CONFIG_TABLE.some((entry) => entry.key === path)) problems.push(...unknownKeys(value, known, path));
  }
  return problems;
}

/** Environment values are YAML scalars or flow collections, so `SLOE_SLOS='[a, b]'` and `SLOE_SLOS=a` both work. */
function parseEnvValue(entry: ConfigKey, text: string): unknown {
  const looksStructured = /^[[{]/.test(text.trim());
  if (looksStructured) return parseYaml(text) as unknown;
  if (entry.key === 'slos') return text.split(',').map((part) => part.trim()).filter(Boolean);
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
  const problems = unknownKeys(fileValues, knownPaths()).map((path) => `${path}: unknown configuration key`);
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const result: Record<string, unknown> = {};
  for (const entry of CONFIG_TABLE as readonly ConfigKey[]) {
    const path = entry.key.split('.');
    let raw: unknown = getPath(fileValues, path);
    let origin = sources.file ?? 'file';
    const envValue = env[envName(entry.key)];
    if (envValue !== undefined && envValue !== '') {
      raw = parseEnvValue(entry, envValue);
      origin = envName(entry.key);
    }
    if (entry.flag !== undefined) {
      const flagValue = flags[flagProperty(entry.flag)];
      if (flagValue !== undefined) {
        raw = flagValue;
        origin = entry.flag.split(' ')[0] ?? entry.flag;
      }
    }
    const parsed = entry.schema.safeParse(raw === undefined ? entry.default : raw);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${[entry.key, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
      problems.push(`${detail} (from ${origin})`);
      continue;
    }
    setPath(result, path, parsed.data);
  }
  if (problems.length > 0) {
    throw new SloeError('config_invalid', `invalid configuration:\n  ${problems.join('\n  ')}`, { status: 400 });
  }
  return result as unknown as SloeConfig;
}
