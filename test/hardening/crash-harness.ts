/**
 * What the two SIGKILL tests (crash.test.ts: twenty kills under one writer; crash-group-commit.test.ts: kills under
 * eight concurrent writers) share: the SLO they burn, a writer that resends like Prometheus's remote-write queue, and
 * the status they read back. They are two files so vitest runs them side by side instead of one after the other.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GOOD_PER_BATCH = 5;
export const BAD_PER_BATCH = 5;
/** Generous: a restart takes about a second on an idle machine, many more on a loaded one. */
export const READY_WITHIN_MS = 60_000;

/** A 99 % SLO named `NAME-availability` over `NAME_requests_total{job="NAME"}`, paging at once. */
export function crashSpec(name: string): string {
  return `apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${name}-availability
spec:
  service: ${name}
  window: 30d
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(${name}_requests_total{job="${name}",code="500"}[{{.window}}]))
      total: sum(rate(${name}_requests_total{job="${name}"}[{{.window}}]))
  alerting:
    tiers:
      page-fast:
        for: 0s
`;
}

/** A folder with the SLO of `crashSpec(name)` and a config evaluating every second; returns the `serve` flags. */
export function crashWorkspace(name: string, extraConfig: readonly string[] = []): string[] {
  const root = mkdtempSync(join(tmpdir(), `sloe-${name}-`));
  mkdirSync(join(root, 'slos'));
  writeFileSync(join(root, 'slos', `${name}.yaml`), crashSpec(name));
  writeFileSync(join(root, 'sloe.yaml'), [`slos: [${join(root, 'slos')}]`, `dataDir: ${join(root, 'data')}`, 'evaluationInterval: 1s', ...extraConfig, ''].join('\n'));
  return ['--config', join(root, 'sloe.yaml')];
}

/**
 * Sends one batch until it is acknowledged (2xx), as Prometheus's remote-write queue does; bounded in time. While
 * `paused()` says so it holds its retries (the group-commit test checks the daemon before anything is resent).
 */
export async function sendUntilAcknowledged(url: () => string, body: Buffer, deadline: number, paused: () => boolean = () => false): Promise<void> {
  while (Date.now() < deadline) {
    while (paused() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    try {
      const response = await fetch(`${url()}/api/v1/write`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.status >= 200 && response.status < 300) return;
      if (response.status >= 400 && response.status < 500 && response.status !== 429) throw new Error(`write refused: ${response.status}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('write refused')) throw error;
      // daemon down or restarting: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('a batch was not acknowledged in time');
}

export interface Status {
  events: { good: number; total: number };
  alerts: { severity: string; state: string }[];
  evaluatedAt: string;
}

export async function sloStatus(url: string, name: string): Promise<Status> {
  const response = await fetch(`${url}/api/v1/slos/${name}`);
  return (await response.json()) as Status;
}

/** Polls `probe` until `done` holds for what it returned; fails naming `what` and the last value after `withinMs`. */
export async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${withinMs} ms; last seen: ${JSON.stringify(last)}`);
}
