import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnsweredRun, AnswerTemplate, FrontGateSource, GateAsk, TemplateChanges } from './front-protocol.js';
import { startFrontServer } from './front-thread.js';
import type { RunningServer } from './server.js';

/** A gate source with one template, for /api/v1/gates/known; it records what it is asked and told. */
function source(): FrontGateSource & { asked: GateAsk[]; runs: AnsweredRun[]; change: (changes: TemplateChanges) => void } {
  const listeners: ((changes: TemplateChanges) => void)[] = [];
  const asked: GateAsk[] = [];
  const runs: AnsweredRun[] = [];
  const template: AnswerTemplate = { id: 1, version: 1, before: '{"id":"', between: '","at":"', after: Buffer.from('","v":1}'), contentType: 'application/json', validUntil: Infinity };
  return {
    idPrefix: 'test-f-',
    asked,
    runs,
    ask: (request) => {
      asked.push(request);
      return request.url === '/api/v1/gates/known' ? template : undefined;
    },
    answered: (given) => runs.push(...given),
    onChange: (listener) => listeners.push(listener),
    reportsOnDemand: () => undefined,
    change: (changes) => {
      for (const listener of listeners) listener(changes);
    },
  };
}

function app(): Hono {
  const hono = new Hono();
  hono.get('/peer', (c) => {
    const socket = (c.env as { incoming: { socket: Socket } }).incoming.socket;
    return c.text(`${socket.remoteAddress} ${socket.remotePort}`);
  });
  hono.post('/digest', async (c) => c.text(createHash('sha256').update(Buffer.from(await c.req.arrayBuffer())).digest('hex')));
  hono.get('/api/v1/gates/:service', (c) => c.text(`main ${c.req.param('service')}`));
  return hono;
}

/** Sends raw bytes (in pieces, with pauses between) and collects the answer until the server closes or `until` holds. */
function exchange(port: number, pieces: readonly (string | Buffer)[], until: (text: string) => boolean): Promise<{ text: string; localPort: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    let localPort = 0;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (until(text)) {
        socket.destroy();
        resolve({ text, localPort });
      }
    });
    socket.on('close', () => resolve({ text, localPort }));
    socket.on('error', reject);
    socket.on('connect', () => {
      localPort = socket.localPort ?? 0;
      const write = async (): Promise<void> => {
        for (const piece of pieces) {
          socket.write(piece);
          await new Promise((wait) => setTimeout(wait, 5));
        }
      };
      write().catch(reject);
    });
  });
}

describe('the front thread', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close(1_000);
    server = undefined;
  });

  const start = async (gates = source()) => {
    server = await startFrontServer(app(), '127.0.0.1:0', {
      gates,
      recordAnswer: () => undefined,
      onFailure: (error) => {
        throw error;
      },
      limits: { headersTimeoutMs: 500, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 1_000, maxConnections: 64 },
      reportMs: 20,
    });
    return { port: server.address.port, gates };
  };

  it('passes connections on with the client address and port, and bodies sent in pieces whole', async () => {
    const { port } = await start();
    const peer = await exchange(port, ['GET /pe', 'er HTTP/1.1\r\nHost: x\r\n\r\n'], (text) => /\r\n\r\n[\d.]+ \d+$/.test(text));
    expect(peer.text).toMatch(new RegExp(`127\\.0\\.0\\.1 ${peer.localPort}$`));
    const body = Buffer.alloc(300_000, 'a');
    body.write('z', 299_999);
    const pieces: Buffer[] = [];
    for (let at = 0; at < body.length; at += 64_000) pieces.push(body.subarray(at, at + 64_000));
    const posted = await exchange(port, [`POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`, ...pieces], (text) => /[0-9a-f]{64}$/.test(text));
    expect(posted.text.endsWith(createHash('sha256').update(body).digest('hex'))).toBe(true);
  });

  it('answers known gate requests itself, passes the others on, and reports what it answered', async () => {
    const { port, gates } = await start();
    const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const known = await exchange(port, [request('/api/v1/gates/known'), request('/api/v1/gates/known'), request('/api/v1/gates/other')], (text) => text.endsWith('main other'));
    const bodies = known.text.split('HTTP/1.1 ').slice(1);
    expect(bodies[0]).toMatch(/^200 OK\r\ncontent-type: application\/json\r\n[\s\S]*\r\n\r\n\{"id":"test-f-1","at":"\d{4}-\d\d-\d\dT[\d:.]+Z","v":1\}$/);
    expect(bodies[1]).toContain('{"id":"test-f-2"');
    expect(bodies[2]).toMatch(/main other$/);
    // Asked once per request shape; answers reported as one run of the template's version.
    expect(gates.asked.map((asked) => asked.url)).toEqual(['/api/v1/gates/known', '/api/v1/gates/other']);
    for (let round = 0; round < 50 && gates.runs.length === 0; round++) await new Promise((wait) => setTimeout(wait, 20));
    expect(gates.runs).toEqual([expect.objectContaining({ template: 1, version: 1, count: 2, firstId: 'test-f-1', lastId: 'test-f-2' })]);
    // A new version is used from the next answer on.
    gates.change({ updates: [{ id: 1, version: 2, after: Buffer.from('","v":2}'), validUntil: Infinity }], dropped: [] });
    await new Promise((wait) => setTimeout(wait, 20));
    const updated = await exchange(port, [request('/api/v1/gates/known')], (text) => text.endsWith('}'));
    expect(updated.text).toMatch(/"v":2\}$/);
  });

  it('closes a connection that sends nothing within the header time-out', async () => {
    const { port } = await start();
    const started = Date.now();
    const silent = await exchange(port, [], () => false);
    expect(silent.text).toBe('');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops accepting once closed', async () => {
    const { port } = await start();
    await server?.close(1_000);
    server = undefined;
    await expect(exchange(port, ['GET /peer HTTP/1.1\r\nHost: x\r\n\r\n'], () => false)).rejects.toThrow(/ECONNREFUSED/);
  });
});
