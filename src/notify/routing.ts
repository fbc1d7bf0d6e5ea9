import { SloeError } from '../core/index.js';
import type { AlertNotification, Notifier } from './types.js';

/** Conditions of a route; all that are set must hold. Lists match any of their values. */
export interface RouteMatch {
  readonly services?: readonly string[];
  /** SLO names; `checkout` matches every objective of `checkout` (`checkout:fast`, ...). */
  readonly slos?: readonly string[];
  readonly severities?: readonly string[];
  /** Label values the notification must carry exactly (SLO labels, alert labels, `severity`...). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly match: RouteMatch;
  /** Receiver names; an empty list sends matching notifications nowhere. */
  readonly receivers: readonly string[];
  /** Go on to the next routes after this one matched (as in Alertmanager); otherwise the first match decides. */
  readonly continue?: boolean;
}

/** A severity list takes a notification by its severity or by its urgency (`page` takes a severity renamed `critical`). */
function takes(severities: readonly string[], notification: AlertNotification): boolean {
  return severities.includes(notification.severity) || severities.includes(notification.urgency);
}

function matches(route: Route, notification: AlertNotification): boolean {
  const { services, slos, severities, labels } = route.match;
  if (services && !services.includes(notification.service)) return false;
  if (slos && !slos.includes(notification.slo) && !slos.includes(notification.slo.split(':')[0] ?? '')) return false;
  if (severities && !takes(severities, notification)) return false;
  for (const [name, value] of Object.entries(labels ?? {})) if (notification.labels[name] !== value) return false;
  return true;
}

/**
 * Decides who hears of a notification: the receivers of the matching routes (the first match, or several with
 * `continue`), or every receiver when no route matches; then each receiver's own `severities` filter, which routes
 * never widen, so a PagerDuty receiver configured for `page` never gets a ticket.
 */
export class Router {
  private readonly routes: readonly Route[];
  private readonly receivers: readonly Notifier[];

  constructor(routes: readonly Route[], receivers: readonly Notifier[]) {
    const names = new Set(receivers.map((receiver) => receiver.name));
    if (names.size !== receivers.length) throw new SloeError('config_invalid', 'notifiers: receiver names must be unique');
    routes.forEach((route, index) => {
      for (const name of route.receivers) {
        if (!names.has(name)) throw new SloeError('config_invalid', `notifiers.routes[${index}].receivers: no receiver named ${name} (known: ${[...names].join(', ') || 'none'})`);
      }
    });
    this.routes = routes;
    this.receivers = receivers;
  }

  receiversFor(notification: AlertNotification): Notifier[] {
    let chosen: Set<string> | undefined;
    for (const route of this.routes) {
      if (!matches(route, notification)) continue;
      chosen ??= new Set();
      for (const name of route.receivers) chosen.add(name);
      if (!route.continue) break;
    }
    return this.receivers.filter(
      (receiver) => (chosen === undefined || chosen.has(receiver.name)) && (receiver.severities === undefined || takes(receiver.severities, notification)),
    );
  }
}
