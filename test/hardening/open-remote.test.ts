/**
 * Secure defaults (issue #21): the container image listens on all interfaces. Without a write or admin token, such a
 * daemon refuses write and admin requests from other hosts (403, the reason logged at start) unless the operator sets
 * `auth.allowOpenRemote: true`; loopback peers, reads and callers with the token are served as before. The "other
 * host" is this machine's own non-loopback address, which the kernel uses as the peer address too.
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../helpers/remote-write-encoder.js';

function externalAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  throw new Error('this test needs a non-loopback IPv4 address on this machine (none found by os.networkInterfaces())');
}

const EXTERNAL = externalAddress();
let daemon: Daemon | undefined;

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

/** One request from `from` (the source address) to the daemon's port on `to`. */
function send(from: string, to: string, method: string, path: string, options: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  const port = Number(new URL(daemon!.url).port);
  return new Promise((resolve, reject) => {
    const req = request({ host: to, port, method, path, localAddress: from, headers: options.headers ?? {} }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const write = (from: string, to: string, headers: Record<string, string> = {}) =>
  send(from, to, 'POST', '/api/v1/write', {
    body: remoteWriteBody([{ labels: [['__name__', 'http_requests_total'], ['code', '200'], ['job', 'shop']], value: 1, timestamp: Date.now() }]),
    headers: { ...REMOTE_WRITE_HEADERS, ...headers },
  });

async function start(extra: Record<string, unknown>, env: Record<string, string> = {}): Promise<{ logs: () => string }> {
  const space = workspace();
  space.write('shop.yaml', sloSpec('shop-availability', 'shop'));
  const sink = logSink();
  daemon = await startDaemon(space.config({ listen: '0.0.0.0:0', ...extra }, env), { env: {}, logDestination: sink.stream });
  return { logs: sink.text };
}

describe('a daemon listening on every interface without tokens', () => {
  it('refuses write and admin requests from other hosts, says why at start, and serves loopback and reads', { timeout: 30_000 }, async () => {
    const { logs } = await start({});
    expect(logs()).toContain('write and admin requests from other hosts are refused (403)');
    const remoteWrite = await write(EXTERNAL, EXTERNAL);
    expect(remoteWrite.status).toBe(403);
    expect(JSON.parse(remoteWrite.body)).toMatchObject({ error: { code: 'remote_access_refused' } });
    expect(remoteWrite.body).toContain('auth.allowOpenRemote');
    expect((await send(EXTERNAL, EXTERNAL, 'POST', '/-/reload')).status).toBe(403);
    // Reads stay open (the UI and status), and this machine itself may still write and reload.
    expect((await send(EXTERNAL, EXTERNAL, 'GET', '/api/v1/slos')).status).toBe(200);
    expect((await write('127.0.0.1', '127.0.0.1')).status).toBe(204);
    expect((await send('127.0.0.1', '127.0.0.1', 'POST', '/-/reload')).status).toBe(200);
  });

  it('refuses and serves the same through the front thread, which passes on the client address', { timeout: 30_000 }, async () => {
    await start({}, { SLOE_SERVER_FRONT_THREAD: 'true' });
    expect((await write(EXTERNAL, EXTERNAL)).status).toBe(403);
    expect((await send(EXTERNAL, EXTERNAL, 'POST', '/-/reload')).status).toBe(403);
    expect((await send(EXTERNAL, EXTERNAL, 'GET', '/api/v1/gates/shop')).status).toBe(200);
    expect((await write('127.0.0.1', '127.0.0.1')).status).toBe(204);
    expect((await send('127.0.0.1', '127.0.0.1', 'POST', '/-/reload')).status).toBe(200);
  });

  it('lets other hosts write with the write token, and refuses admin while its token is unset', { timeout: 30_000 }, async () => {
    await start({}, { SLOE_AUTH_WRITE_TOKEN: 'w-token' });
    expect((await write(EXTERNAL, EXTERNAL)).status).toBe(401);
    expect((await write(EXTERNAL, EXTERNAL, { authorization: 'Bearer w-token' })).status).toBe(204);
    expect((await send(EXTERNAL, EXTERNAL, 'POST', '/-/reload')).status).toBe(403);
  });

  it('lets the admin token through for an open write scope', { timeout: 30_000 }, async () => {
    await start({}, { SLOE_AUTH_ADMIN_TOKEN: 'a-token' });
    expect((await write(EXTERNAL, EXTERNAL)).status).toBe(403);
    expect((await write(EXTERNAL, EXTERNAL, { authorization: 'Bearer a-token' })).status).toBe(204);
  });

  it('accepts writes from anyone when the operator opts out, and logs that it is open', { timeout: 30_000 }, async () => {
    const { logs } = await start({}, { SLOE_AUTH_ALLOW_OPEN_REMOTE: 'true' });
    expect(logs()).toContain('auth.allowOpenRemote: true: write and admin requests are open to every host');
    expect((await write(EXTERNAL, EXTERNAL)).status).toBe(204);
    expect((await send(EXTERNAL, EXTERNAL, 'POST', '/-/reload')).status).toBe(200);
  });
});
