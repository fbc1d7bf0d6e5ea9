import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { SloeError } from '../core/index.js';
import type { SloeConfig } from '../config/index.js';
import { GitHubApp } from '../policy/index.js';
import type { GitHubHookOptions } from '../policy/index.js';

/**
 * The GitHub hook's options from `github.*`, or undefined when none of the app's keys is set. Half a setup is refused
 * at start (naming what is missing), and the private key is read and checked once, here.
 */
export function githubHook(config: SloeConfig['github'], logger: Logger): GitHubHookOptions | undefined {
  const { appId, privateKeyFile, webhookSecret } = config;
  const given = { 'github.appId': appId, 'github.privateKeyFile': privateKeyFile, 'github.webhookSecret': webhookSecret };
  const missing = Object.entries(given).filter(([, value]) => value === undefined).map(([key]) => key);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) throw new SloeError('config_invalid', `GitHub deployment protection rules need github.appId, github.privateKeyFile and github.webhookSecret; missing: ${missing.join(', ')}`);
  let privateKey: string;
  try {
    privateKey = readFileSync(privateKeyFile as string, 'utf8');
  } catch (cause) {
    throw new SloeError('config_invalid', `github.privateKeyFile: cannot read ${privateKeyFile as string} (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  const log = logger.child({ component: 'github' });
  return {
    webhookSecret: webhookSecret as string,
    app: new GitHubApp({ appId: appId as string, privateKey, apiUrl: config.apiUrl }),
    repositories: config.repositories,
    onAnswer: ({ error, ...outcome }) => {
      if (error === undefined) log.info(outcome, 'deployment protection rule answered');
      else log.error({ ...outcome, err: error }, 'deployment protection rule answer not taken by GitHub');
    },
  };
}
