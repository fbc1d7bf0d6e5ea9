/**
 * A real VictoriaMetrics single node for tests: its own temp dir, 127.0.0.1 on a free port, history written through
 * its import API, started and stopped by the caller, waited for with a bounded loop.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/ports.js';

export interface VictoriaProcess {
  readonly url: string;
  /** Writes Prometheus text lines with millisecond timestamps (`/api/v1/import/prometheus`) and flushes them to search. */
  importLines(lines: readonly string[]): Promise<void>;
  /** Instant query at `time` (Unix ms); returns the `data` of a successful answer, throws with the reason otherwise. */
  query(promql: string, time: number): Promise<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>;
  stop(): Promise<void>;
}

export async function startVictoriaMetrics(): Promise<VictoriaProcess> {
  const binary = requireBinary('victoria-metrics');
  const dir = mkdtempSync(join(tmpdir(), 'sloe-vm-'));
  const port = await freePort();
  // No latency offset and no result cache: a test reads back at once exactly what it wrote.
  const child: ChildProcess = spawn(binary, [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, '-search.latencyOffset=0s', '-search.disableCache', '-retentionPeriod=1y', '-loggerLevel=ERROR'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    if (child.exitCode !== null) throw new Error(`victoria-metrics exited with ${child.exitCode}: ${logged}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`victoria-metrics not ready after 30 s: ${logged}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    importLines: async (lines) => {
      const response = await fetch(`${url}/api/v1/import/prometheus`, { method: 'POST', body: `${lines.join('\n')}\n` });
      if (response.status !== 204) throw new Error(`import answered ${response.status}: ${await response.text()}`);
      const flushed = await fetch(`${url}/internal/force_flush`);
      if (!flushed.ok) throw new Error(`force_flush answered ${flushed.status}`);
    },
    query: async (promql, time) => {
      const params = new URLSearchParams({ query: promql, time: String(time / 1000) });
      const response = await fetch(`${url}/api/v1/query?${params.toString()}`);
      const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error ?? response.status}`);
      return body.data;
    },
    stop,
  };
}
