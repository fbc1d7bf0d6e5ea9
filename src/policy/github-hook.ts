import { Hono } from 'hono';
import { SloeError, badRequest, notFound } from '../core/index.js';
import { verifySignature } from '../delivery/index.js';
import type { GateAnswer } from './answer.js';
import type { GitHubApp } from './github-app.js';
import type { GateService } from './gate-service.js';
import { parseEnvironment } from './release.js';

/** What the GitHub hook needs: the webhook secret, the app it answers as, and which repository is which service. */
export interface GitHubHookOptions {
  readonly webhookSecret: string;
  readonly app: GitHubApp;
  /** `owner/repo` → service (compared case-insensitively, as GitHub names are); unmapped repositories go by their name. */
  readonly repositories: Readonly<Record<string, string>>;
  /** Told of every answer sent back (and of failures), for the logs. */
  readonly onAnswer?: (outcome: { repository: string; environment: string; state: 'approved' | 'rejected'; decision?: string; error?: unknown }) => void;
}

/** Larger than any deployment_protection_rule event; GitHub caps webhook payloads at 25 MB. */
const MAX_EVENT_BYTES = 1024 * 1024;
/** GitHub shows the comment beside the run; a long list of reasons is cut here. */
const MAX_COMMENT_CHARS = 4000;

/** A malformed event, named as GitHub names it so the delivery log on GitHub's side says which field. */
function badEvent(message: string): SloeError {
  return badRequest(`deployment_protection_rule: ${message}`);
}

interface ProtectionRuleEvent {
  readonly environment: string;
  readonly callbackUrl: string;
  readonly installationId: number;
  readonly repository: string;
  readonly repositoryName: string;
  readonly body: Record<string, unknown>;
}

function field(object: unknown, key: string): unknown {
  return object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined;
}

function parseEvent(body: Record<string, unknown>): ProtectionRuleEvent {
  const environment = body.environment;
  const callbackUrl = body.deployment_callback_url;
  const installationId = field(body.installation, 'id');
  const repository = field(body.repository, 'full_name');
  const repositoryName = field(body.repository, 'name');
  if (typeof environment !== 'string' || environment.length === 0) throw badEvent('environment: expected the environment\'s name');
  if (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl)) throw badEvent('deployment_callback_url: expected a URL');
  if (typeof installationId !== 'number' || !Number.isSafeInteger(installationId)) throw badEvent('installation.id: expected the app installation\'s id (is the hook set on the GitHub App?)');
  if (typeof repository !== 'string' || typeof repositoryName !== 'string') throw badEvent('repository.full_name: expected owner/name');
  return { environment, callbackUrl, installationId, repository, repositoryName, body };
}

/** The comment GitHub shows with the approval or rejection: the decision, then one reason a line. */
export function commentOf(answer: GateAnswer): string {
  const head = `sloe: ${answer.decision} for ${answer.service} in ${answer.environment} (policy ${answer.policy}, decision ${answer.id})`;
  const reasons = answer.reasons.map((reason) => `- ${reason}`);
  const text = [head, ...reasons].join('\n');
  return text.length <= MAX_COMMENT_CHARS ? text : `${text.slice(0, MAX_COMMENT_CHARS - 1)}…`;
}

/**
 * `POST /api/v1/hooks/github`: GitHub's `deployment_protection_rule` webhook, sent to the GitHub App when a job
 * targets an environment the app protects. The body's `X-Hub-Signature-256` (HMAC-SHA256 with the webhook secret) is
 * its authentication: a wrong or missing one is 401, before anything is parsed. sloe decides for the repository's
 * service and the event's environment (lowercased: GitHub's environment names are case-insensitive) and posts
 * `approved` (allow, warn) or `rejected` (deny) with the reasons to the event's `deployment_callback_url` as the app's
 * installation. The hook answers 200 once GitHub took the answer, 502 when it did not (GitHub's "Redeliver" retries),
 * 404 when no SLO or policy covers the repository (after rejecting it there: a typo must not pass).
 */
