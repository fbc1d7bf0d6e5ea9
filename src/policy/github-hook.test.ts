import { generateKeyPairSync } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../test/helpers/fake-github.js';
import type { FakeGitHub } from '../../test/helpers/fake-github.js';
import { policyTestOptions, sloStatus } from '../../test/policy/status-fixture.js';
import { errorResponse } from '../api/errors.js';
import { authenticate } from '../auth/index.js';
import type { SloStatus } from '../core/index.js';
import { signBody } from '../delivery/index.js';
import { MemoryJournal } from '../store/memory-records.js';
import { createPolicy } from './component.js';
import { GitHubApp } from './github-app.js';

const APP_ID = '424242';
const INSTALLATION = 77;
const SECRET = 'It\'s a Secret to Everybody';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });

let github: FakeGitHub;
beforeAll(async () => {
  github = await startFakeGitHub({ appId: APP_ID, publicKeyPem: keys.publicKey, installations: [INSTALLATION] });
});
afterAll(() => github.close());

function setup(statuses: SloStatus[], privateKey = keys.privateKey) {
  const journal = new MemoryJournal();
  const component = createPolicy({
    ...policyTestOptions(statuses, journal),
    github: { webhookSecret: SECRET, app: new GitHubApp({ appId: APP_ID, privateKey, apiUrl: github.url }), repositories: { 'Acme/Shop-Frontend': 'checkout' } },
  });
  component.checkFreezes();
  const app = new Hono();
  app.onError(errorResponse);
  // As the daemon mounts it: behind the auth middleware, with tokens set; the HMAC is the hook's own check.
  app.use('*', authenticate({ readToken: 'read-secret', adminToken: 'admin-secret' }));
  for (const routes of component.routes ?? []) app.route('/', routes);
  return { app, component };
}

let runId = 1000;
/** A `deployment_protection_rule` event as GitHub sends it (trimmed to the fields GitHub documents). */
function protectionRuleEvent(repository: string, environment: string) {
  const [owner, name] = repository.split('/') as [string, string];
  const run = ++runId;
  return {
    action: 'requested',
    environment,
    event: 'push',
    deployment_callback_url: `${github.url}/repos/${owner}/${name}/actions/runs/${run}/deployment_protection_rule`,
    deployment: { id: 9000 + run, ref: 'main', sha: 'a'.repeat(40), environment, creator: { login: 'github-actions[bot]' } },
    repository: { id: 1, name, full_name: repository, owner: { login: owner } },
    installation: { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' },
    sender: { login: 'octocat' },
  };
}

function deliver(app: Hono, body: unknown, options: { secret?: string; event?: string } = {}): Promise<Response> {
  const raw = JSON.stringify(body);
  return Promise.resolve(
    app.request('/api/v1/hooks/github', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json', 'x-github-event': options.event ?? 'deployment_protection_rule', 'x-github-delivery': 'f0e1d2c3', 'x-hub-signature-256': signBody(raw, options.secret ?? SECRET) },
    }),
  );
}

const healthy = [sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.1 }), sloStatus({ name: 'search-latency', service: 'search', consumed: 0.1 })];
const exhausted = [sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.3, burnRate: 2 })];

