/**
 * A request header read from what Node already parsed. Behind @hono/node-server the request's IncomingMessage is
 * `c.env.incoming`; `c.req.header()` would instead build a fetch `Headers` object from it on each request, which
 * costs more than a whole gate answer. Elsewhere (`app.request()` in tests) it falls back to `c.req.header()`.
 * Structural types, so core needs no HTTP library.
 */
export interface HeaderSource {
  readonly env: unknown;
  readonly req: { header(name: string): string | undefined };
}

/** The header `name` (lower case), or undefined; a repeated header is joined as fetch would join it. */
export function requestHeader(c: HeaderSource, name: string): string | undefined {
  const incoming = (c.env as { incoming?: { headers?: Record<string, string | string[] | undefined> } } | undefined)?.incoming;
  if (incoming?.headers === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
