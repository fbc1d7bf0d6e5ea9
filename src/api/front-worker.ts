/**
 * The front thread (see front-thread.ts for why): owns the daemon's public socket, answers gate requests from the
 * templates the main thread made, and passes every other connection on to the main thread's private server.
 *
 * A connection's first bytes decide its way: `GET /api/v1/gates/` goes to this thread's HTTP server, anything else is
 * piped, byte for byte after a peer line (peer-line.ts), to the main thread, which parses it as if it had accepted
 * it. On a gate connection, a request this thread has no template for is asked about once (the main thread answers
 * with a template, or says to pass such requests on); requests passed on are proxied to the private server.
 *
 * Kept to Node's own modules and a few small ones of its own, so it starts fast and its heap stays small: its garbage
 * collections are short, and the main thread's never stop it.
 */
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { AnsweredRun, AnswerTemplate, FromFront, FrontWorkerData, GateAsk, ToFront } from './front-protocol.js';
import { drainConnections } from './drain.js';
import { handOver, peerLine, readHead } from './peer-line.js';

const GATE_START = Buffer.from('GET /api/v1/gates/', 'latin1');

/** Request shapes remembered as "pass on" at most (unknown URLs, refused callers); all forgotten when there are more. */
const MAX_PASSED_ON = 4096;

/** Node's field for the body length it writes as Content-Length (as in policy/gate-fast-path.ts). */
type ResponseLength = ServerResponse & { _contentLength: number | null };

/** Headers that belong to one hop and are not passed on (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** A template as the front thread keeps it, with the answers given from its current version since the last report. */
interface Template {
  readonly id: number;
  version: number;
  readonly before: string;
  readonly between: string;
  after: Uint8Array;
  readonly contentType: string;
  validUntil: number;
  readonly key: string;
  run: { count: number; firstAt: number; firstId: string; lastAt: number; lastId: string } | undefined;
}

const PASS_ON = 'pass on';

interface Waiting {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly started: number;
}

