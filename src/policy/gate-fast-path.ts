import type { IncomingMessage, ServerResponse } from 'node:http';
import { holds } from '../core/index.js';
import type { Caller } from '../core/index.js';
import { gateQuestion, parseGateQuery } from './gate-query.js';
import type { GateService } from './gate-service.js';
import type { GateQuestion } from './verdicts.js';

/** The gate's route as hono registers it: the request metrics' `route` label of every gate answer. */
export const GATE_ROUTE = '/api/v1/gates/:service';
const GATE_PREFIX = '/api/v1/gates/';

/**
 * When @hono/node-server takes a request's URL as it came (its own tests, copied from its buildUrl): a plain host and
 * a target of these characters with no dot segment. Anything else it normalizes through `new URL`, so the fast path
 * leaves it to hono rather than repeat that normalization.
 */
const VERBATIM_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
const VERBATIM_TARGET = /^\/[!$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;

/** The answer's one header besides those Node writes (Date, Connection, Keep-Alive, Content-Length). */
const JSON_HEADERS: string[] = ['content-type', 'application/json']; // Node only reads it

/**
 * Node's field for the body length it writes as Content-Length (absent from its types): what @hono/node-server sets
 * before writeHead when it knows the length, so the header comes out in the same place.
 */
type ResponseLength = ServerResponse & { _contentLength: number | null };

/** Questions remembered (a pipeline asks one URL over and over); emptied when full, like auth's route table. */
const QUESTION_CACHE_SIZE = 4096;

/** Answers a request and returns true, or returns false and leaves it (untouched) to hono (api's FastRoute). */
type FastRoute = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface GateFastPathOptions {
  /**
   * The daemon's one access check (auth's `requestAuthorizer`, the middleware's route table and credential parser):
   * the caller, or undefined when the request would be refused, and hono answers the 401 or 403.
   */
  readonly authorize: (method: string, path: string, authorization: string | undefined, peer: string | undefined) => Caller | undefined;
  /**
   * Counts one answer, in seconds: the request metrics' writer bound to (GET, GATE_ROUTE, 200) once
   * (`metrics.requests.bind`), into the same tallies the middleware counts through.
   */
  readonly recordAnswer: (seconds: number) => void;
}

/**
 * `GET /api/v1/gates/{service}` answered in the HTTP server's request listener, in front of hono.
 *
 * Why it exists: release pipelines poll the gate, and its answer is precomputed (a map lookup and an id spliced into
 * pre-serialized JSON), yet through hono a third of its CPU went to building fetch Request and Response objects and to
 * the three middlewares (request metrics, auth, body limits) each re-reading the request. Here the same steps are
 * done on what Node already parsed: the same access check, the same question (`gateQuestion`), the same
 * `decideJson` (so the audit trail counts it exactly as before), the same request metrics, and the body written
 * with one `end`.
 *
 * What it must stay equal to: the hono route in gate-routes.ts behind the daemon's middleware. Its answers are
 * byte-for-byte the route's (status, headers, body; test/gates/gate-fast-path.test.ts asks both). Everything it does
 * not answer plainly (another method, a URL hono would normalize, a refused caller, an unknown service, a bad query,
 * a group that does not exist) goes on to hono untouched, so errors are made in one place. Only used when no spans
 * are exported: a traced gate request goes through hono's tracing middleware.
 */
export function gateFastPath(gates: GateService, options: GateFastPathOptions): FastRoute {
  const { authorize, recordAnswer } = options;
  // The question a URL asks, by whether the caller may override and who it is (the audit trail's caller): built once,
  // since parsing the query and building the question was a third of the handler's own time. Questions are plain
  // data and read only; a bad query is never remembered (it throws, and hono answers it).
  const questions = new Map<string, GateQuestion>();
  const questionOf = (url: string, service: string, admin: boolean, userAgent: string | undefined): GateQuestion => {
    const key = `${admin ? 'a' : 'r'}${userAgent === undefined ? 'n' : `u${userAgent}`}\u0000${url}`;
    let question = questions.get(key);
    if (question === undefined) {
      question = gateQuestion(service, parseGateQuery(url), admin, userAgent);
      if (questions.size >= QUESTION_CACHE_SIZE) questions.clear();
      questions.set(key, question);
    }
    return question;
  };
  return (request, response) => {
    const started = performance.now();
    const url = request.url;
    if (request.method !== 'GET' || url === undefined || !url.startsWith(GATE_PREFIX)) return false;
    const headers = request.headers;
    const host = headers.host;
    if (host === undefined || !VERBATIM_HOST.test(host) || !VERBATIM_TARGET.test(url) || DOT_SEGMENT.test(url) || url.includes('#')) return false;
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const service = path.slice(GATE_PREFIX.length);
    if (service === '' || service.includes('/')) return false;
    const caller = authorize('GET', path, headers.authorization, request.socket.remoteAddress);
    if (caller === undefined || !gates.knows(service)) return false;
    let body: Buffer;
    try {
      body = gates.decideBytes(questionOf(url, service, holds(caller, 'admin'), headers['user-agent']));
    } catch {
      // A bad query or group: nothing was recorded (decideBytes judges before it counts); hono says what is wrong.
      return false;
    }
    // The header lines as hono's adapter writes them for this route (its trySetContentLength): the length given to
    // Node, which writes Content-Length after its own Date, Connection and Keep-Alive lines, and the content type
    // through writeHead, with no per-request header object (setHeader).
    (response as ResponseLength)._contentLength = body.length;
    response.writeHead(200, JSON_HEADERS);
    response.end(body);
    recordAnswer((performance.now() - started) / 1000);
    return true;
  };
}
