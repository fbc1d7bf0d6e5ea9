import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp, startServer } from '../../src/api/index.js';
import type { RunningServer } from '../../src/api/index.js';
import type { BudgetPolicy, SloStatus, StatusReader } from '../../src/core/index.js';
import { createPolicy } from '../../src/policy/index.js';
import type { EventWebhook, PolicyComponent } from '../../src/policy/index.js';
import { authenticate } from '../../src/auth/index.js';
import type { Tokens } from '../../src/auth/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../../src/store/index.js';

/** A StatusReader the test drives: each `evaluate` replaces the latest statuses, as an engine tick does. */
export class DrivenStatuses implements StatusReader {
  private statuses: readonly SloStatus[] = [];
  private byName = new Map<string, SloStatus>();

  evaluate(statuses: readonly SloStatus[]): void {
    this.statuses = [...statuses];
    this.byName = new Map(statuses.map((status) => [status.name, status]));
  }

  latest(): readonly SloStatus[] {
    return this.statuses;
  }

  get(name: string): SloStatus | undefined {
    return this.byName.get(name);
  }
}

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP receiver on 127.0.0.1 that answers each request with the next status of `statuses` (then 200). */
export async function startReceiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; attempts: () => number; close: () => Promise<void> }> {
  const received: Received[] = [];
  let attempts = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      attempts++;
      const status = statuses.shift() ?? 200;
      if (status < 300) received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits (bounded in time and count) until `done` holds. */
export async function until(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < 1000 && !done(); round++) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!done()) throw new Error(`gave up waiting for ${what}`);
}

export interface GateHarness {
  readonly url: string;
  readonly statuses: DrivenStatuses;
  readonly policy: PolicyComponent;
  readonly journal: MemoryJournal;
  readonly documents: MemoryDocumentStore;
  close(): Promise<void>;
}

/** The policy component behind the daemon's HTTP app, served on a free port on 127.0.0.1. */
export async function startGateApp(options: { policies?: BudgetPolicy[]; tokens?: Tokens; webhooks?: EventWebhook[]; now?: () => number } = {}): Promise<GateHarness> {
  const statuses = new DrivenStatuses();
  const journal = new MemoryJournal();
  const documents = new MemoryDocumentStore();
  const policy = createPolicy({
    statuses,
    policies: options.policies ?? [],
    journal,
    documents,
    webhooks: options.webhooks ?? [],
    source: 'urn:sloe:test',
    delivery: { backoffMs: 20, maxBackoffMs: 100, attempts: 4, timeoutMs: 2000 },
    ...(options.now ? { now: options.now } : {}),
  });
  await policy.start?.();
  const server: RunningServer = await startServer(createHttpApp([...(policy.routes ?? [])], { notReadyReasons: () => [] }, [{ path: '*', handler: authenticate(options.tokens ?? {}) }]), '127.0.0.1:0');
  return {
    url: `http://127.0.0.1:${server.address.port}`,
    statuses,
    policy,
    journal,
    documents,
    close: async () => {
      await policy.stop?.(5000);
      await server.close(100);
    },
  };
}
