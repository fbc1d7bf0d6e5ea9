import { z } from 'zod';

/**
 * Every configuration key, once: its type (a zod schema), default and description. Parsing of the YAML file,
 * `SLOE_*` variables and flags, `--help` and the reference in docs/operations.md are all made from this table.
 */
export interface ConfigKey<T extends z.ZodType = z.ZodType> {
  /** Dotted path in the YAML file, e.g. `auth.readToken`. */
  readonly key: string;
  readonly schema: T;
  readonly default: z.infer<T>;
  readonly description: string;
  /** Shown in the reference instead of the default (for secrets and long values). */
  readonly example?: string;
  /** A flag of `sloe serve`; the environment variable is always derived from the key. */
  readonly flag?: string;
  /** Set for credentials: never logged, shown as `<redacted>`. */
  readonly secret?: boolean;
}

// Each type carries a description: it is what `--help`, the docs and every error say the key allows.
const durationText = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$/, 'expected a duration such as 30s, 5m or 90d')
  .describe('a duration such as 30s, 5m or 90d (units ms, s, m, h, d, w, y)');
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'expected HOST:PORT, e.g. 127.0.0.1:9797')
  .describe('HOST:PORT, e.g. 127.0.0.1:9797 or [::1]:9797');
const url = z.string().url('expected an http(s) URL such as http://127.0.0.1:9093').describe('an http(s) URL');
const headers = z.record(z.string(), z.string()).describe('a mapping of header names to values');
const path = z.string().min(1, 'expected a non-empty path').describe('a file or folder path');
// An empty or blank credential is refused wherever it is set: for a scope token it would mean "open" without a word,
// for a signing secret an HMAC anyone can forge.
const credential = z.string().regex(/\S/, 'expected a non-empty value; an empty credential is refused (unset the key to leave it open)').describe('a non-empty string');

export const scrapeSchema = z.array(z.strictObject({ job: z.string().min(1), targets: z.array(z.string().min(1)).min(1), interval: durationText.default('15s'), timeout: durationText.default('5s'), path: z.string().default('/metrics'), scheme: z.enum(['http', 'https']).default('http') }));
export const sourcesSchema = z.array(z.strictObject({ name: z.string().min(1), url, headers: headers.default({}), tenant: z.string().optional(), timeout: durationText.default('10s'), retries: z.number().int().min(0).max(10).default(2), partialResponse: z.boolean().default(false), default: z.boolean().default(false) }));
const receiverName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a receiver name of letters, digits, _ . -').optional();
export const alertmanagerSchema = z.array(z.strictObject({ url, headers: headers.default({}), name: receiverName }));
export const pagerdutySchema = z.array(z.strictObject({ routingKey: z.string().min(1), url: url.default('https://events.pagerduty.com/v2/enqueue'), severities: z.array(z.string()).default(['page']), name: receiverName }));
export const slackSchema = z.array(z.strictObject({ webhookUrl: url, severities: z.array(z.string()).default(['page', 'ticket']), name: receiverName }));
export const webhooksSchema = z.array(z.strictObject({ url, secret: credential.optional(), severities: z.array(z.string()).default(['page', 'ticket']), name: receiverName }));
export const notifierRoutesSchema = z.array(
  z.strictObject({
    match: z.strictObject({ services: z.array(z.string()).optional(), slos: z.array(z.string()).optional(), severities: z.array(z.string()).optional(), labels: z.record(z.string(), z.string()).optional() }).default({}),
    receivers: z.array(z.string()),
    continue: z.boolean().default(false),
  }),
);
export const eventWebhooksSchema = z.array(z.strictObject({ url, secret: credential.optional() }));
export const prometheusProvisioningSchema = z.strictObject({ rulesDir: z.string().min(1), reloadUrl: url.optional() }).optional();
export const mimirProvisioningSchema = z.strictObject({ url, tenant: z.string().optional(), namespace: z.string().default('sloe'), prefix: z.string().default('/prometheus') }).optional();
export const grafanaProvisioningSchema = z.strictObject({ url, token: credential.optional(), folder: z.string().default('SLOs') }).optional();

export const reviewSlackSchema = z.array(z.strictObject({ webhookUrl: url }));
export const reviewWebhooksSchema = z.array(z.strictObject({ url, secret: credential.optional() }));
export const reportsSchema = z.array(
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . -'),
    schedule: z.string().min(1).describe('a 5-field cron expression'),
    timeZone: z.string().default('UTC'),
    range: z.string().default('30d').describe('a duration such as 7d'),
    services: z.array(z.string()).optional(),
    slos: z.array(z.string()).optional(),
    receivers: z.strictObject({ slack: reviewSlackSchema.default([]), webhooks: reviewWebhooksSchema.default([]) }),
  }),
);

