/**
 * The baseline of bench/gate: a bare hono route on @hono/node-server, in its own process, answering a constant JSON
 * body of the size given (the gate's answer size), with nothing else in the app: no middleware, no logging.
 * Usage: `bare.ts BYTES`; prints `LISTENING <url>` and runs until stdin closes or SIGTERM.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';

const bytes = Number(process.argv[2]);
if (!Number.isInteger(bytes) || bytes < 32) throw new Error('usage: bare.ts BYTES (the body size, at least 32)');
// {"decision":"allow","pad":"xxx..."}: valid JSON of exactly `bytes` bytes.
const prefix = '{"decision":"allow","pad":"';
const body = `${prefix}${'x'.repeat(bytes - prefix.length - 2)}"}`;

const app = new Hono();
app.get('/api/v1/gates/:service', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => console.log(`LISTENING http://127.0.0.1:${info.port}`));
const stop = (): void => {
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
