import type { LabelProfile } from '../../core/index.js';

/** One dashboard, as the model Grafana's API and file provisioning take (`dashboard` of `POST /api/dashboards/db`). */
export interface DashboardFile {
  readonly uid: string;
  readonly title: string;
  /** File name (no folder): `overview.json`, `service-checkout.json`. */
  readonly fileName: string;
  /** The dashboard JSON model. */
  readonly dashboard: Readonly<Record<string, unknown>>;
}

export interface DashboardOptions {
  /** The label keys the `slo:*` series carry (the same profile the rules were generated with). */
  readonly labelProfile: LabelProfile;
}

export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = { labelProfile: 'default' };
