import type { DocumentStore, GateDecision, Journal, SloVerdict } from '../core/index.js';
import { namedEnvironments } from '../core/index.js';
import type { CloudEvent } from './cloudevents.js';
import { FREEZE_EVENT_TYPE, THAW_EVENT_TYPE, cloudEvent } from './cloudevents.js';
import type { GateService } from './gate-service.js';

/** Journal kind of freezes and thaws (`data.type` says which); the subject is the service. */
export const FREEZE_KIND = 'freeze';
/** DocumentStore namespace of the freezes in force, keyed `service/environment`. */
export const FREEZES_NAMESPACE = 'policy.freezes';

export interface Freeze {
  readonly service: string;
  readonly environment: string;
  readonly policy: string;
  readonly decision: GateDecision;
  /** ISO time the freeze began. */
  readonly since: string;
  /** Why it holds, with the figures of the latest evaluation. */
  readonly reasons: readonly string[];
  readonly slos: readonly SloVerdict[];
  /** Why it began, with the figures of then. */
  readonly frozenReasons?: readonly string[];
  /**
   * When the gate is expected to let deploys through again (ISO): as bad events leave a rolling window at the current
   * burn, at a calendar period's reset, or at a manual freeze's end; null when it does not recover at the current burn.
   */
  readonly expectedThaw?: string | null;
  /** ISO time of the evaluation the figures are from. */
  readonly updatedAt?: string;
}

export interface FreezeTransition {
  readonly type: 'freeze' | 'thaw';
  readonly freeze: Freeze;
  /** For a thaw: the figures now, which let the change through. */
  readonly current?: { readonly decision: GateDecision; readonly reasons: readonly string[]; readonly slos: readonly SloVerdict[] };
  readonly at: number;
}

export interface FreezeTrackerOptions {
  readonly gates: GateService;
  readonly documents: DocumentStore;
  readonly journal: Journal;
  /** Receives the CloudEvent of every transition (EventDelivery.publish). */
  readonly publish: (event: CloudEvent) => void;
  /** CloudEvents `source`: the daemon's public URL, or a URN. */
  readonly source: string;
  readonly onTransition?: (transition: FreezeTransition) => void;
}

function key(service: string, environment: string): string {
  return `${service}/${environment}`;
}

/**
 * Follows each service's gate state per environment (for a deploy without labels) and records the moments it turns
 * to deny (a freeze) and back (a thaw): in the journal, in the document store (what is frozen now, which survives a
 * restart so nothing is announced twice), and as CloudEvents to the configured receivers.
 */
export class FreezeTracker {
  private readonly options: FreezeTrackerOptions;
  private readonly frozen = new Map<string, Freeze>();

  constructor(options: FreezeTrackerOptions) {
    this.options = options;
    for (const { key: stored, value } of options.documents.list(FREEZES_NAMESPACE)) this.frozen.set(stored, value as Freeze);
  }

  /** Whether deploys to the service are frozen in the environment now. */
  isFrozen(service: string, environment: string): boolean {
    return this.frozen.has(key(service, environment));
  }

  /** Freezes in force, by service then environment. */
  current(): Freeze[] {
    return [...this.frozen.values()].sort((a, b) => a.service.localeCompare(b.service) || a.environment.localeCompare(b.environment));
  }

  /** Environments tracked for a service: those its policies' rules name, and the default environment. */
  environmentsOf(service: string): string[] {
    const manual = this.options.gates.manualFreezes().filter((freeze) => freeze.service === service && freeze.environment !== '*');
    return [...new Set([this.options.gates.defaultEnvironment, ...namedEnvironments(this.options.gates.policiesOf(service)), ...manual.map((freeze) => freeze.environment)])].sort();
  }

  /** Call after every engine evaluation; returns the transitions it recorded. */
  check(now: number): FreezeTransition[] {
    const transitions: FreezeTransition[] = [];
    const services = new Set(this.options.gates.services());
    for (const freeze of this.frozen.values()) services.add(freeze.service);
    for (const service of services) {
      const environments = new Set(this.environmentsOf(service));
      for (const freeze of this.frozen.values()) if (freeze.service === service) environments.add(freeze.environment);
      for (const environment of environments) {
        const transition = this.checkOne(service, environment, now);
        if (transition) transitions.push(transition);
      }
    }
    return transitions;
  }

  private checkOne(service: string, environment: string, now: number): FreezeTransition | undefined {
    const verdict = this.options.gates.evaluate({ service, environment, action: 'deploy', admin: false }, now);
    const stored = this.frozen.get(key(service, environment));
    if (verdict.decision === 'deny' && !stored) {
      const freeze: Freeze = {
        service,
        environment,
        policy: verdict.policy,
        decision: verdict.decision,
        since: new Date(now).toISOString(),
        reasons: verdict.reasons,
        slos: verdict.slos,
        frozenReasons: verdict.reasons,
        expectedThaw: verdict.expectedThaw ?? null,
        updatedAt: new Date(now).toISOString(),
      };
      this.frozen.set(key(service, environment), freeze);
      this.options.documents.put(FREEZES_NAMESPACE, key(service, environment), freeze);
      return this.announce({ type: 'freeze', freeze, at: now });
    }
    if (verdict.decision === 'deny' && stored) {
      // Still frozen: the reasons follow the figures; the store is written only when the words change.
      const current: Freeze = { ...stored, policy: verdict.policy, reasons: verdict.reasons, slos: verdict.slos, frozenReasons: stored.frozenReasons ?? stored.reasons, expectedThaw: verdict.expectedThaw ?? null, updatedAt: new Date(now).toISOString() };
      this.frozen.set(key(service, environment), current);
      if (current.reasons.join('\n') !== stored.reasons.join('\n') || current.expectedThaw !== stored.expectedThaw) this.options.documents.put(FREEZES_NAMESPACE, key(service, environment), current);
      return undefined;
    }
    if (verdict.decision !== 'deny' && stored) {
      this.frozen.delete(key(service, environment));
      this.options.documents.delete(FREEZES_NAMESPACE, key(service, environment));
      return this.announce({ type: 'thaw', freeze: stored, current: { decision: verdict.decision, reasons: verdict.reasons, slos: verdict.slos }, at: now });
    }
    return undefined;
  }

  private announce(transition: FreezeTransition): FreezeTransition {
    const { freeze } = transition;
    const data = {
      service: freeze.service,
      environment: freeze.environment,
      policy: freeze.policy,
      frozenSince: freeze.since,
      ...(transition.type === 'freeze'
        ? { decision: freeze.decision, reasons: freeze.reasons, slos: freeze.slos, expectedThaw: freeze.expectedThaw ?? null }
        : { thawedAt: new Date(transition.at).toISOString(), frozenReasons: freeze.frozenReasons ?? freeze.reasons, lastReasons: freeze.reasons, decision: transition.current?.decision, reasons: transition.current?.reasons, slos: transition.current?.slos }),
    };
    this.options.journal.append(FREEZE_KIND, { at: transition.at, subject: freeze.service, data: { type: transition.type, ...data } });
    this.options.publish(
      cloudEvent({ type: transition.type === 'freeze' ? FREEZE_EVENT_TYPE : THAW_EVENT_TYPE, source: this.options.source, subject: freeze.service, time: transition.at, data }),
    );
    this.options.onTransition?.(transition);
    return transition;
  }
}
