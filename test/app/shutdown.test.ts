import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { SloStatus } from '../../src/core/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { freePort } from '../helpers/ports.js';
import { encodeV1 } from '../ingest/schemas.js';
import { logSink, sloSpec, workspace } from './daemon-fixture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };
const PER_REQUEST = 10;

/** One remote-write request: a new series whose two samples make an increase of PER_REQUEST events. */
function body(writer: number, sequence: number, at: number): Buffer {
  const labels = { __name__: 'http_requests_total', job: 'checkout', code: '200', instance: `w${writer}-${sequence}` };
  return compressSync(Buffer.from(encodeV1([{ labels, samples: [{ value: 0, timestamp: at - 2_000 }, { value: PER_REQUEST, timestamp: at - 1_000 }] }])));
}

describe('the daemon process: SIGHUP and graceful shutdown', () => {
  let child: ChildProcess | undefined;

  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('reloads on SIGHUP; SIGTERM during ingest loses no acknowledged write and exits 0 within the bound', async () => {
    const space = workspace();
    space.write('checkout.yaml', sloSpec('checkout-availability', 'checkout'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let stderr = '';
    child = spawn(process.execPath, [join(ROOT, 'bin', 'sloe.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--slos', space.specs, '--data', space.data, '--log-level', 'info', '--log-format', 'json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', SLOE_EVALUATION_INTERVAL: '1s', SLOE_SHUTDOWN_TIMEOUT: '5s' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => child?.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));

    const ready = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
      if (ok) break;
      if (Date.now() > ready || child.exitCode !== null) throw new Error(`sloe did not become ready: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // SIGHUP reloads the specs in the running process.
    space.write('search.yaml', sloSpec('search-availability', 'search'));
    child.kill('SIGHUP');
    const reloaded = Date.now() + 10_000;
    for (;;) {
      const names = ((await (await fetch(`${url}/api/v1/slos`)).json()) as { data: SloStatus[] }).data.map((slo) => slo.name);
      if (names.includes('search-availability')) break;
      if (Date.now() > reloaded) throw new Error(`SIGHUP did not reload the specs: ${names.join(', ')}; ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The outcome is a log line like every other, not plain text beside them. The logger writes asynchronously,
    // so the line may follow the reloaded list by a moment.
    const logged = Date.now() + 5_000;
    while (!logs.includes('specs reloaded') && Date.now() < logged) await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = logs.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; trigger?: string; added?: string[] });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'specs reloaded', trigger: 'SIGHUP', added: ['search-availability'] }));
    expect(stderr).toBe('');

    // Four writers send until the daemon stops answering; every 204 is an acknowledged write.
    let acknowledged = 0;
    let unanswered = 0;
    let sigtermAt = 0;
    const writer = async (id: number): Promise<void> => {
      for (let sequence = 0; sequence < 2_000; sequence++) {
        try {
          const response = await fetch(`${url}/api/v1/write`, { method: 'POST', headers: HEADERS, body: new Uint8Array(body(id, sequence, Date.now())) });
          if (response.status === 204) acknowledged++;
          else if (response.status >= 500 || response.status === 429) unanswered++;
          else throw new Error(`unexpected ${response.status}: ${await response.text()}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('unexpected')) throw error;
          // Refused or reset: the daemon is going away. The request may or may not have been committed.
          unanswered++;
          return;
        }
        if (acknowledged >= 60 && sigtermAt === 0) {
          sigtermAt = Date.now();
          child?.kill('SIGTERM');
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
    const exit = await exited;
    expect(exit.signal).toBeNull();
    expect(exit.code, stderr).toBe(0);
    // shutdownTimeout (5 s) + 5 s is the hard bound; a clean stop takes far less.
    expect(exit.at - sigtermAt).toBeLessThan(10_000);
    expect(acknowledged).toBeGreaterThanOrEqual(60);
    if (process.env.SLOE_TEST_VERBOSE) console.log({ acknowledged, unanswered, stopMs: exit.at - sigtermAt });

    // The same data folder, opened again: every acknowledged increase is there.
    const daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '200ms' }), { env: {}, logDestination: logSink().stream });
    try {
      let total = 0;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const status = (await (await fetch(`${daemon.url}/api/v1/slos/checkout-availability`)).json()) as SloStatus;
        total = status.events.total;
        if (total >= acknowledged * PER_REQUEST) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(total).toBeGreaterThanOrEqual(acknowledged * PER_REQUEST);
      expect(total).toBeLessThanOrEqual((acknowledged + unanswered) * PER_REQUEST);
    } finally {
      await daemon.stop();
    }
  });
});
