export { parseCredentials } from './credentials.js';
export type { Credentials } from './credentials.js';
export { authenticate, requireScope } from './middleware.js';
export { isLoopbackAddress, isLoopbackHost, openRemotePolicy } from './open-remote.js';
export type { OpenRemotePolicy } from './open-remote.js';
export { ROUTE_SCOPES, RouteTable } from './route-scopes.js';
export type { RouteScope } from './route-scopes.js';
export { callerFor, tokensEqual } from './tokens.js';
export type { Tokens } from './tokens.js';
