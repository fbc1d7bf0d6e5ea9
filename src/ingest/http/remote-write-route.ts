import { Hono } from 'hono';
import type { Context } from 'hono';
import type { IngestProtocol } from '../../core/index.js';
import { SloeError } from '../../core/index.js';
import type { DecodedBatch } from '../decoded.js';
import { decodeWriteRequestV1 } from '../remote-write/decode-v1.js';
import { decodeWriteRequestV2 } from '../remote-write/decode-v2.js';
import { assertRemoteWriteVersion } from '../remote-write/version-mismatch.js';
import { withInflatedSnappy } from '../wire/snappy.js';
import { parseContentType, readBody, unsupportedMediaType } from './body.js';
import { commitBatch } from './commit.js';
import type { IngestContext } from './context.js';
import type { BucketBounds } from './context.js';

const V1_PROTO = 'prometheus.WriteRequest';
const V2_PROTO = 'io.prometheus.write.v2.Request';

/** Which remote-write version a Content-Type announces; 415 for anything else. */
export function remoteWriteVersion(contentType: string | undefined): 1 | 2 {
  const { type, params } = parseContentType(contentType);
  // Prometheus before 2.54 sends no proto parameter (1.0); an absent Content-Type is read as 1.0 too.
  if (type !== '' && type !== 'application/x-protobuf') throw unsupportedMediaType(`remote write expects application/x-protobuf, got ${type}`);
  const proto = params.proto;
  if (proto === undefined || proto === V1_PROTO) return 1;
  if (proto === V2_PROTO) return 2;
  throw unsupportedMediaType(`unsupported remote write message ${proto}; expected ${V1_PROTO} or ${V2_PROTO}`);
}

/**
 * `POST /api/v1/write`: Prometheus remote write 1.0 and 2.0. 204 once the samples are committed; 2.0 requests get
 * the `X-Prometheus-Remote-Write-*-Written` headers (samples and native histograms accepted, including those no SLI
 * reads; exemplars are accepted and not stored, so they count 0). Native histograms an SLI reads become the `_bucket`
 * series at the bounds `bucketBounds` gives (see native-histogram.ts).
 */
export function remoteWriteRoutes(ingest: IngestContext, bucketBounds: BucketBounds = () => []): Hono {
  const app = new Hono();
  // Only this path: a guard on `*` would reach every route of the app this one is mounted into.
  if (ingest.guard) app.use('/api/v1/write', ingest.guard);
  app.post('/api/v1/write', async (c) => {
    const started = performance.now();
    let protocol: IngestProtocol = 'remote_write';
    try {
      const version = remoteWriteVersion(c.req.header('content-type'));
      protocol = version === 1 ? 'remote_write' : 'remote_write_v2';
      const encoding = (c.req.header('content-encoding') ?? 'snappy').trim().toLowerCase();
      if (encoding !== 'snappy') throw unsupportedMediaType(`remote write bodies are snappy-compressed; Content-Encoding ${encoding} is not supported`);
      const release = ingest.admission.admit(Number(c.req.header('content-length') ?? 0) || 0);
      ingest.metrics.inFlight.inc();
      try {
        const compressed = await readBody(c.req.raw, ingest.limits.maxBodyBytes);
        // Inflating and decoding one request is a task of its own: requests that arrived together are decoded on
        // successive turns, with the gate and the API answered between them.
        const batch = await ingest.turns.run((): DecodedBatch => {
          const encodedSeries = ingest.appender.encodedSeries;
          const options = { wantsMetric: (name: string) => ingest.appender.wantsMetric(name), maxSeries: ingest.limits.maxSeriesPerRequest, bucketBounds, ...(encodedSeries === undefined ? {} : { encodedSeries }) };
          // The inflated bytes are reused by the next request: the decoders copy out what they keep.
          return withInflatedSnappy(compressed, ingest.limits.maxDecompressedBytes, (body) => {
            const decoded = version === 1 ? decodeWriteRequestV1(body, options) : decodeWriteRequestV2(body, options);
            if (decoded.stats.series === 0) assertRemoteWriteVersion(body, version);
            return decoded;
          });
        });
        const outcome = await commitBatch(ingest.groupCommit, batch, protocol);
        ingest.metrics.recordSamples(protocol, batch.stats);
        if (outcome.rejected > 0) ingest.logger?.warn({ protocol, rejected: outcome.rejected, reasons: outcome.rejectedReasons }, 'remote write: samples refused');
        if (version === 2) {
          c.header('X-Prometheus-Remote-Write-Samples-Written', String(Math.max(0, batch.stats.samples - outcome.rejected)));
          c.header('X-Prometheus-Remote-Write-Histograms-Written', String(batch.stats.histograms - batch.stats.invalidHistograms));
          c.header('X-Prometheus-Remote-Write-Exemplars-Written', '0');
        }
        return finish(ingest, c, protocol, started, c.body(null, 204));
      } finally {
        release();
        ingest.metrics.inFlight.dec();
      }
    } catch (error) {
      throw failed(ingest, c, protocol, started, error);
    }
  });
  return app;
}

export function finish(ingest: IngestContext, c: Context, protocol: IngestProtocol, started: number, response: Response): Response {
  ingest.metrics.requests.inc({ protocol, code: String(response.status) });
  ingest.metrics.requestSeconds.observe({ protocol }, (performance.now() - started) / 1000);
  return response;
}

/** Counts a refused request and prepares the answer's headers (Retry-After on 429) before api/ maps the error. */
export function failed(ingest: IngestContext, c: Context, protocol: IngestProtocol, started: number, error: unknown): unknown {
  const status = error instanceof SloeError ? error.status : 500;
  if (status === 429 || status === 503) c.header('Retry-After', String(ingest.admission.retryAfterSeconds));
  ingest.metrics.requests.inc({ protocol, code: String(status) });
  ingest.metrics.requestSeconds.observe({ protocol }, (performance.now() - started) / 1000);
  if (status >= 500) ingest.logger?.error({ err: error, protocol }, 'ingest request failed');
  return error;
}
