import { createHash } from 'node:crypto';
import type { Slo } from '../../core/index.js';
import { safeFileName } from '../rules/generate.js';
import { targetsOf } from '../rules/target.js';
import { DEFAULT_RULE_OPTIONS } from '../rules/types.js';
import { OVERVIEW_UID, overviewDashboard } from './overview.js';
import { DashboardQueries } from './queries.js';
import { serviceDashboard } from './service.js';
import { DEFAULT_DASHBOARD_OPTIONS } from './types.js';
import type { DashboardFile, DashboardOptions } from './types.js';

/** The SDK's objects carry helper functions; the file and the API take plain JSON. */
function plain(dashboard: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(dashboard)) as Record<string, unknown>;
}

/** Grafana limits uids to 40 characters; longer service names get a hash suffix so uids stay unique and stable. */
export function serviceDashboardUid(service: string): string {
  const uid = `sloe-${service.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
  if (uid.length <= 40) return uid;
  return `${uid.slice(0, 31)}-${createHash('sha256').update(service).digest('hex').slice(0, 8)}`;
}

/** The overview and one dashboard per service (sorted), built with the Grafana Foundation SDK. */
export function generateDashboards(slos: readonly Slo[], options: Partial<DashboardOptions> = {}): DashboardFile[] {
  const resolved = { ...DEFAULT_DASHBOARD_OPTIONS, ...options };
  const queries = new DashboardQueries(resolved.labelProfile);
  const byService = new Map<string, Slo[]>();
  for (const slo of slos) byService.set(slo.service, [...(byService.get(slo.service) ?? []), slo]);
  const ruleOptions = { ...DEFAULT_RULE_OPTIONS, labelProfile: resolved.labelProfile };
  const services = [...byService.keys()].sort();
  const files: DashboardFile[] = [{ uid: OVERVIEW_UID, title: 'SLOs: overview', fileName: 'overview.json', dashboard: plain(overviewDashboard(queries)) }];
  for (const service of services) {
    const serviceSlos = byService.get(service) ?? [];
    const uid = serviceDashboardUid(service);
    const targets = serviceSlos.flatMap((slo) => targetsOf(slo, ruleOptions));
    files.push({ uid, title: `SLOs: ${service}`, fileName: `service-${safeFileName(service)}.json`, dashboard: plain(serviceDashboard(service, uid, targets, queries, serviceSlos)) });
  }
  return files;
}

/** A dashboard as the JSON text `sloe generate` writes: two-space indented, ending with a newline. */
export function renderDashboard(file: DashboardFile): string {
  return `${JSON.stringify(file.dashboard, null, 2)}\n`;
}