function key<T extends z.ZodType>(entry: ConfigKey<T>): ConfigKey<T> {
  return entry;
}

export const CONFIG_TABLE = [
  key({ key: 'listen', schema: hostPort, default: '127.0.0.1:9797', flag: '--listen <host:port>', description: 'Address the HTTP API, ingest endpoints and web UI listen on.' }),
  key({ key: 'dataDir', schema: path, default: './data', flag: '--data <dir>', description: 'Folder of the SQLite database (created if missing).' }),
  key({ key: 'slos', schema: z.array(path).min(1, 'expected at least one path').describe('a list of file or folder paths (in SLOE_SLOS: comma-separated)'), default: ['slo-definitions'], flag: '--slos <path...>', description: 'Files or folders of SLO specs and budget policies.' }),
  key({ key: 'sloth.defaultSloPeriod', schema: durationText, default: '30d', flag: '--default-slo-period <duration>', description: 'The period of Sloth SLOs, whose files cannot state one (Sloth\'s own --default-slo-period; 28d and 7d setups set it here).' }),
  key({ key: 'evaluationInterval', schema: durationText, default: '30s', description: 'How often every SLO is evaluated.' }),
  key({ key: 'retention', schema: durationText, default: '90d', description: 'How long event buckets, decisions and notifications are kept.' }),
  key({
    key: 'shutdownTimeout',
    schema: durationText,
    default: '10s',
    description: 'On SIGTERM/SIGINT: how long in-flight requests may take to finish before connections are closed; state is flushed and the database closed after.',
  }),
  key({ key: 'durability', schema: z.enum(['normal', 'full']), default: 'normal', description: 'SQLite synchronous mode. normal: an acknowledged write survives the process being killed; full: it also survives power loss, at the cost of an fsync per commit.' }),
  key({ key: 'limits.maxBodyBytes', schema: z.coerce.number().int().min(1024), default: 16 * 1024 * 1024, description: 'Largest ingest request body as sent (compressed), in bytes; larger ones get 413.' }),
  key({ key: 'limits.maxDecompressedBytes', schema: z.coerce.number().int().min(1024), default: 64 * 1024 * 1024, description: 'Largest ingest body once inflated, in bytes; a snappy body declaring more is refused with 413 before it is inflated.' }),
  key({ key: 'limits.maxSeriesPerRequest', schema: z.coerce.number().int().min(1), default: 100_000, description: 'Most series (remote write) or data points (OTLP) in one ingest request; more get 413.' }),
  key({ key: 'limits.maxInFlightRequests', schema: z.coerce.number().int().min(1), default: 64, description: 'Ingest requests received or decoded at once; past it senders get 429 with Retry-After.' }),
  key({ key: 'limits.maxInFlightBytes', schema: z.coerce.number().int().min(1024), default: 256 * 1024 * 1024, description: 'Bytes of ingest bodies held at once; past it senders get 429 with Retry-After.' }),
  key({
    key: 'limits.maxEventLoopLagMs',
    schema: z.coerce.number().int().min(0),
    default: 50,
    description: 'Ingest admission by load: while the event loop runs more than this many ms late, new ingest requests get 429 with Retry-After, so writers cannot starve the gate, health checks and the UI. 0 turns it off.',
  }),
  key({ key: 'limits.seriesPerTerm', schema: z.coerce.number().int().min(1), default: 10_000, description: 'Series one SLI term (a selector of an SLI) keeps; new series past it are dropped and counted as cardinality_limit.' }),
  key({ key: 'logLevel', schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), default: 'info', flag: '--log-level <level>', description: 'pino log level.' }),
  key({ key: 'logFormat', schema: z.enum(['auto', 'json', 'pretty']), default: 'auto', flag: '--log-format <format>', description: 'json: one JSON object per line; pretty: one readable line per entry; auto: pretty on a terminal, JSON otherwise.' }),
  key({ key: 'publicUrl', schema: url.optional(), default: undefined, description: 'The URL users reach sloe at; links in notifications point there.', example: 'https://sloe.example.com' }),
  key({ key: 'auth.readToken', schema: credential.optional(), default: undefined, secret: true, description: 'Bearer token required by read and gate endpoints; unset means open.' }),
  key({ key: 'auth.writeToken', schema: credential.optional(), default: undefined, secret: true, description: 'Bearer token required by the ingest endpoints; unset means open.' }),
  key({ key: 'auth.adminToken', schema: credential.optional(), default: undefined, secret: true, description: 'Bearer token required by admin endpoints (reload, exclusions, silences, overrides); unset means open.' }),
  key({
    key: 'auth.allowOpenRemote',
    schema: z.boolean(),
    default: false,
    description:
      'When sloe listens on a non-loopback address (0.0.0.0, as the container image does) and auth.writeToken or auth.adminToken is unset, write and admin requests from other hosts are refused (403) and the reason logged at start. true accepts them from anyone.',
  }),
  key({
    key: 'scrape',
    schema: scrapeSchema,
    default: [],
    description: 'Targets sloe scrapes itself (Prometheus text format and OpenMetrics).',
    example: '[{ job: shop, targets: ["127.0.0.1:8080"], interval: 15s, timeout: 5s }]',
  }),
  key({
    key: 'sources',
    schema: sourcesSchema,
    default: [],
    description: 'Prometheus-compatible query APIs (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics) for SLIs evaluated remotely.',
    example: '[{ name: mimir, url: http://mimir/prometheus, headers: { X-Scope-OrgID: team-a } }]',
  }),
  key({ key: 'notifiers.alertmanager', schema: alertmanagerSchema, default: [], description: 'Alertmanagers (API v2) every alert is sent to.', example: '[{ url: http://127.0.0.1:9093 }]' }),
  key({ key: 'notifiers.pagerduty', schema: pagerdutySchema, default: [], secret: true, description: 'PagerDuty Events API v2 integrations.' }),
  key({ key: 'notifiers.slack', schema: slackSchema, default: [], secret: true, description: 'Slack incoming webhooks.' }),
  key({ key: 'notifiers.webhooks', schema: webhooksSchema, default: [], secret: true, description: 'Generic JSON webhooks, signed with HMAC-SHA256 when a secret is set.' }),
  key({
    key: 'notifiers.routes',
    schema: notifierRoutesSchema,
    default: [],
    description:
      'Which receivers hear of which alerts: the first route whose match (services, slos, severities, labels; all set conditions must hold) fits decides, or several with continue: true; no match means every receiver. A receiver\'s own severities always apply. Receivers are named by name, else alertmanager, pagerduty, slack, webhook (then -2, -3...).',
    example: '[{ match: { services: [checkout], severities: [page] }, receivers: [pagerduty, slack] }]',
  }),
  key({ key: 'notifiers.resendInterval', schema: durationText, default: '1m', description: 'How often firing alerts are re-sent to Alertmanager; their endsAt is 4 × max(this, evaluationInterval) ahead.' }),
  key({ key: 'notifiers.queueSize', schema: z.coerce.number().int().min(1).max(1_000_000), default: 1000, description: 'Notifications each receiver holds while it is unreachable; when full, the oldest is dropped and counted.' }),
  key({ key: 'events.webhooks', schema: eventWebhooksSchema, default: [], secret: true, description: 'Receivers of freeze and thaw CloudEvents.' }),
  // GitHub deployment protection rules (docs/gates.md): sloe answers as a GitHub App installation.
  key({ key: 'github.appId', schema: z.coerce.string().regex(/^\d+$/, 'expected the GitHub App\'s numeric id').optional().describe('the GitHub App\'s numeric id'), default: undefined, description: 'The GitHub App sloe answers deployment protection rules as (its App ID); with github.privateKeyFile and github.webhookSecret it enables POST /api/v1/hooks/github.', example: '123456' }),
  key({ key: 'github.privateKeyFile', schema: path.optional(), default: undefined, description: 'The GitHub App\'s private key (PEM), which signs the JWT exchanged for installation tokens.' }),
  key({ key: 'github.webhookSecret', schema: credential.optional(), default: undefined, secret: true, description: 'The GitHub App\'s webhook secret; X-Hub-Signature-256 of every event is checked against it.' }),
  key({ key: 'github.apiUrl', schema: url, default: 'https://api.github.com', description: 'GitHub\'s REST API: https://HOST/api/v3 for GitHub Enterprise Server. Callbacks are only sent under it.' }),
  key({ key: 'github.repositories', schema: z.record(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name'), z.string().min(1)).describe('a mapping of owner/name to service'), default: {}, description: 'Which service each repository deploys; a repository not listed is the service of its name.', example: '{ acme/shop-frontend: checkout }' }),
  key({ key: 'provisioning.prometheus', schema: prometheusProvisioningSchema, default: undefined, description: 'Write rule files into a folder and ask Prometheus to reload.' }),
  key({ key: 'provisioning.mimir', schema: mimirProvisioningSchema, default: undefined, description: 'Push rule groups to the Mimir/Cortex ruler API.' }),
  key({ key: 'provisioning.grafana', schema: grafanaProvisioningSchema, default: undefined, secret: true, description: 'Push dashboards to Grafana.' }),
  // Replicas fed the same stream (docs/operations.md "Replicas").
  key({
    key: 'replicas.claimFile',
    schema: path.optional(),
    default: undefined,
    description:
      'A SQLite file every replica opens (one host, or a volume with POSIX locks; not NFS). Slack and webhook deliveries are claimed there, so of replicas fed the same stream one sends each change of state. Unset: every replica sends.',
    example: '/shared/sloe-claims.db',
  }),
  key({ key: 'replicas.id', schema: z.string().min(1).optional(), default: undefined, description: 'This replica\'s name in the claim file, stable across its restarts; the host name by default (set it when replicas share a host).' }),
  key({ key: 'replicas.claimWindow', schema: durationText, default: '10m', description: 'How long a change claimed by one replica keeps the others from sending the same change; longer than the replicas can lag each other.' }),
  // Slow and idle clients (issue 21): a slowloris must not hold sockets, or starve remote write and the gate.
  key({ key: 'server.headersTimeout', schema: durationText, default: '10s', description: 'A client must send its request headers within this; slower ones are closed (408).' }),
  key({ key: 'server.requestTimeout', schema: durationText, default: '60s', description: 'A client must send its whole request, body included, within this; slower ones are closed (408).' }),
  key({ key: 'server.keepAliveTimeout', schema: durationText, default: '5s', description: 'An idle keep-alive connection is closed after this.' }),
  key({
    key: 'server.frontThread',
    schema: z.boolean(),
    default: false,
    description:
      'Answer gate requests on a thread of their own that owns the listening socket and passes every other connection on to the main thread: a polled gate then answers in milliseconds even while the main thread is blocked or the machine is contended, at the cost of one more copy of every other byte (measured: a fifth less remote-write throughput at saturation). docs/gates.md, "Where gate requests are answered".',
  }),
  key({ key: 'server.maxConnections', schema: z.coerce.number().int().min(16), default: 4096, description: 'Open connections at most; past it new connections are closed at once, so sockets cannot exhaust file descriptors.' }),
  // sloe's own /metrics, scraped through the normal scrape path, so the example SLOs on sloe's API have live figures
  // within a minute of `npm start` with nothing else running (issue 17).
  key({ key: 'selfScrape.enabled', schema: z.boolean(), default: true, description: 'Scrape sloe\'s own /metrics as job "sloe" (instance: the listen address), so SLOs on sloe\'s HTTP API have figures with nothing else running.' }),
  key({ key: 'selfScrape.interval', schema: durationText, default: '10s', description: 'How often sloe scrapes its own /metrics.' }),
  // Reviews (docs/reviews.md): postmortem triggers and scheduled reports.
  key({ key: 'postmortemThreshold', schema: z.coerce.number().gt(0).max(1), default: 0.2, description: 'An incident that spends more than this share of its period\'s error budget gets a postmortem record, announced once.' }),
  key({ key: 'postmortems.slack', schema: reviewSlackSchema, default: [], secret: true, description: 'Slack incoming webhooks postmortems are announced to.' }),
  key({ key: 'postmortems.webhooks', schema: reviewWebhooksSchema, default: [], secret: true, description: 'JSON webhooks (an issue tracker\'s) postmortems are posted to, signed with HMAC-SHA256 when a secret is set.' }),
  key({
    key: 'reports',
    schema: reportsSchema,
    default: [],
    secret: true,
    description: 'Scheduled SLO reports: at each cron time, the report over the range before it, sent once (also across restarts and replicas sharing state).',
    example: '[{ name: monthly, schedule: "0 9 1 * *", range: 30d, services: [checkout], receivers: { slack: [{ webhookUrl: ... }] } }]',
  }),
  // Pulling remote SLIs and backfills from sources (docs/sources.md).
  key({ key: 'pull.chunk', schema: durationText, default: '1d', description: 'Longest range one backfill query asks a source for (1-minute steps: 1d is 1,440 points; Prometheus refuses more than 11,000).' }),
  key({ key: 'pull.queriesPerSecond', schema: z.coerce.number().positive().max(1000), default: 20, description: 'Backfill queries per second, all sources together, so a backfill does not starve the source\'s other users.' }),
  key({ key: 'pull.delay', schema: durationText, default: '15s', description: 'A minute is pulled from a source once it ended this long ago (the source\'s ingest lag); the last minutes are pulled again each tick to count late samples.' }),
  key({ key: 'pull.groupSize', schema: z.coerce.number().int().min(1).max(10_000), default: 200, description: 'Most SLO queries one grouped query answers: queries of one shape that differ only in a label\'s value (job="a", job="b") are asked as one `sum by (job)` with a regex of the values each tick; 1 asks every query by itself.' }),
] as const;
