import { createPrivateKey, createSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SloeError, badRequest } from '../core/index.js';
import { exchange, resultOf } from '../delivery/index.js';
import type { Fetch } from '../delivery/index.js';

/** GitHub's REST API version sloe speaks (the `X-GitHub-Api-Version` header). */
export const GITHUB_API_VERSION = '2022-11-28';

export interface GitHubAppOptions {
  /** The GitHub App's id (the JWT's `iss`). */
  readonly appId: string;
  /** The app's private key, PEM (PKCS#1 as GitHub hands it out, or PKCS#8). */
  readonly privateKey: string;
  /** `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly apiUrl: string;
  /** Per request to GitHub. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  readonly fetch?: Fetch;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** An installation token is reused until this long before GitHub says it expires (it lives one hour). */
const TOKEN_MARGIN_MS = 5 * 60_000;

/**
 * Talks to GitHub as a GitHub App installation: an RS256 JWT signed with the app's private key (`iat` 60 s in the past
 * against clock drift, `exp` 9 minutes ahead, GitHub's limit being 10) is exchanged at
 * `POST /app/installations/{id}/access_tokens` for an installation token, which authenticates the calls. Tokens are
 * cached per installation until shortly before they expire.
 */
export class GitHubApp {
  readonly apiUrl: string;
  private readonly appId: string;
  private readonly key: KeyObject;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly fetch: Fetch | undefined;
  private readonly tokens = new Map<number, CachedToken>();

  constructor(options: GitHubAppOptions) {
    if (!/^\d+$/.test(options.appId)) throw new SloeError('config_invalid', `github.appId: expected the GitHub App's numeric id, got ${JSON.stringify(options.appId)}`);
    try {
      this.key = createPrivateKey(options.privateKey);
    } catch (cause) {
      throw new SloeError('config_invalid', 'github.privateKeyFile: not a PEM private key (download one from the GitHub App\'s settings)', { cause });
    }
    if (this.key.asymmetricKeyType !== 'rsa') throw new SloeError('config_invalid', `github.privateKeyFile: expected an RSA key, got ${this.key.asymmetricKeyType ?? 'unknown'}`);
    this.appId = options.appId;
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch;
  }

  /** The app's JWT as of now. */
  jwt(): string {
    const issuedAt = Math.floor(this.now() / 1000) - 60;
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const claims = base64url(JSON.stringify({ iat: issuedAt, exp: issuedAt + 60 + 9 * 60, iss: this.appId }));
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(this.key);
    return `${header}.${claims}.${base64url(signature)}`;
  }

  private headers(authorization: string): Record<string, string> {
    return { accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION, authorization, 'content-type': 'application/json' };
  }

  /** An installation access token, from the cache or freshly exchanged. */
  async installationToken(installationId: number): Promise<string> {
    const cached = this.tokens.get(installationId);
    if (cached && cached.expiresAt - TOKEN_MARGIN_MS > this.now()) return cached.token;
    const answer = await exchange({ url: `${this.apiUrl}/app/installations/${installationId}/access_tokens`, method: 'POST', headers: this.headers(`Bearer ${this.jwt()}`), timeoutMs: this.timeoutMs }, this.fetch);
    const result = resultOf(answer);
    if (result.outcome !== 'delivered' || answer.kind !== 'reply') {
      throw new SloeError('github_token', `GitHub refused an installation token for installation ${installationId}: ${result.outcome === 'delivered' ? 'no reply' : result.reason}`, { status: 502 });
    }
    let parsed: { token?: unknown; expires_at?: unknown };
    try {
      parsed = JSON.parse(answer.body) as { token?: unknown; expires_at?: unknown };
    } catch (cause) {
      throw new SloeError('github_token', 'GitHub answered the installation token request with malformed JSON', { status: 502, cause });
    }
    if (typeof parsed.token !== 'string' || parsed.token.length === 0) throw new SloeError('github_token', 'GitHub\'s installation token answer has no token', { status: 502 });
    const expiresAt = typeof parsed.expires_at === 'string' ? Date.parse(parsed.expires_at) : Number.NaN;
    this.tokens.set(installationId, { token: parsed.token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : this.now() + 60 * 60_000 });
    return parsed.token;
  }

  /**
   * `POST` a JSON body to an API URL as the installation. The URL must lie under the configured API base: the token is
   * never sent elsewhere, whatever a webhook names.
   */
  async post(installationId: number, url: string, body: unknown): Promise<void> {
    if (!url.startsWith(`${this.apiUrl}/`)) throw badRequest(`${url} is not under the configured GitHub API ${this.apiUrl} (github.apiUrl)`);
    const token = await this.installationToken(installationId);
    const answer = await exchange({ url, method: 'POST', headers: this.headers(`Bearer ${token}`), body: JSON.stringify(body), timeoutMs: this.timeoutMs }, this.fetch);
    const result = resultOf(answer);
    if (result.outcome === 'delivered') return;
    // A token GitHub no longer honours (revoked, app reinstalled) is dropped, so the next event exchanges a new one.
    if (result.status === 401) this.tokens.delete(installationId);
    throw new SloeError('github_callback', `GitHub did not take the answer at ${url}: ${result.reason}`, { status: 502 });
  }
}
