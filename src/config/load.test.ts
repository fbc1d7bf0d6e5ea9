import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SloeError } from '../core/index.js';
import { envName, loadConfig } from './load.js';
import { CONFIG_TABLE } from './table.js';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-config-'));
  const file = join(dir, 'sloe.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(SloeError);
    expect((error as SloeError).code).toBe('config_invalid');
    return (error as SloeError).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('gives every key its default with no sources', () => {
    const config = loadConfig();
    expect(config.listen).toBe('127.0.0.1:9797');
    expect(config.dataDir).toBe('./data');
    expect(config.slos).toEqual(['slo-definitions']);
    expect(config.evaluationInterval).toBe('30s');
    expect(config.shutdownTimeout).toBe('10s');
    expect(config.notifiers.alertmanager).toEqual([]);
    expect(config.auth.readToken).toBeUndefined();
  });

  it('applies file < environment < flags, key by key', () => {
    const file = configFile('listen: 127.0.0.1:1000\nlogLevel: debug\nretention: 10d\ndataDir: /from/file\n');
    const config = loadConfig({
      file,
      env: { SLOE_LISTEN: '127.0.0.1:2000', SLOE_RETENTION: '20d' },
      flags: { listen: '127.0.0.1:3000' },
    });
    expect(config.listen).toBe('127.0.0.1:3000'); // file, env and flag: the flag wins
    expect(config.retention).toBe('20d'); // file and env: env wins
    expect(config.logLevel).toBe('debug'); // file only
    expect(config.dataDir).toBe('/from/file');
    expect(config.evaluationInterval).toBe('30s'); // nowhere: the default
  });

  it('reads nested keys, lists and mappings from the environment', () => {
    const config = loadConfig({
      env: {
        SLOE_AUTH_READ_TOKEN: 'r3ad',
        SLOE_SLOS: 'a.yaml, b/',
        SLOE_SCRAPE: '[{job: shop, targets: ["127.0.0.1:8080"], interval: 5s}]',
        SLOE_SOURCES: '[{name: mimir, url: "http://mimir/prometheus", retries: 3}]',
      },
    });
    expect(config.auth.readToken).toBe('r3ad');
    expect(config.slos).toEqual(['a.yaml', 'b/']);
    expect(config.scrape).toEqual([{ job: 'shop', targets: ['127.0.0.1:8080'], interval: '5s', timeout: '5s', path: '/metrics', scheme: 'http', intervalMs: 5_000, timeoutMs: 5_000 }]);
    expect(config.sources[0]?.retries).toBe(3);
  });

  it('takes a variadic flag as a list', () => {
    expect(loadConfig({ flags: { slos: ['x', 'y'] } }).slos).toEqual(['x', 'y']);
  });

  it('names the key, the value, the origin and the allowed values of an enum', () => {
    const message = problemsOf(() => loadConfig({ env: { SLOE_LOG_LEVEL: 'loud' } }));
    expect(message).toContain('logLevel: got "loud"; allowed: one of trace, debug, info, warn, error, fatal, silent (from SLOE_LOG_LEVEL)');
  });

  it('names the nested key and the allowed form of a bad duration in the file', () => {
    const file = configFile('scrape:\n  - job: shop\n    targets: ["127.0.0.1:1"]\n    interval: soon\n');
    const message = problemsOf(() => loadConfig({ file }));
    expect(message).toContain('scrape[0].interval: got "soon"; allowed: a duration such as 30s');
    expect(message).toContain(`(from ${file})`);
  });

  it('refuses unknown keys at every level, listing the keys allowed there', () => {
    const file = configFile('listne: 127.0.0.1:1\nauth:\n  readTokn: x\nnotifiers:\n  alertmanager:\n    - url: http://am:9093\n      urll: x\n');
    const message = problemsOf(() => loadConfig({ file }));
    expect(message).toMatch(/listne: unknown configuration key; allowed keys: listen, dataDir, slos, .*provisioning/);
    expect(message).toContain('auth.readTokn: unknown configuration key; allowed keys in auth: readToken, writeToken, adminToken');
    expect(message).toContain('notifiers.alertmanager[0]: unknown key "urll"; allowed keys: url, headers');
  });

  it('refuses a scalar where a section belongs', () => {
    const message = problemsOf(() => loadConfig({ file: configFile('auth: secret\n') }));
    expect(message).toContain('auth: got "secret"; allowed: a mapping with keys readToken, writeToken, adminToken');
  });

  it('reports every problem at once, with the flag as origin', () => {
    const message = problemsOf(() => loadConfig({ env: { SLOE_RETENTION: 'forever' }, flags: { listen: 'nowhere' } }));
    expect(message).toContain('retention: got "forever"; allowed: a duration such as 30s, 5m or 90d');
    expect(message).toContain('listen: got "nowhere"; allowed: HOST:PORT, e.g. 127.0.0.1:9797 or [::1]:9797 (from --listen)');
  });

  it('says which fields are required and what a URL must be', () => {
    const message = problemsOf(() => loadConfig({ env: { SLOE_SOURCES: '[{url: "not a url"}]' } }));
    expect(message).toContain('sources[0].name: is required; allowed: a non-empty string');
    expect(message).toContain('sources[0].url: got "not a url"; allowed: an http(s) URL');
  });

  it('does not echo a refused secret value', () => {
    const message = problemsOf(() => loadConfig({ env: { SLOE_NOTIFIERS_SLACK: '[{webhookUrl: "hooks.slack.com/T0/s3cr3t"}]' } }));
    expect(message).toContain('notifiers.slack[0].webhookUrl: got <redacted>; allowed: an http(s) URL');
    expect(message).not.toContain('s3cr3t');
  });

  it('refuses an empty or blank token wherever it is set, never leaving its scope open', () => {
    for (const key of ['SLOE_AUTH_ADMIN_TOKEN', 'SLOE_AUTH_WRITE_TOKEN', 'SLOE_AUTH_READ_TOKEN']) {
      expect(problemsOf(() => loadConfig({ env: { [key]: '' } }))).toMatch(new RegExp(`auth\\.\\w+Token: got <redacted>; allowed: a non-empty string \\(from ${key}\\)`));
      expect(problemsOf(() => loadConfig({ env: { [key]: '   ' } }))).toContain('allowed: a non-empty string');
    }
    expect(problemsOf(() => loadConfig({ file: configFile('auth:\n  adminToken: ""\n') }))).toContain('auth.adminToken: got <redacted>; allowed: a non-empty string');
    expect(problemsOf(() => loadConfig({ file: configFile('notifiers:\n  webhooks: [{url: "http://127.0.0.1:1/h", secret: ""}]\n') }))).toContain('notifiers.webhooks[0].secret');
    // An empty variable for a key that is not a credential still means "unset".
    expect(loadConfig({ env: { SLOE_LOG_LEVEL: '' } }).logLevel).toBe(loadConfig({}).logLevel);
    expect(loadConfig({ env: { SLOE_AUTH_ADMIN_TOKEN: 's3cr3t' } }).auth.adminToken).toBe('s3cr3t');
  });

  it('refuses a file that is not YAML or not a mapping', () => {
    expect(() => loadConfig({ file: configFile('listen: [unclosed\n') })).toThrow(/not valid YAML/);
    expect(() => loadConfig({ file: configFile('- a\n- b\n') })).toThrow(/expected a mapping of configuration keys/);
  });

  it('derives one environment variable per key', () => {
    expect(envName('auth.readToken')).toBe('SLOE_AUTH_READ_TOKEN');
    expect(envName('evaluationInterval')).toBe('SLOE_EVALUATION_INTERVAL');
    const names = CONFIG_TABLE.map((entry) => envName(entry.key));
    expect(new Set(names).size).toBe(names.length);
  });
});
