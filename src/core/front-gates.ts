/**
 * The port between the front thread (api: front-thread.ts, front-worker.ts), which owns the public socket and answers
 * gate requests from templates, and what makes the templates (policy: gate-templates.ts). Both adapters implement or
 * use it; the daemon wires them.
 */

/** A gate request as the front thread saw it: what the daemon needs to work out who asks what. */
export interface GateAsk {
  /** The request's shape as the front thread files its templates (URL, host, credentials, User-Agent, peer): one template per key. */
  readonly key: string;
  readonly url: string;
  readonly host: string;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly remoteAddress: string | undefined;
}

/**
 * How the front thread answers a gate request by itself: a 200 whose body is `before`, a fresh decision id,
 * `between`, the decision time (RFC 3339) and `after`. Made by the daemon for one request shape (URL, host, caller),
 * which it has already checked; it stays valid until the daemon updates or drops it, or `validUntil` (Unix ms) passes.
 */
export interface AnswerTemplate {
  readonly id: number;
  readonly version: number;
  readonly before: string;
  readonly between: string;
  readonly after: Uint8Array;
  readonly contentType: string;
  readonly validUntil: number;
}

/** A template's new verdict (after an evaluation, a freeze, a reload). */
export interface TemplateUpdate {
  readonly id: number;
  readonly version: number;
  readonly after: Uint8Array;
  readonly validUntil: number;
}

/** Changes to the templates: new versions, and templates the front thread must forget (it asks again). */
export interface TemplateChanges {
  readonly updates: readonly TemplateUpdate[];
  readonly dropped: readonly number[];
}

/** Answers the front thread gave from one version of one template, since its last report. */
export interface AnsweredRun {
  readonly template: number;
  readonly version: number;
  readonly count: number;
  readonly firstAt: number;
  readonly firstId: string;
  readonly lastAt: number;
  readonly lastId: string;
}

/**
 * The daemon's side of the front thread's gate answers (policy's GateTemplates): templates for the requests it can
 * answer plainly, the audit trail for the answers given from them, and word when templates change.
 */
export interface FrontGateSource {
  readonly idPrefix: string;
  /** A template for this request shape, or undefined: the front thread passes such requests on to the daemon. */
  ask(request: GateAsk): AnswerTemplate | undefined;
  /** Counts answers given from templates, as if the daemon had given them. */
  answered(runs: readonly AnsweredRun[]): void;
  /** Calls `listener` with every change of templates, before the change is visible to requests the daemon answers. */
  onChange(listener: (changes: TemplateChanges) => void): void;
  /**
   * Given how to get the front thread's unreported answers counted now (resolves once they are), so that reading the
   * audit trail right after an answer finds it.
   */
  reportsOnDemand(report: () => Promise<void>): void;
}
