/**
 * A fake GitHub REST API for the deployment protection rule flow, on 127.0.0.1 (port from the OS), following GitHub's
 * documentation (API version 2022-11-28):
 * - `POST /app/installations/{installation_id}/access_tokens` ("Create an installation access token for an app"):
 *   needs `Authorization: Bearer <JWT>`, an RS256 JWT whose signature verifies with the app's public key, `iss` the
 *   app id, `iat` not in the future (60 s of drift allowed) and `exp` at most 10 minutes ahead and not passed;
 *   401 `A JSON web token could not be decoded` / `'Expiration time' claim ('exp') is too far in the future` otherwise,
 *   404 for an unknown installation; 201 `{token, expires_at, permissions, repository_selection}`.
 * - `POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule` ("Review custom deployment
 *   protection rules for a workflow run"): needs an installation token (`Bearer` or `token`), else 401
 *   `Bad credentials`; the body `{environment_name (required), state: approved | rejected (required), comment}`, else
 *   422; 204 No Content.
 * Every request is recorded; tests read `calls`.
 */
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeGitHubCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly status: number;
}

export interface ProtectionRuleReview {
  readonly repository: string;
  readonly runId: number;
  readonly installationId: number;
  readonly body: { environment_name: string; state: 'approved' | 'rejected'; comment?: string };
}

export interface FakeGitHub {
  readonly url: string;
  readonly calls: FakeGitHubCall[];
  /** Reviews GitHub took (204). */
  readonly reviews: ProtectionRuleReview[];
  /** Installation tokens issued, by installation. */
  readonly tokensIssued: Map<number, number>;
  /** The JWT claims of each token exchange that succeeded. */
  readonly jwtClaims: Record<string, unknown>[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Verifies an RS256 JWT as GitHub does for an app; the problem GitHub would report, or the claims. */
function verifyJwt(jwt: string, publicKey: KeyObject, appId: string, nowSeconds: number): { problem: string } | { claims: Record<string, unknown> } {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { problem: 'A JSON web token could not be decoded' };
  const [headerText, claimsText, signature] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerText, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(claimsText, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { problem: 'A JSON web token could not be decoded' };
  }
  if (header.alg !== 'RS256') return { problem: 'A JSON web token could not be decoded' };
  if (!createVerify('RSA-SHA256').update(`${headerText}.${claimsText}`).verify(publicKey, Buffer.from(signature, 'base64url'))) return { problem: 'A JSON web token could not be decoded' };
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return { problem: 'A JSON web token could not be decoded' };
  if (String(claims.iss) !== appId) return { problem: `Integration not found (iss ${JSON.stringify(claims.iss)})` };
  if (claims.iat > nowSeconds + 60) return { problem: '\'Issued at\' claim (\'iat\') must be an Integer representing a time in the past.' };
  if (claims.exp > nowSeconds + 600) return { problem: '\'Expiration time\' claim (\'exp\') is too far in the future' };
  if (claims.exp <= nowSeconds) return { problem: '\'Expiration time\' claim (\'exp\') must be a numeric value representing the future time at which the assertion expires' };
  return { claims };
}

export async function startFakeGitHub(options: { appId: string; publicKeyPem: string; installations: readonly number[] }): Promise<FakeGitHub> {
  const publicKey = createPublicKey(options.publicKeyPem);
  const calls: FakeGitHubCall[] = [];
  const reviews: ProtectionRuleReview[] = [];
  const tokensIssued = new Map<number, number>();
  const jwtClaims: Record<string, unknown>[] = [];
  /** Installation token → installation. */
  const tokens = new Map<string, number>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<number> => {
    const body = await readBody(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const authorization = request.headers.authorization;
    const exchangeMatch = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (request.method === 'POST' && exchangeMatch) {
      const installationId = Number(exchangeMatch[1]);
      const jwt = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (jwt === undefined) return reply(401, { message: 'A JSON web token could not be decoded', documentation_url: DOCS });
      const checked = verifyJwt(jwt, publicKey, options.appId, Math.floor(Date.now() / 1000));
      if ('problem' in checked) return reply(401, { message: checked.problem, documentation_url: DOCS });
      if (!options.installations.includes(installationId)) return reply(404, { message: 'Not Found', documentation_url: DOCS });
      jwtClaims.push(checked.claims);
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      tokens.set(token, installationId);
      tokensIssued.set(installationId, (tokensIssued.get(installationId) ?? 0) + 1);
      return reply(201, { token, expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), permissions: { actions: 'read', deployments: 'write' }, repository_selection: 'all' });
    }
    const reviewMatch = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(path);
    if (request.method === 'POST' && reviewMatch) {
      const token = /^(?:Bearer|token) (.+)$/i.exec(authorization ?? '')?.[1];
      const installationId = token === undefined ? undefined : tokens.get(token);
      if (installationId === undefined) return reply(401, { message: 'Bad credentials', documentation_url: DOCS });
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
      }
      if (typeof parsed.environment_name !== 'string' || parsed.environment_name.length === 0) return reply(422, { message: 'Invalid request.\n\n"environment_name" wasn\'t supplied.', documentation_url: DOCS });
      if (parsed.state !== 'approved' && parsed.state !== 'rejected') return reply(422, { message: `Invalid request.\n\nFor 'properties/state', ${JSON.stringify(parsed.state)} is not one of ["approved", "rejected"].`, documentation_url: DOCS });
      if (parsed.comment !== undefined && typeof parsed.comment !== 'string') return reply(422, { message: 'Invalid request.\n\nFor \'properties/comment\', it is not a string.', documentation_url: DOCS });
      reviews.push({ repository: `${reviewMatch[1]}/${reviewMatch[2]}`, runId: Number(reviewMatch[3]), installationId, body: parsed as ProtectionRuleReview['body'] });
      return reply(204);
    }
    return reply(404, { message: 'Not Found', documentation_url: DOCS });

    function reply(status: number, payload?: unknown): number {
      send(response, status, payload);
      return status;
    }
  };

  const server = createServer((request, response) => {
    void handle(request, response).then(
      (status) => calls.push({ method: request.method ?? '', path: request.url ?? '', authorization: request.headers.authorization, status }),
      () => send(response, 500, { message: 'fake GitHub failed' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    reviews,
    tokensIssued,
    jwtClaims,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
