import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Component, DocumentStore, Journal, SpecSet, StatusReader } from '../core/index.js';
import type { SloeConfig } from '../config/index.js';
import { Notifications, buildReceivers, leaseFor } from '../notify/index.js';
import { PolicyComponent } from '../policy/index.js';

// Temporary: today's Notifications and PolicyComponent classes as Components. They are replaced at merge by
// createNotifications (notify/component.ts) and createPolicy (policy/component.ts), which return this shape directly.

export interface InterimOptions {
  readonly config: SloeConfig;
  readonly specs: SpecSet;
  readonly documents: DocumentStore;
  readonly journal: Journal;
  readonly transaction: (work: () => void) => void;
  readonly statuses: StatusReader;
  readonly registry: Registry;
  readonly publicUrl: string;
  readonly clock: () => number;
  readonly logger: Logger;
}

export function notificationsComponent(options: InterimOptions): Component<Hono> {
  const { config } = options;
  const alertingOf = (set: SpecSet) => new Map(set.slos.map((slo) => [slo.name, slo.alerting]));
  let alerting = alertingOf(options.specs);
  const notifications = new Notifications({
    notifiers: buildReceivers(config.notifiers, { leaseMs: leaseFor(config.notifiers.resendIntervalMs, config.evaluationIntervalMs) }),
    routes: config.notifiers.routes,
    store: options.documents,
    journal: options.journal,
    registry: options.registry,
    alerting: (slo) => alerting.get(slo),
    publicUrl: options.publicUrl,
    resendIntervalMs: config.notifiers.resendIntervalMs,
    evaluationIntervalMs: config.evaluationIntervalMs,
    queueCapacity: config.notifiers.queueSize,
    logger: options.logger,
  });
  return {
    name: 'notifications',
    routes: [notifications.routes()],
    afterEvaluation: (evaluation) => notifications.evaluated(evaluation.statuses, evaluation.now),
    onSpecChange: (specs) => {
      alerting = alertingOf(specs);
    },
    start: () => notifications.start(),
    stop: async (timeoutMs) => {
      if (!(await notifications.flush(timeoutMs))) options.logger.warn({ component: 'notifications' }, 'notifications not all delivered before shutdown');
      await notifications.shutdown(timeoutMs);
    },
  };
}

export function policyComponent(options: InterimOptions): Component<Hono> {
  const policy = new PolicyComponent({
    statuses: options.statuses,
    policies: options.specs.policies,
    journal: options.journal,
    documents: options.documents,
    tokens: options.config.auth,
    webhooks: options.config.events.webhooks,
    source: options.publicUrl,
    now: options.clock,
    logger: options.logger.child({ component: 'policy' }),
    transaction: options.transaction,
  });
  return {
    name: 'policy',
    routes: policy.routes(),
    afterEvaluation: (evaluation) => policy.afterEvaluation(evaluation.now),
    onSpecChange: (specs) => policy.gates.setPolicies(specs.policies),
    stop: async () => {
      await policy.delivery.flush();
      await policy.shutdown();
    },
  };
}
