import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { BudgetPolicy, Component, DocumentStore, GateDecision, Evaluation, Journal, Slo, SpecSet, StatusReader } from '../core/index.js';
import { admissionRoutes } from './admission.js';
import { EventDelivery } from './delivery.js';
import type { DeliveryOptions, EventWebhook } from './delivery.js';
import { flaggerRoutes } from './flagger.js';
import { FreezeTracker } from './freezes.js';
import type { FreezeTransition } from './freezes.js';
import { gateRoutes } from './gate-routes.js';
import { GateService } from './gate-service.js';
import { githubRoutes } from './github-hook.js';
import type { GitHubHookOptions } from './github-hook.js';

/** What the policy component logs through; pino's Logger fits. Tokens and secrets are never passed to it. */
export interface PolicyLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PolicyComponentOptions {
  readonly statuses: StatusReader;
  readonly policies: readonly BudgetPolicy[];
  /** The SLOs in force at start (their windows give each status its period); reloads bring new ones. */
  readonly slos?: readonly Slo[];
  readonly journal: Journal;
  readonly documents: DocumentStore;
  /** `events.webhooks`: receivers of freeze and thaw CloudEvents. */
  readonly webhooks: readonly EventWebhook[];
  /** CloudEvents `source` (the daemon's public URL, or a URN). */
  readonly source: string;
  readonly defaultEnvironment?: string;
  /** Tuning of the CloudEvents queues; they are kept in `documents`, their metrics on `registry`. */
  readonly delivery?: Omit<DeliveryOptions, 'webhooks' | 'store' | 'registry'>;
  readonly registry?: Registry;
  readonly now?: () => number;
  readonly logger?: PolicyLogger;
  readonly onDecision?: (decision: GateDecision) => void;
  readonly onTransition?: (transition: FreezeTransition) => void;
  /** One storage transaction around a group of journal writes (see GateServiceOptions.transaction). */
  readonly transaction?: (work: () => void) => void;
  /** GitHub deployment protection rules (`github.*`); without it the hook answers 404 not_configured. */
  readonly github?: GitHubHookOptions;
}

/** The policy component as the app composes it, with the parts the admin API and tests look at. */
export interface PolicyComponent extends Component<Hono> {
  readonly gates: GateService;
  readonly freezes: FreezeTracker;
  readonly delivery: EventDelivery;
  /** Freeze tracking as of `now`; what `afterEvaluation` runs. Never throws: a failure is logged, the next tick retries. */
  checkFreezes(now?: number): FreezeTransition[];
  /** Writes the decisions not yet in the journal. */
  flush(): void;
}

/** Resolves when `work` settles or `ms` has passed, whichever is first; a slow receiver must not hold shutdown. */
async function within(ms: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
    timer.unref();
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The release gates and budget policy (README "Release gates and budget policy") as one component: the gate service,
 * freeze tracking after every evaluation, CloudEvents delivery of freezes and thaws, policies that follow spec
 * reloads, and the gate, Flagger and admission routes.
 */
export function createPolicy(options: PolicyComponentOptions): PolicyComponent {
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const gates: GateService = new GateService({
    statuses: options.statuses,
    policies: options.policies,
    ...(options.slos ? { slos: options.slos } : {}),
    // Freeze tracking needs the gate service, and the gates what is frozen (hysteresis): called only after both exist.
    frozen: (service, environment) => freezes.isFrozen(service, environment),
    journal: options.journal,
    documents: options.documents,
    now,
    ...(options.defaultEnvironment === undefined ? {} : { defaultEnvironment: options.defaultEnvironment }),
    ...(options.onDecision ? { onDecision: options.onDecision } : {}),
    ...(options.transaction ? { transaction: options.transaction } : {}),
    onWriteError: (error, lost) => logger?.error({ err: error, lost }, 'gate decisions not recorded'),
  });
  const delivery = new EventDelivery({
    ...options.delivery,
    webhooks: options.webhooks,
    store: options.documents,
    ...(options.registry ? { registry: options.registry } : {}),
    onFailure: (failure) => {
      logger?.error({ url: failure.url, event: failure.event.id, type: failure.event.type, error: failure.error, dropped: failure.dropped }, 'freeze event not delivered');
      options.delivery?.onFailure?.(failure);
    },
  });
  const freezes: FreezeTracker = new FreezeTracker({
    gates,
    documents: options.documents,
    journal: options.journal,
    publish: (event) => delivery.publish(event),
    source: options.source,
    onTransition: (transition) => {
      const { freeze } = transition;
      logger?.warn({ slo_service: freeze.service, environment: freeze.environment, policy: freeze.policy, reasons: transition.type === 'freeze' ? freeze.reasons : transition.current?.reasons }, transition.type === 'freeze' ? 'release freeze' : 'release thaw');
      options.onTransition?.(transition);
    },
  });
  const environmentsOf = (service: string): readonly string[] => freezes.environmentsOf(service);
  /** Freeze tracking as of `at`: the transitions, or none when it failed (logged). */
  const trackFreezes = (at: number): FreezeTransition[] | undefined => {
    try {
      return freezes.check(at);
    } catch (error) {
      logger?.error({ err: error }, 'freeze tracking failed');
      return undefined;
    }
  };
  const checkFreezes = (at = now()): FreezeTransition[] => {
    const transitions = trackFreezes(at);
    if (transitions === undefined) return [];
    try {
      // Every verdict as of these freezes, so a request only looks its answer up.
      gates.precompute(environmentsOf, at);
    } catch (error) {
      logger?.error({ err: error }, 'freeze tracking failed');
      return [];
    }
    return transitions;
  };
  return {
    name: 'policy',
    gates,
    freezes,
    delivery,
    // Behind the daemon's auth middleware, which decides who may call them and sets the caller gates read.
    routes: [gateRoutes(gates, freezes, { now, afterChange: () => checkFreezes() }), flaggerRoutes(gates), admissionRoutes(gates), githubRoutes(gates, options.github)],
    checkFreezes,
    // Events a previous run queued and could not deliver go out first (order per receiver).
    start: () => delivery.start(),
    afterEvaluation: (evaluation: Evaluation) => {
      gates.refresh(evaluation.now);
      const transitions = trackFreezes(evaluation.now);
      // Every verdict as of this evaluation, decided in slices so gate requests are not held up meanwhile (a question
      // asked before its slice is decided on demand from the same statuses and freezes). The deploy verdicts freeze
      // tracking just decided are kept, except where a freeze began or thawed (when tracking failed, none is kept).
      const changed = transitions?.map(({ freeze }) => ({ service: freeze.service, environment: freeze.environment }));
      gates.precomputeInSlices(environmentsOf, evaluation.now, changed).catch((error: unknown) => logger?.error({ err: error }, 'verdict precompute failed'));
      // Audit entries idle long enough are closed into the journal.
      gates.flush();
    },
    onSpecChange: (specs: SpecSet) => {
      gates.setSpecs(specs.policies, specs.slos);
      checkFreezes();
    },
    flush: () => gates.flush(),
    // Audit entries are closed into the journal (a local transaction); freeze events in flight get what is left of the deadline.
    stop: async (timeoutMs) => {
      gates.flush(true);
      await within(timeoutMs, delivery.shutdown());
    },
  };
}
