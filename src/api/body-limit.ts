import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { SloeError } from '../core/index.js';

/** Largest JSON body the API takes: an AdmissionReview of a large object (old and new) fits, a flood does not. */
export const MAX_API_BODY_BYTES = 8 * 1024 * 1024;

/** Methods whose bodies no route reads: nothing of theirs is held, so there is nothing to bound. */
const BODILESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses request bodies over `maxBytes` with 413 while they stream in, before they are held whole, on every path but
 * the ingest endpoints, which apply their own (compressed and decompressed) limits. GET, HEAD and OPTIONS pass
 * untouched: looking for their body would make @hono/node-server build a whole fetch Request (with an
 * AbortController) for each, the largest cost of a gate answer.
 */
export function limitBodies(maxBytes: number, exempt: ReadonlySet<string>): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new SloeError('payload_too_large', `the body is larger than ${maxBytes} bytes`, { status: 413 });
    },
  });
  return async (c, next) => {
    if (BODILESS_METHODS.has(c.req.method) || exempt.has(c.req.path)) {
      await next();
      return;
    }
    await limit(c, next);
  };
}
