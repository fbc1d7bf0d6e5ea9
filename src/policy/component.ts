import type { Hono } from 'hono';
import type { BudgetPolicy, DocumentStore, Journal, StatusReader } from '../core/index.js';
import { admissionRoutes } from './admission.js';
import type { GateTokens } from './auth.js';
import { EventDelivery } from './delivery.js';
import type { DeliveryOptions, EventWebhook } from './delivery.js';
import { flaggerRoutes } from './flagger.js';
import { FreezeTracker } from './freezes.js';
import type { FreezeTransition } from './freezes.js';
import { gateRoutes } from './gate-routes.js';
import { GateService } from './gate-service.js';
import type { GateAnswer } from './gate-service.js';

/** What the policy component logs through; pino's Logger fits. Tokens and secrets are never passed to it. */
export interface PolicyLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PolicyComponentOptions {
  readonly statuses: StatusReader;
  readonly policies: readonly BudgetPolicy[];
  readonly journal: Journal;
  readonly documents: DocumentStore;
  readonly tokens: GateTokens;
  /** `events.webhooks`: receivers of freeze and thaw CloudEvents. */
  readonly webhooks: readonly EventWebhook[];
  /** CloudEvents `source` (the daemon's public URL, or a URN). */
  readonly source: string;
  readonly defaultEnvironment?: string;
  readonly delivery?: Omit<DeliveryOptions, 'webhooks'>;
  readonly now?: () => number;
  readonly logger?: PolicyLogger;
  readonly onDecision?: (answer: GateAnswer) => void;
  readonly onTransition?: (transition: FreezeTransition) => void;
  /** One storage transaction around a group of journal writes (see GateServiceOptions.transaction). */
  readonly transaction?: (work: () => void) => void;
}

/**
 * The release gates and budget policy, assembled: the gate service, freeze tracking, CloudEvents delivery and the
 * HTTP routes. `afterEvaluation` is what the engine (or a poll on the evaluation interval) calls after each tick.
 */
export class PolicyComponent {
  readonly gates: GateService;
  readonly freezes: FreezeTracker;
  readonly delivery: EventDelivery;
  private readonly tokens: GateTokens;
  private readonly logger: PolicyLogger | undefined;
  private readonly now: () => number;
  private poller: NodeJS.Timeout | undefined;

  constructor(options: PolicyComponentOptions) {
    this.tokens = options.tokens;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.gates = new GateService({
      statuses: options.statuses,
      policies: options.policies,
      journal: options.journal,
      documents: options.documents,
      now: this.now,
      ...(options.defaultEnvironment === undefined ? {} : { defaultEnvironment: options.defaultEnvironment }),
      ...(options.onDecision ? { onDecision: options.onDecision } : {}),
      ...(options.transaction ? { transaction: options.transaction } : {}),
      onWriteError: (error, lost) => this.logger?.error({ err: error, lost }, 'gate decisions not recorded'),
    });
    this.delivery = new EventDelivery({
      ...options.delivery,
      webhooks: options.webhooks,
      onFailure: (failure) => {
        this.logger?.error({ url: failure.url, event: failure.event.id, type: failure.event.type, error: failure.error, dropped: failure.dropped }, 'freeze event not delivered');
        options.delivery?.onFailure?.(failure);
      },
    });
    this.freezes = new FreezeTracker({
      gates: this.gates,
      documents: options.documents,
      journal: options.journal,
      publish: (event) => this.delivery.publish(event),
      source: options.source,
      onTransition: (transition) => {
        const { freeze } = transition;
        this.logger?.warn({ slo_service: freeze.service, environment: freeze.environment, policy: freeze.policy, reasons: transition.type === 'freeze' ? freeze.reasons : transition.current?.reasons }, transition.type === 'freeze' ? 'release freeze' : 'release thaw');
        options.onTransition?.(transition);
      },
    });
  }

  routes(): Hono[] {
    return [gateRoutes(this.gates, this.freezes, this.tokens, { now: this.now, afterChange: () => this.afterEvaluation() }), flaggerRoutes(this.gates, this.tokens), admissionRoutes(this.gates, this.tokens)];
  }

  /** Freeze tracking after an engine evaluation. Never throws: a failure is logged and the next tick tries again. */
  afterEvaluation(now = this.now()): FreezeTransition[] {
    try {
      return this.freezes.check(now);
    } catch (error) {
      this.logger?.error({ err: error }, 'freeze tracking failed');
      return [];
    }
  }

  /** Until the engine offers a hook: checks freezes on the evaluation interval. */
  startPolling(intervalMs: number): void {
    this.stopPolling();
    this.afterEvaluation();
    this.poller = setInterval(() => this.afterEvaluation(), intervalMs);
    this.poller.unref();
  }

  stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  /** Writes the decisions not yet in the journal. */
  flush(): void {
    this.gates.flush();
  }

  /** Stops polling and retries (attempts in flight finish) and writes pending decisions. */
  async shutdown(): Promise<void> {
    this.stopPolling();
    this.gates.flush();
    await this.delivery.shutdown();
  }
}
