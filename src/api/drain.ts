import type { Server } from 'node:http';

/** While draining, connections whose requests finished are closed this often. */
const IDLE_SWEEP_MS = 50;

/**
 * Drains an HTTP server's connections at shutdown: idle ones closed now and each further one as soon as its request
 * has finished (Node would keep it open for the next), and all that remain after `graceMs`, when `atGrace` runs too.
 * Returns what ends the draining. Used by both sides of the front thread (front-thread.ts, front-worker.ts), whose
 * servers are handed their connections and so are not waited on through `close`.
 */
export function drainConnections(server: Server, graceMs: number, atGrace?: () => void): () => void {
  const timer = setTimeout(() => {
    server.closeAllConnections();
    atGrace?.();
  }, graceMs);
  timer.unref();
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  return () => {
    clearTimeout(timer);
    clearInterval(idle);
  };
}
