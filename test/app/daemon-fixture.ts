import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import type { SloeConfig } from '../../src/config/index.js';

/** A sloe/v1 SLO on a request counter, with a name and service of the caller's choosing. */
export function sloSpec(name: string, service: string, targetPercent = 99.9): string {
  return `apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${service}
  window: 30d
  objectives:
    - targetPercent: ${targetPercent}
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="${service}",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="${service}"}[{{.window}}]))
`;
}

export interface Workspace {
  readonly root: string;
  readonly specs: string;
  readonly data: string;
  write(file: string, text: string): void;
  config(extra?: Record<string, unknown>, env?: Record<string, string>): SloeConfig;
}

/** A temporary folder of specs and a data folder, and a configuration pointing at them on a free port. */
export function workspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'sloe-daemon-'));
  const specs = join(root, 'slos');
  const data = join(root, 'data');
  mkdirSync(specs);
  return {
    root,
    specs,
    data,
    write: (file, text) => writeFileSync(join(specs, file), text),
    config: (extra = {}, env = {}) => loadConfig({ env, flags: { listen: '127.0.0.1:0', slos: [specs], data, logLevel: 'warn', ...extra } }),
  };
}

/** Collects log lines in memory, so tests can look at them and the output stays quiet. */
export function logSink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}