describe('POST /api/v1/hooks/github (deployment protection rules)', () => {
  it('approves a healthy service: a JWT exchanged for an installation token, then approved on the callback URL', async () => {
    const { app } = setup(healthy);
    const before = github.reviews.length;
    const event = protectionRuleEvent('acme/shop-frontend', 'Production');
    const response = await deliver(app, event);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: 'approved', decision: 'allow', service: 'checkout', environment: 'production' });
    const review = github.reviews.at(-1);
    expect(github.reviews.length).toBe(before + 1);
    expect(review).toMatchObject({ repository: 'acme/shop-frontend', runId, installationId: INSTALLATION, body: { environment_name: 'Production', state: 'approved' } });
    expect(review?.body.comment).toMatch(/^sloe: allow for checkout in production \(policy sloe-default, decision \S+\)/);
    // The JWT GitHub verified: iat 60 s back, exp at most 10 minutes ahead, iss the app id.
    const claims = github.jwtClaims.at(-1) as { iat: number; exp: number; iss: string };
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(claims.iss).toBe(APP_ID);
    expect(nowSeconds - claims.iat).toBeGreaterThanOrEqual(59);
    expect(nowSeconds - claims.iat).toBeLessThanOrEqual(62);
    expect(claims.exp - nowSeconds).toBeLessThanOrEqual(600);
    expect(claims.exp).toBeGreaterThan(nowSeconds);
  });

  it('rejects a service whose budget is spent, with the reasons as the comment, and reuses the installation token', async () => {
    const { app } = setup(exhausted);
    const event = protectionRuleEvent('acme/shop-frontend', 'production');
    const first = await deliver(app, event);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ state: 'rejected', decision: 'deny', service: 'checkout' });
    const review = github.reviews.at(-1);
    expect(review?.body).toMatchObject({ environment_name: 'production', state: 'rejected' });
    expect(review?.body.comment).toContain('sloe: deny for checkout in production');
    expect(review?.body.comment).toMatch(/\n- checkout-availability: .*-30%/);
    const issued = github.tokensIssued.get(INSTALLATION);
    const second = await deliver(app, protectionRuleEvent('acme/shop-frontend', 'staging'));
    expect(await second.json()).toMatchObject({ state: 'rejected', decision: 'deny', environment: 'staging' });
    expect(github.tokensIssued.get(INSTALLATION)).toBe(issued);
  });

  it('decides by the repository name when the mapping does not list it, and records the decision', async () => {
    const { app, component } = setup(healthy);
    const response = await deliver(app, protectionRuleEvent('acme/search', 'production'));
    expect(await response.json()).toMatchObject({ state: 'approved', service: 'search' });
    expect(component.gates.decisions({ limit: 5 }).data[0]).toMatchObject({ service: 'search', via: 'github', environment: 'production' });
  });

  it('refuses a bad or missing signature with 401 and calls nothing back', async () => {
    const { app } = setup(healthy);
    const calls = github.calls.length;
    const wrong = await deliver(app, protectionRuleEvent('acme/shop-frontend', 'production'), { secret: 'not the secret' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('bad_signature');
    const unsigned = await app.request('/api/v1/hooks/github', { method: 'POST', body: JSON.stringify(protectionRuleEvent('acme/shop-frontend', 'production')), headers: { 'x-github-event': 'deployment_protection_rule' } });
    expect(unsigned.status).toBe(401);
    // A body changed after signing does not pass either.
    const raw = JSON.stringify(protectionRuleEvent('acme/shop-frontend', 'production'));
    const tampered = await app.request('/api/v1/hooks/github', { method: 'POST', body: raw.replace('production', 'staging'), headers: { 'x-github-event': 'deployment_protection_rule', 'x-hub-signature-256': signBody(raw, SECRET) } });
    expect(tampered.status).toBe(401);
    expect(github.calls.length).toBe(calls);
  });

  it('rejects an unknown repository on GitHub (a typo must not pass) and answers 404', async () => {
    const { app } = setup(healthy);
    const response = await deliver(app, protectionRuleEvent('acme/chekout', 'production'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('no SLO or policy covers repository acme/chekout');
    expect(github.reviews.at(-1)).toMatchObject({ repository: 'acme/chekout', body: { state: 'rejected', environment_name: 'production' } });
    expect(github.reviews.at(-1)?.body.comment).toContain('github.repositories');
  });

  it('answers ping, ignores other events, and says 502 when GitHub refuses the app (so GitHub can redeliver)', async () => {
    const { app } = setup(healthy);
    expect((await deliver(app, { zen: 'Keep it logically awesome.', hook_id: 1 }, { event: 'ping' })).status).toBe(200);
    expect((await deliver(app, { action: 'created' }, { event: 'deployment' })).status).toBe(202);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const { app: misconfigured } = setup(healthy, stranger.privateKey);
    const response = await deliver(misconfigured, protectionRuleEvent('acme/shop-frontend', 'production'));
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('A JSON web token could not be decoded');
  });

  it('never sends the installation token outside the configured API', async () => {
    const { app } = setup(healthy);
    const event = { ...protectionRuleEvent('acme/shop-frontend', 'production'), deployment_callback_url: 'https://attacker.example/repos/acme/shop-frontend/actions/runs/1/deployment_protection_rule' };
    const response = await deliver(app, event);
    expect(response.status).toBe(400);
  });
});
