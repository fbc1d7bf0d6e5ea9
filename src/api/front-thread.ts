import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Hono } from 'hono';
import { SloeError, workerEntry } from '../core/index.js';
import { drainConnections } from './drain.js';
import type { FromFront, FrontGateSource, FrontWorkerData, TemplateChanges, ToFront } from './front-protocol.js';
import { adoptPeer, handOver, parsePeerLine, readHead } from './peer-line.js';
import { DEFAULT_CONNECTION_LIMITS, httpServerOptions, parseListen, requestListener } from './server.js';
import type { ConnectionLimits, FastRoute, RunningServer } from './server.js';

export interface FrontThreadOptions {
  readonly limits?: ConnectionLimits;
  /** What the main thread answers before hono (the gate's fast path, for gate requests that reach it). */
  readonly fastRoute?: FastRoute;
  /** Templates for the gate answers the front thread gives, and their audit trail. */
  readonly gates: FrontGateSource;
  /** Counts one gate answer the front thread gave, in seconds (the request metrics, as the fast path counts). */
  readonly recordAnswer: (seconds: number) => void;
  /** Called when the front thread fails after it started (the daemon can no longer be reached): the daemon stops. */
  readonly onFailure: (error: Error) => void;
  /** How often the front thread reports its answers, in ms. Default 200. */
  readonly reportMs?: number;
}

/** How long reading the audit trail waits for the front thread's report at most (it never blocks a read for long). */
const REPORT_WAIT_MS = 1_000;

/**
 * The daemon's HTTP server with a front thread: a worker thread owns the public socket and answers gate requests;
 * every other connection goes, through it, to a private server on the main thread (127.0.0.1, an ephemeral port),
 * which serves it as `startServer` would.
 *
 * Why: a gate is polled by release pipelines and must answer in milliseconds whatever else the daemon does, but the
 * main thread is busy by design (remote-write decoding and group commits, evaluations, garbage collection of a heap
 * holding every SLO's state). On one event loop a gate request waits for all of it; on its own thread the operating
 * system shares the core between the two, so the gate waits for a time slice, not for the main thread's work
 * (docs/gates.md, "Where gate requests are answered"). The gate's answers are computed on the main thread as before
 * (when an evaluation finishes); the front thread holds them as templates and splices in an id and the time.
 */
export async function startFrontServer(app: Hono, listen: string, options: FrontThreadOptions): Promise<RunningServer> {
  const { host, port } = parseListen(listen);
  const limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
  const inside: Server = createHttpServer(httpServerOptions(limits), requestListener(app, host, options.fastRoute));
  // Node starts tracking connections (time-outs, closeIdleConnections) when a server listens; this one is handed them.
  inside.emit('listening');
  const intake = createNetServer({ noDelay: true }, (socket: Socket) => {
    readHead(socket, limits.headersTimeoutMs, (head) => {
      const line = parsePeerLine(head);
      return line === 'incomplete' ? undefined : line;
    }, (line) => {
      if (line instanceof Error) {
        socket.destroy();
        return;
      }
      if (line.peer !== undefined) adoptPeer(socket, line.peer);
      handOver(socket, line.rest, inside);
    });
  });
  await new Promise<void>((resolve, reject) => {
    intake.once('error', reject);
    intake.listen(0, '127.0.0.1', resolve);
  });
  const intakeAddress = intake.address();
  const privatePort = typeof intakeAddress === 'object' && intakeAddress !== null ? intakeAddress.port : 0;

  const data: FrontWorkerData = {
    host,
    port,
    privatePort,
    serverOptions: httpServerOptions(limits) as FrontWorkerData['serverOptions'],
    maxConnections: limits.maxConnections,
    idPrefix: options.gates.idPrefix,
    reportMs: options.reportMs ?? 200,
  };
  const { entry, eval: fromSource } = workerEntry(import.meta.url, 'front-worker');
  const worker = new Worker(entry, { eval: fromSource, workerData: data });
  const send = (message: ToFront): void => worker.postMessage(message);
  options.gates.onChange((changes: TemplateChanges) => {
    if (changes.updates.length > 0 || changes.dropped.length > 0) send({ type: 'templates', ...changes });
  });

  let stopping = false;
  // Reports asked for by the daemon (the audit trail is about to be read), by request number.
  const reported = new Map<number, () => void>();
  let reportRequests = 0;
  options.gates.reportsOnDemand(
    () =>
      new Promise<void>((resolve) => {
        if (stopping) {
          resolve();
          return;
        }
        const request = ++reportRequests;
        const timer = setTimeout(resolve, REPORT_WAIT_MS);
        timer.unref();
        reported.set(request, () => {
          clearTimeout(timer);
          resolve();
        });
        send({ type: 'report', request });
      }),
  );

  let closed: (() => void) | undefined;
  const started = new Promise<number>((resolve, reject) => {
    worker.on('message', (message: FromFront) => {
      switch (message.type) {
        case 'listening':
          resolve(message.port);
          return;
        case 'listen-error':
          reject(new Error(message.message));
          return;
        case 'ask':
          send({ type: 'answer', ask: message.ask, template: options.gates.ask(message.request) });
          return;
        case 'answered':
          options.gates.answered(message.runs);
          for (const seconds of message.seconds) options.recordAnswer(seconds);
          return;
        case 'reported':
          reported.get(message.request)?.();
          reported.delete(message.request);
          return;
        case 'closed':
          closed?.();
          return;
      }
    });
    worker.once('error', (error) => {
      reject(error);
      if (!stopping) options.onFailure(new SloeError('front_thread_failed', `the front thread failed: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => {
      reject(new Error(`front thread exited with code ${code}`));
      if (!stopping) options.onFailure(new SloeError('front_thread_failed', `the front thread exited (code ${code})`));
    });
  });
  let actualPort: number;
  try {
    actualPort = await started;
  } catch (error) {
    stopping = true;
    await worker.terminate();
    intake.close();
    inside.close();
    throw error;
  }

  return {
    address: { host, port: actualPort },
    close: async (graceMs = 10_000) => {
      if (stopping) return;
      stopping = true;
      // The front thread stops accepting and finishes its gate connections while the private server finishes the
      // requests passed on to it (their connections close through the front thread).
      const frontClosed = new Promise<void>((resolve) => {
        closed = resolve;
        const timer = setTimeout(resolve, graceMs + 1_000);
        timer.unref();
      });
      send({ type: 'close', graceMs });
      intake.close();
      const stopDraining = drainConnections(inside, graceMs);
      await frontClosed;
      stopDraining();
      inside.closeAllConnections();
      inside.close();
      await worker.terminate();
    },
  };
}
