export { createHttpApp } from './app.js';
export type { HealthProbe, Middleware } from './app.js';
export { badRequest, errorResponse, notFound } from './errors.js';
export { journalRoutes } from './journal-routes.js';
export { operationsRoutes } from './operations.js';
export type { Operations, ReloadReport } from './operations.js';
export { readRoutes } from './read.js';
export { parseListen, startServer } from './server.js';
export type { RunningServer } from './server.js';