function main(port: NonNullable<typeof parentPort>, data: FrontWorkerData): void {
  const post = (message: FromFront): void => port.postMessage(message);
  const byKey = new Map<string, Template | typeof PASS_ON>();
  const byId = new Map<number, Template>();
  let passedOn = 0;
  const asking = new Map<string, Waiting[]>();
  const askKeys = new Map<number, string>();
  let nextAsk = 0;
  let sequence = 0;
  let decidedAtMs = Number.NaN;
  let decidedAtText = '';
  let finishedRuns: AnsweredRun[] = [];
  let seconds: number[] = [];

  const endRun = (template: Template): void => {
    const run = template.run;
    if (run === undefined) return;
    finishedRuns.push({ template: template.id, version: template.version, ...run });
    template.run = undefined;
  };
  const report = (): void => {
    for (const template of byId.values()) endRun(template);
    if (finishedRuns.length === 0) return;
    post({ type: 'answered', runs: finishedRuns, seconds: Float64Array.from(seconds) });
    finishedRuns = [];
    seconds = [];
  };
  const reporter = setInterval(report, data.reportMs);
  reporter.unref();

  const answer = (template: Template, response: ServerResponse, started: number): void => {
    const now = Date.now();
    if (now !== decidedAtMs) {
      decidedAtMs = now;
      decidedAtText = new Date(now).toISOString();
    }
    const id = `${data.idPrefix}${(++sequence).toString(36)}`;
    const body = Buffer.allocUnsafe(template.before.length + id.length + template.between.length + decidedAtText.length + template.after.length);
    let at = body.write(template.before, 0, 'latin1');
    at += body.write(id, at, 'latin1');
    at += body.write(template.between, at, 'latin1');
    at += body.write(decidedAtText, at, 'latin1');
    body.set(template.after, at);
    (response as ResponseLength)._contentLength = body.length;
    response.writeHead(200, ['content-type', template.contentType]);
    response.end(body);
    const run = template.run;
    if (run === undefined) template.run = { count: 1, firstAt: now, firstId: id, lastAt: now, lastId: id };
    else {
      run.count += 1;
      run.lastAt = now;
      run.lastId = id;
    }
    seconds.push((performance.now() - started) / 1000);
  };

  /** Connects to the private server, the peer line first: what the daemon reads as this client's connection. */
  const connectInside = (client: Socket): Socket => {
    const inside = connect({ port: data.privatePort, host: '127.0.0.1', noDelay: true });
    inside.write(peerLine(client));
    return inside;
  };

  const passOn = (request: IncomingMessage, response: ServerResponse): void => {
    const headers: OutgoingHttpHeaders = {};
    const named = new Set((request.headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()));
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i] ?? '';
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
      const value = request.rawHeaders[i + 1] ?? '';
      const seen = headers[name];
      headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [String(seen), value];
    }
    const inner = httpRequest({ method: request.method, path: request.url, headers, createConnection: () => connectInside(request.socket) }, (answer) => {
      const back: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        const name = answer.rawHeaders[i] ?? '';
        if (!HOP_BY_HOP.has(name.toLowerCase())) back.push(name, answer.rawHeaders[i + 1] ?? '');
      }
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
      answer.pipe(response);
      answer.once('error', () => response.destroy());
    });
    inner.once('error', (error) => {
      if (response.headersSent) response.destroy();
      else {
        response.writeHead(502, ['content-type', 'application/json']);
        response.end(JSON.stringify({ error: { code: 'unavailable', message: `the daemon did not answer: ${error.message}` } }));
      }
    });
    request.pipe(inner);
  };

  const onGateRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    const { url, headers } = request;
    if (request.method !== 'GET' || url === undefined || headers.host === undefined) {
      passOn(request, response);
      return;
    }
    const remoteAddress = request.socket.remoteAddress;
    const key = `${url}\n${headers.host}\n${headers.authorization ?? ''}\n${headers['user-agent'] ?? ''}\n${remoteAddress ?? ''}`;
    const known = byKey.get(key);
    if (known === PASS_ON) passOn(request, response);
    else if (known !== undefined && Date.now() < known.validUntil) answer(known, response, started);
    else {
      const waiting = asking.get(key);
      if (waiting !== undefined) waiting.push({ request, response, started });
      else {
        asking.set(key, [{ request, response, started }]);
        const ask = ++nextAsk;
        askKeys.set(ask, key);
        const asked: GateAsk = { key, url, host: headers.host, authorization: headers.authorization, userAgent: headers['user-agent'], remoteAddress };
        post({ type: 'ask', ask, request: asked });
      }
    }
  };

  const learn = (ask: number, made: AnswerTemplate | undefined): void => {
    const key = askKeys.get(ask);
    if (key === undefined) return;
    askKeys.delete(ask);
    const waiting = asking.get(key) ?? [];
    asking.delete(key);
    const old = byKey.get(key);
    if (old !== undefined && old !== PASS_ON) forget(old.id);
    if (made === undefined) {
      if (passedOn >= MAX_PASSED_ON) {
        for (const [known, value] of byKey) if (value === PASS_ON) byKey.delete(known);
        passedOn = 0;
      }
      passedOn += 1;
      byKey.set(key, PASS_ON);
      for (const { request, response } of waiting) passOn(request, response);
      return;
    }
    const template: Template = { ...made, key, run: undefined };
    byKey.set(key, template);
    byId.set(template.id, template);
    for (const { response, started } of waiting) answer(template, response, started);
  };

  const forget = (id: number): void => {
    const template = byId.get(id);
    if (template === undefined) return;
    endRun(template);
    byId.delete(id);
    if (byKey.get(template.key) === template) byKey.delete(template.key);
  };

  const gateServer = createHttpServer(data.serverOptions, onGateRequest);
  // Node starts tracking connections (header and request time-outs, closeIdleConnections) when a server listens; this
  // one only gets connections handed over, so it is told it listens.
  gateServer.emit('listening');
  const pipes = new Set<Socket>();
  const pipeInside = (client: Socket, head: Buffer): void => {
    const inside = connectInside(client);
    inside.write(head);
    pipes.add(client);
    const close = (): void => {
      pipes.delete(client);
      client.destroy();
      inside.destroy();
    };
    client.on('error', close).on('close', close);
    inside.on('error', close).on('close', close);
    client.pipe(inside);
    inside.pipe(client);
  };
  const isGate = (head: Buffer): boolean | undefined => {
    const length = Math.min(head.length, GATE_START.length);
    if (head.compare(GATE_START, 0, length, 0, length) !== 0) return false;
    return length === GATE_START.length ? true : undefined;
  };
  const publicServer = createNetServer({ noDelay: true }, (client) => {
    readHead(client, data.serverOptions.headersTimeout, isGate, (gate, head) => {
      if (gate) handOver(client, head, gateServer);
      else pipeInside(client, head);
    });
  });
  publicServer.maxConnections = data.maxConnections;

  let closing = false;
  const close = (graceMs: number): void => {
    if (closing) return;
    closing = true;
    const stopDraining = drainConnections(gateServer, graceMs, () => {
      for (const client of pipes) client.destroy();
    });
    publicServer.close(() => {
      stopDraining();
      clearInterval(reporter);
      gateServer.close();
      report();
      post({ type: 'closed' });
    });
  };

  port.on('message', (message: ToFront) => {
    switch (message.type) {
      case 'answer':
        learn(message.ask, message.template);
        return;
      case 'templates':
        for (const id of message.dropped) forget(id);
        for (const update of message.updates) {
          const template = byId.get(update.id);
          if (template === undefined) continue;
          endRun(template);
          template.version = update.version;
          template.after = update.after;
          template.validUntil = update.validUntil;
        }
        return;
      case 'report':
        report();
        post({ type: 'reported', request: message.request });
        return;
      case 'close':
        close(message.graceMs);
        return;
    }
  });

  publicServer.once('error', (error) => post({ type: 'listen-error', message: error.message }));
  publicServer.listen(data.port, data.host, () => {
    const bound = publicServer.address();
    post({ type: 'listening', port: typeof bound === 'object' && bound !== null ? bound.port : data.port });
  });
}

if (parentPort !== null) main(parentPort, workerData as FrontWorkerData);
