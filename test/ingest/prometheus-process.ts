/**
 * A real Prometheus 2.42 for tests and benchmarks: its own temp dir, 127.0.0.1 on a free port, started and stopped by
 * the caller, waited for with a bounded loop.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/ports.js';

export interface PrometheusProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Last lines Prometheus logged, for failure messages. */
  log(): string;
  /** Instant query; returns the `data` of a successful answer. */
  query(promql: string, time?: number): Promise<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>;
  stop(): Promise<void>;
}


/** `wrap` runs Prometheus under another command (e.g. `['taskset', '-c', '1']`), whose pid it then keeps (it execs). */
export async function startPrometheus(configYaml: string, extraFlags: readonly string[] = [], wrap: readonly string[] = []): Promise<PrometheusProcess> {
  const binary = requireBinary('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'sloe-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), configYaml);
  const port = await freePort();
  const child: ChildProcess = spawn(
    wrap[0] ?? binary,
    [...wrap.slice(1), ...(wrap.length > 0 ? [binary] : []), `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...extraFlags],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let logged = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    logged = (logged + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${logged}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 30 s: ${logged}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    pid: child.pid ?? 0,
    log: () => logged,
    query: async (promql, time) => {
      const params = new URLSearchParams({ query: promql, ...(time === undefined ? {} : { time: String(time / 1000) }) });
      const response = await fetch(`${url}/api/v1/query?${params.toString()}`);
      const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error ?? response.status}`);
      return body.data;
    },
    stop,
  };
}
