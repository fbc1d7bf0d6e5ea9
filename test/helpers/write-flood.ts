/**
 * A remote-write flood run as its own process, so the load it makes does not share the event loop of the test that
 * measures the daemon: `node --import tsx test/helpers/write-flood.ts URL WRITERS SECONDS [SERIES]`. Each of WRITERS
 * loops for SECONDS: a body of SERIES series of the test SLO's counter (fresh timestamps), and on 429 it waits the
 * Retry-After the daemon asked for, as Prometheus does. Prints one JSON line: answers by status, 429s by error code and with Retry-After.
 */
import { Agent, request } from 'node:http';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from './remote-write-encoder.js';

const [url = '', writersText = '500', secondsText = '4', seriesText = '200'] = process.argv.slice(2);
const writers = Number(writersText);
const seriesPerBody = Number(seriesText);
const target = new URL('/api/v1/write', url);
// One connection per writer, kept alive, as 500 Prometheus shards would hold.
const agent = new Agent({ keepAlive: true, maxSockets: writers });

const statuses: Record<string, number> = {};
let withRetryAfter = 0;
let errors = 0;

const refusals: Record<string, number> = {};

function send(body: Buffer): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { ...REMOTE_WRITE_HEADERS, 'content-length': String(body.length) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const header = response.headers['retry-after'];
        if (response.statusCode === 429) {
          // Which bound refused it: the error code (write_queue_full, ingest_overloaded).
          const code = /"code":"([^"]+)"/.exec(text)?.[1] ?? 'unknown';
          refusals[code] = (refusals[code] ?? 0) + 1;
        }
        resolve({ status: response.statusCode ?? 0, retryAfter: Array.isArray(header) ? header[0] : header });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Bodies are built before the flood, so the load this process makes is sending, not encoding.
const start = Date.now();
const bodies = Array.from({ length: 200 }, (_, index) =>
  remoteWriteBody(
    Array.from({ length: seriesPerBody }, (_, offset) => ({
      labels: [['__name__', 'http_requests_total'], ['code', '200'], ['instance', `i${index % 20}-${offset}`], ['job', 'shop']] as const,
      value: index,
      timestamp: start + index * 1000,
    })),
  ),
);

async function writer(index: number): Promise<void> {
  let sequence = index;
  while (Date.now() < until) {
    const body = bodies[sequence % bodies.length]!;
    sequence++;
    try {
      const answer = await send(body);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status === 429) {
        if (answer.retryAfter !== undefined) withRetryAfter++;
        await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter ?? 1) * 1000));
      }
    } catch {
      errors++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const until = Date.now() + Number(secondsText) * 1000;
await Promise.all(Array.from({ length: writers }, (_, index) => writer(index)));
agent.destroy();
process.stdout.write(`${JSON.stringify({ statuses, refusals, withRetryAfter, errors })}\n`);
