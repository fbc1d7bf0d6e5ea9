export { generateDashboards, renderDashboard, serviceDashboardUid } from './generate.js';
export { OVERVIEW_UID } from './overview.js';
export { DEFAULT_DASHBOARD_OPTIONS } from './types.js';
export type { DashboardFile, DashboardOptions } from './types.js';
