export { createHttpApp } from './app.js';
export type { HealthProbe } from './app.js';
export { badRequest, errorResponse, notFound } from './errors.js';
export { readRoutes } from './read.js';
export { parseListen, startServer } from './server.js';
export type { RunningServer } from './server.js';
