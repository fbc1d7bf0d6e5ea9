import { isDeepStrictEqual } from 'node:util';
import { DAY, nominalPeriod, tiersForPeriod } from '../../core/index.js';
import type { AlertTier, Slo } from '../../core/index.js';
import { camelCaseName, severityClass } from '../alerting.js';
import { durationText, fileSafe, isBare, displayNameNote, objectiveKeyNote, omitEmpty, percent, shortName, windowedRate } from './common.js';
import type { Inexpressible, WriteResult, WrittenDocument } from './types.js';

function sli(slo: Slo, approximations: string[]): Record<string, unknown> | string {
  const { sli: indicator } = slo;
  switch (indicator.kind) {
    case 'ratio': {
      if (indicator.bad === undefined) return 'a ratio SLI that counts good events (Sloth counts errors)';
      if (isBare(indicator.bad) || isBare(indicator.total)) approximations.push('bare counter selectors written as sum(rate(SELECTOR[{{.window}}])), as Sloth needs the window in the query');
      const queries = [windowedRate(indicator.bad), windowedRate(indicator.total)];
      if (queries.some((query) => !query.includes('{{.window}}'))) return 'a query without {{.window}} (Sloth substitutes its windows there)';
      return { events: { error_query: queries[0], total_query: queries[1] } };
    }
    case 'rawRatio':
      if (indicator.meaning !== 'bad') return 'a raw ratio of good events (Sloth reads the error ratio)';
      if (!indicator.query.promql.includes('{{.window}}')) return 'a query without {{.window}} (Sloth substitutes its windows there)';
      return { raw: { error_ratio_query: indicator.query.promql } };
    case 'latency':
      return 'a latency SLI (Sloth has events and raw SLIs only)';
    case 'threshold':
      return 'a threshold SLI (Sloth has events and raw SLIs only)';
  }
}

function alert(tiers: readonly AlertTier[], cls: 'page' | 'ticket'): Record<string, unknown> | undefined {
  const own = tiers.filter((tier) => severityClass(tier) === cls);
  const first = own[0];
  if (first === undefined) return undefined;
  return omitEmpty({ disable: own.every((tier) => tier.disabled) ? true : undefined, labels: first.labels, annotations: first.annotations });
}

/** Sloth `prometheus/v1` files, one per service. */
export function writeSloth(slos: readonly Slo[]): WriteResult {
  const byService = new Map<string, { slos: Record<string, unknown>[]; approximations: string[] }>();
  const inexpressible: Inexpressible[] = [];
  for (const slo of slos) {
    const approximations: string[] = [];
    const refuse = (message: string): void => void inexpressible.push({ slo, message });
    if (slo.objectives.length !== 1) refuse(`${slo.objectives.length} objectives (a Sloth SLO has one objective)`);
    if (slo.window.kind !== 'rolling') refuse('a calendar window (Sloth periods are rolling)');
    if (slo.budgetingMethod !== 'Occurrences') refuse(`budgeting method ${slo.budgetingMethod} (Sloth counts events)`);
    const written = sli(slo, approximations);
    if (typeof written === 'string') refuse(written);
    const objective = slo.objectives[0];
    if (typeof written === 'string' || objective === undefined || slo.objectives.length !== 1 || slo.window.kind !== 'rolling' || slo.budgetingMethod !== 'Occurrences') continue;
    // Sloth names an SLO SERVICE-NAME: a name without its service's prefix comes back with it.
    if (!slo.name.startsWith(`${slo.service}-`)) approximations.push(`the SLO's name: Sloth names SLOs after their service, so ${slo.name} reads back as ${slo.service}-${slo.name}`);
    if (slo.window.duration !== 30 * DAY) approximations.push(`the ${durationText(slo.window.duration)} period: a Sloth file cannot state it; run Sloth (or sloe) with --default-slo-period ${durationText(slo.window.duration)}`);
    // Sloth alerts with the default table (or an AlertWindows table for the period, which a file of SLOs cannot carry).
    const table = (tiers: readonly AlertTier[]): unknown[] => tiers.map((tier) => [tier.name, tier.longWindow, tier.shortWindow, tier.burnRateThreshold, tier.for]);
    if (!isDeepStrictEqual(table(slo.alerting.tiers), table(tiersForPeriod(nominalPeriod(slo.window))))) {
      approximations.push(`the burn-rate tiers: Sloth uses its own table (or an AlertWindows for the period); the SLO's tiers (${slo.alerting.tiers.map((tier) => `${tier.name} ${tier.burnRateThreshold}x over ${durationText(tier.longWindow)}`).join(', ')}) are not kept`);
    }
    approximations.push(...objectiveKeyNote(objective.key, shortName(slo), 'a Sloth SLO keys its objective by its name'));
    approximations.push(...displayNameNote(objective, 'Sloth'));
    const entry = byService.get(slo.service) ?? { slos: [], approximations: [] };
    entry.approximations.push(...approximations.map((text) => `${shortName(slo)}: ${text}`));
    const page = alert(slo.alerting.tiers, 'page');
    const ticket = alert(slo.alerting.tiers, 'ticket');
    entry.slos.push(omitEmpty({
      name: shortName(slo),
      description: slo.description,
      objective: percent(objective.target),
      labels: slo.labels,
      sli: written,
      alerting: omitEmpty({
        // Sloth's default alert name comes from SERVICE-NAME, which is the SLO's name once read back.
        name: slo.alerting.name === camelCaseName(`${slo.service}-${shortName(slo)}`) ? undefined : slo.alerting.name,
        labels: slo.alerting.labels,
        annotations: slo.alerting.annotations,
        page_alert: page,
        ticket_alert: ticket,
      }),
    }));
    byService.set(slo.service, entry);
  }
  const documents: WrittenDocument[] = [...byService].map(([service, entry]) => ({
    fileName: `${fileSafe(service)}.yaml`,
    approximations: entry.approximations,
    body: { version: 'prometheus/v1', service, slos: entry.slos },
  }));
  return { documents, inexpressible };
}
