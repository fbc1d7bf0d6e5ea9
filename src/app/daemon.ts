import { pino } from 'pino';
import type { Logger } from 'pino';
import { createHttpApp, readRoutes, startServer } from '../api/index.js';
import type { RunningServer } from '../api/index.js';
import type { SloStatus, SpecSet, StatusReader } from '../core/index.js';
import { SloeError, formatProblem, nominalPeriod, objectiveName, windowLabel } from '../core/index.js';
import type { SloeConfig } from '../config/index.js';
import { loadSpecs } from '../spec/index.js';
import { readSpecFiles } from './spec-files.js';

export interface Daemon {
  readonly url: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** Reads and validates the configured spec paths; throws with every problem when the set is invalid. */
export function loadSpecSet(config: Pick<SloeConfig, 'slos' | 'sources'>): SpecSet {
  const files = readSpecFiles(config.slos);
  const result = loadSpecs(files.inputs, { remoteSources: config.sources.map((source) => source.name) });
  const problems = [...files.problems, ...result.problems];
  if (problems.length > 0) {
    throw new SloeError('specs_invalid', `invalid specs:\n${problems.map(formatProblem).join('\n')}`, { status: 400 });
  }
  return result.specs;
}

/** Until the engine has evaluated, every SLO is known with status nodata. */
function unevaluatedStatuses(specs: SpecSet, now: Date): StatusReader {
  const statuses: SloStatus[] = specs.slos.flatMap((slo) =>
    slo.objectives.map((objective) => ({
      name: objectiveName(slo, objective),
      slo: slo.name,
      objectiveKey: objective.key,
      service: slo.service,
      ...(slo.displayName === undefined ? {} : { displayName: slo.displayName }),
      objective: objective.target,
      window: windowLabel(slo.window),
      budgetingMethod: slo.budgetingMethod,
      sli: null,
      events: { good: 0, total: 0 },
      errorBudget: { total: 1 - objective.target, consumed: 0, remaining: 1 },
      burnRates: {},
      alerts: [],
      timeToExhaustion: null,
      status: 'nodata' as const,
      reason: `not evaluated yet (period ${nominalPeriod(slo.window) / 86_400_000}d)`,
      labels: slo.labels,
      evaluatedAt: now.toISOString(),
    })),
  );
  const byName = new Map(statuses.map((status) => [status.name, status]));
  return { latest: () => statuses, get: (name) => byName.get(name) };
}

/** The composition root: builds every component from the configuration and starts serving. */
export async function startDaemon(config: SloeConfig): Promise<Daemon> {
  const logger = pino({ level: config.logLevel, redact: { paths: ['*.token', '*.*Token', '*.routingKey', '*.webhookUrl', '*.secret', 'req.headers.authorization'], censor: '<redacted>' } });
  const specs = loadSpecSet(config);
  const statuses = unevaluatedStatuses(specs, new Date());
  const app = createHttpApp([readRoutes(statuses)], { notReadyReasons: () => [] });
  const server: RunningServer = await startServer(app, config.listen);
  const url = `http://${server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host}:${server.address.port}`;
  logger.info({ url, slos: specs.slos.length }, 'sloe listening');
  return {
    url,
    logger,
    stop: async () => {
      await server.close();
      logger.info('sloe stopped');
    },
  };
}
