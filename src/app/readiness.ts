import type { HealthProbe } from '../api/index.js';
import type { SpecsReloader } from './reload.js';

/**
 * /readyz: not ready until the engine has evaluated once (it does at start, within milliseconds), so no gate or status
 * is answered from the `not evaluated yet` placeholders; and not ready while draining. A refused reload does not make
 * the daemon unready: it keeps serving the set in force, which is what a load balancer needs; /readyz says so.
 */
export function readiness(specs: SpecsReloader, evaluated: () => boolean, draining: () => boolean): HealthProbe {
  return {
    notReadyReasons: () => [...(evaluated() ? [] : ['first evaluation pending']), ...(draining() ? ['shutting down'] : [])],
    details: () => {
      const last = specs.lastReload();
      const lastReload = { successful: last.ok, at: new Date(last.at).toISOString(), trigger: last.trigger };
      return last.ok
        ? { specs: { lastReload } }
        : { specs: { lastReload: { ...lastReload, problems: last.problems }, inForceSince: new Date(specs.lastSuccessfulReload().at).toISOString() } };
    },
  };
}
