import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { SloeError } from '../core/index.js';

/** The one place errors become responses: `{"error": {"code", "message"}}` with the error's status. */
export function errorResponse(error: Error, c: Context): Response {
  if (error instanceof SloeError) {
    return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
  }
  if (error instanceof HTTPException) {
    return c.json({ error: { code: 'http_error', message: error.message || 'request refused' } }, error.status);
  }
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}