export function githubRoutes(gates: GateService, options: GitHubHookOptions | undefined): Hono {
  const app = new Hono();
  const repositories = new Map(Object.entries(options?.repositories ?? {}).map(([repository, service]) => [repository.toLowerCase(), service]));

  app.post('/api/v1/hooks/github', async (c) => {
    if (!options) throw notFound('GitHub deployment protection rules are not configured (github.appId, github.privateKeyFile, github.webhookSecret)', 'not_configured');
    if (Number(c.req.header('content-length') ?? 0) > MAX_EVENT_BYTES) throw new SloeError('payload_too_large', `the body is larger than ${MAX_EVENT_BYTES} bytes`, { status: 413 });
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > MAX_EVENT_BYTES) throw new SloeError('payload_too_large', `the body is larger than ${MAX_EVENT_BYTES} bytes`, { status: 413 });
    if (!verifySignature(raw, options.webhookSecret, c.req.header('x-hub-signature-256'))) {
      throw new SloeError('bad_signature', 'X-Hub-Signature-256 is missing or does not match the body (is github.webhookSecret the GitHub App\'s webhook secret?)', { status: 401 });
    }
    const event = c.req.header('x-github-event');
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(raw).toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (cause) {
      throw badRequest(`GitHub webhook: malformed JSON (${cause instanceof Error ? cause.message : String(cause)})`, 'bad_request', cause);
    }
    // GitHub sends `ping` when the hook is set up, and the app may be subscribed to more than this event.
    if (event === 'ping') return c.json({ ok: true });
    if (event !== 'deployment_protection_rule' || body.action !== 'requested') {
      return c.json({ ignored: `sloe answers deployment_protection_rule requested events, not ${event ?? 'an unnamed event'}${typeof body.action === 'string' ? ` ${body.action}` : ''}` }, 202);
    }

    const rule = parseEvent(body);
    const reply = async (state: 'approved' | 'rejected', comment: string, decision?: string): Promise<void> => {
      try {
        await options.app.post(rule.installationId, rule.callbackUrl, { environment_name: rule.environment, state, comment });
        options.onAnswer?.({ repository: rule.repository, environment: rule.environment, state, ...(decision ? { decision } : {}) });
      } catch (error) {
        options.onAnswer?.({ repository: rule.repository, environment: rule.environment, state, ...(decision ? { decision } : {}), error });
        throw error;
      }
    };

    const service = repositories.get(rule.repository.toLowerCase()) ?? (gates.knows(rule.repositoryName) ? rule.repositoryName : undefined);
    let environment: string | undefined;
    try {
      environment = parseEnvironment(rule.environment.toLowerCase(), 'environment');
    } catch {
      environment = undefined;
    }
    if (service === undefined || !gates.knows(service) || environment === undefined) {
      const problem =
        environment === undefined
          ? `environment ${JSON.stringify(rule.environment)} is not a name sloe's policies can use (letters, digits, '.', '_', '-')`
          : service === undefined
            ? `no SLO or policy covers repository ${rule.repository} (map it to a service in github.repositories, or name a service after the repository)`
            : `repository ${rule.repository} is mapped to service ${service}, which no SLO or policy covers`;
      await reply('rejected', `sloe: ${problem}`);
      throw new SloeError(environment === undefined ? 'bad_request' : 'unknown_service', problem, { status: environment === undefined ? 400 : 404 });
    }

    const deployment = body.deployment;
    const answer = gates.decide({
      service,
      environment,
      action: 'deploy',
      labels: {},
      admin: false,
      release: {
        repository: rule.repository,
        environment: rule.environment,
        event: body.event,
        ref: field(deployment, 'ref'),
        sha: field(deployment, 'sha'),
        deployment: field(deployment, 'id'),
      },
      ...(typeof field(body.sender, 'login') === 'string' ? { requester: field(body.sender, 'login') as string } : {}),
      caller: `github:${rule.repository}`,
      via: 'github',
    });
    const state = answer.allowed ? 'approved' : 'rejected';
    await reply(state, commentOf(answer), answer.id);
    return c.json({ state, decision: answer.decision, id: answer.id, service, environment, reasons: answer.reasons });
  });
  return app;
}
