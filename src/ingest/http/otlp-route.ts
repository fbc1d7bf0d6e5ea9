import { Hono } from 'hono';
import { emptyStats } from '../decoded.js';
import { otlpToSeries } from '../otlp/convert.js';
import { decodeOtlpJson } from '../otlp/decode-json.js';
import { decodeOtlpProto } from '../otlp/decode-proto.js';
import { otlpResponseJson, otlpResponseProto } from '../otlp/response.js';
import { gunzipLimited, parseContentType, readBody, unsupportedMediaType } from './body.js';
import { commitBatch } from './commit.js';
import type { BucketBounds, IngestContext } from './context.js';
import { failed, finish } from './remote-write-route.js';

/**
 * `POST /v1/metrics`: OTLP/HTTP metrics as protobuf or JSON, optionally gzip-compressed. 200 with an
 * `ExportMetricsServiceResponse` in the request's encoding once the points are committed; `partial_success` counts
 * the points refused and says why.
 */
export function otlpRoutes(ingest: IngestContext, bucketBounds: BucketBounds): Hono {
  const app = new Hono();
  // Only this path: a guard on `*` would reach every route of the app this one is mounted into.
  if (ingest.guard) app.use('/v1/metrics', ingest.guard);
  app.post('/v1/metrics', async (c) => {
    const started = performance.now();
    try {
      const { type } = parseContentType(c.req.header('content-type'));
      if (type !== 'application/x-protobuf' && type !== 'application/json') throw unsupportedMediaType(`OTLP/HTTP expects application/x-protobuf or application/json, got ${type || 'no Content-Type'}`);
      const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity' && encoding !== 'gzip') throw unsupportedMediaType(`Content-Encoding ${encoding} is not supported; use gzip or none`);
      const release = ingest.admission.admit(Number(c.req.header('content-length') ?? 0) || 0);
      ingest.metrics.inFlight.inc();
      try {
        const raw = await readBody(c.req.raw, ingest.limits.maxBodyBytes);
        const stats = emptyStats();
        // Decoding is one task on ingest's turn queue, like remote write's (turn-queue.ts).
        const series = await ingest.turns.run(() => {
          const body = encoding === 'gzip' ? gunzipLimited(raw, ingest.limits.maxDecompressedBytes) : raw;
          const request = type === 'application/json' ? decodeOtlpJson(body, ingest.limits.maxSeriesPerRequest) : decodeOtlpProto(body, ingest.limits.maxSeriesPerRequest);
          return otlpToSeries(request, { wantsMetric: (name) => ingest.appender.wantsMetric(name), bucketBounds }, stats);
        });
        const outcome = await commitBatch(ingest.groupCommit, { series, stats }, 'otlp');
        ingest.metrics.recordSamples('otlp', stats);
        const response = { rejectedDataPoints: outcome.rejected, errorMessage: outcome.rejectedReasons.join('; ') };
        if (outcome.rejected > 0) ingest.logger?.warn({ protocol: 'otlp', rejected: outcome.rejected, reasons: outcome.rejectedReasons }, 'otlp: data points refused');
        const answer =
          type === 'application/json'
            ? c.body(otlpResponseJson(response), 200, { 'content-type': 'application/json' })
            : c.body(new Uint8Array(otlpResponseProto(response)), 200, { 'content-type': 'application/x-protobuf' });
        return finish(ingest, c, 'otlp', started, answer);
      } finally {
        release();
        ingest.metrics.inFlight.dec();
      }
    } catch (error) {
      throw failed(ingest, c, 'otlp', started, error);
    }
  });
  return app;
}
