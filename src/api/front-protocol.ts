/**
 * What the daemon's main thread and its front thread (front-thread.ts, front-worker.ts) say to each other. The front
 * thread owns the public socket: it answers gate requests from answer templates the main thread made, and passes
 * every other connection on to the main thread's private server. The templates' shapes are core's (front-gates.ts).
 */
import type { AnsweredRun, AnswerTemplate, GateAsk, TemplateChanges } from '../core/index.js';

export type { AnsweredRun, AnswerTemplate, FrontGateSource, GateAsk, TemplateChanges, TemplateUpdate } from '../core/index.js';

export type ToFront =
  | { readonly type: 'answer'; readonly ask: number; readonly template: AnswerTemplate | undefined }
  | ({ readonly type: 'templates' } & TemplateChanges)
  | { readonly type: 'report'; readonly request: number }
  | { readonly type: 'close'; readonly graceMs: number };

export type FromFront =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'listen-error'; readonly message: string }
  | { readonly type: 'ask'; readonly ask: number; readonly request: GateAsk }
  | { readonly type: 'answered'; readonly runs: readonly AnsweredRun[]; readonly seconds: Float64Array }
  | { readonly type: 'reported'; readonly request: number }
  | { readonly type: 'closed' };

/** What the front thread is started with. */
export interface FrontWorkerData {
  readonly host: string;
  readonly port: number;
  /** The main thread's private server, on 127.0.0.1. */
  readonly privatePort: number;
  /** Node's HTTP server options for the gate's connections (server.ts's httpServerOptions). */
  readonly serverOptions: { readonly headersTimeout: number; readonly requestTimeout: number; readonly keepAliveTimeout: number; readonly connectionsCheckingInterval: number };
  readonly maxConnections: number;
  /** Decision ids the front thread gives start with this (unique beside the main thread's). */
  readonly idPrefix: string;
  /** How often the front thread reports its answers, in ms. */
  readonly reportMs: number;
}
