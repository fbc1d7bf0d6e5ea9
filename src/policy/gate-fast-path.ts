import type { IncomingMessage, ServerResponse } from 'node:http';
import { holds } from '../core/index.js';
import type { RouteCheck } from '../core/index.js';
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

/** Gate URLs (and the questions asked through them) remembered; all forgotten when there are more, like auth's caches. */
const URL_CACHE_SIZE = 1024;
const QUESTION_CACHE_SIZE = 4096;

/** Answers a request and returns true, or returns false and leaves it (untouched) to hono (api's FastRoute). */
type FastRoute = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface GateFastPathOptions {
  /**
   * The daemon's one access check (auth's `routeAuthorizer`, the middleware's route table and credential parser),
   * bound to a method and path: the caller, or undefined when the request would be refused, and hono answers the 401
   * or 403.
   */
  readonly authorize: (method: string, path: string) => RouteCheck;
  /**
   * Counts one answer, in seconds: the request metrics' writer bound to (GET, GATE_ROUTE, 200) once
   * (`metrics.requests.bind`), into the same tallies the middleware counts through.
   */
  readonly recordAnswer: (seconds: number) => void;
}

/** What a gate URL the fast path answers asks, worked out on its first request. */
interface GateUrl {
  readonly service: string;
  /** The access check of its path. */
  readonly check: RouteCheck;
  /** Its questions by User-Agent (the audit trail's caller), for callers that may override and for those that may not. */
  readonly byAdmin: Map<string | undefined, GateQuestion>;
  readonly byReader: Map<string | undefined, GateQuestion>;
}

/** A URL the fast path leaves to hono whatever the request (hono would normalize it, or it names no service). */
const NOT_OURS = 'not ours';

/**
 * What a gate request asks, worked out as the fast path (and the front thread's templates, gate-templates.ts) need it:
 * the question, or undefined when hono must answer (another method, a URL hono would normalize, a refused caller, an
 * unknown service, a bad query). Throws nothing; a bad query is undefined too.
 */
export type GateResolver = (method: string | undefined, url: string | undefined, host: string | undefined, authorization: string | undefined, remoteAddress: string | undefined, userAgent: string | undefined) => GateQuestion | undefined;

export function gateResolver(gates: GateService, authorize: GateFastPathOptions['authorize']): GateResolver {
  const urls = new Map<string, GateUrl | typeof NOT_OURS>();
  let questionCount = 0;
  /** The last Host header that passed VERBATIM_HOST: every client of a daemon sends the same one. */
  let verbatimHost: string | undefined;
  const urlOf = (url: string): GateUrl | typeof NOT_OURS => {
    let known = urls.get(url);
    if (known === undefined) {
      known = NOT_OURS;
      if (VERBATIM_TARGET.test(url) && !DOT_SEGMENT.test(url) && !url.includes('#')) {
        const queryAt = url.indexOf('?');
        const path = queryAt < 0 ? url : url.slice(0, queryAt);
        const service = path.slice(GATE_PREFIX.length);
        if (service !== '' && !service.includes('/')) known = { service, check: authorize('GET', path), byAdmin: new Map(), byReader: new Map() };
      }
      if (urls.size >= URL_CACHE_SIZE) urls.clear();
      urls.set(url, known);
    }
    return known;
  };
  // The question a URL asks, by whether the caller may override and who it is: built once, since parsing the query
  // and building the question was a third of the handler's own time. Questions are plain data and read only; a bad
  // query is never remembered (hono answers it).
  const questionOf = (url: string, target: GateUrl, admin: boolean, userAgent: string | undefined): GateQuestion | undefined => {
    const questions = admin ? target.byAdmin : target.byReader;
    let question = questions.get(userAgent);
    if (question === undefined) {
      try {
        question = gateQuestion(target.service, parseGateQuery(url), admin, userAgent);
      } catch {
        return undefined;
      }
      if (questionCount >= QUESTION_CACHE_SIZE) {
        urls.clear();
        questionCount = 0;
      }
      questionCount += 1;
      questions.set(userAgent, question);
    }
    return question;
  };
  return (method, url, host, authorization, remoteAddress, userAgent) => {
    if (method !== 'GET' || url === undefined || !url.startsWith(GATE_PREFIX) || host === undefined) return undefined;
    if (host !== verbatimHost) {
      if (!VERBATIM_HOST.test(host)) return undefined;
      verbatimHost = host;
    }
    const target = urlOf(url);
    if (target === NOT_OURS) return undefined;
    const caller = target.check(authorization, remoteAddress);
    if (caller === undefined || !gates.knows(target.service)) return undefined;
    return questionOf(url, target, holds(caller, 'admin'), userAgent);
  };
}

/**
 * `GET /api/v1/gates/{service}` answered in the HTTP server's request listener, in front of hono.
 *
 * Why it exists: release pipelines poll the gate, and its answer is precomputed (a map lookup and an id spliced into
 * pre-serialized JSON), yet through hono a third of its CPU went to building fetch Request and Response objects and to
 * the three middlewares (request metrics, auth, body limits) each re-reading the request. Here the same steps are
 * done on what Node already parsed: the same access check, the same question (`gateQuestion`), the same decision
 * (`decideBytes`, counted in the audit trail exactly as `decideJson` counts it), the same request metrics, and the
 * body written with one `end`. What a URL asks (its checks, service, route scope and questions) is worked out once
 * per URL, since a pipeline asks the same one over and over: a repeat is a few map lookups (bench/gate/NOTES.md).
 *
 * What it must stay equal to: the hono route in gate-routes.ts behind the daemon's middleware. Its answers are
 * byte-for-byte the route's (status, headers, body; test/gates/gate-fast-path.test.ts asks both). Everything it does
 * not answer plainly (another method, a URL hono would normalize, a refused caller, an unknown service, a bad query,
 * a group that does not exist) goes on to hono untouched, so errors are made in one place. Only used when no spans
 * are exported: a traced gate request goes through hono's tracing middleware.
 */
export function gateFastPath(gates: GateService, options: GateFastPathOptions): FastRoute {
  const { recordAnswer } = options;
  const resolve = gateResolver(gates, options.authorize);
  return (request, response) => {
    const started = performance.now();
    const headers = request.headers;
    const question = resolve(request.method, request.url, headers.host, headers.authorization, request.socket.remoteAddress, headers['user-agent']);
    if (question === undefined) return false;
    let body: Buffer;
    try {
      body = gates.decideBytes(question);
    } catch {
      // A group that does not exist: nothing was recorded (decideBytes judges before it counts); hono says what is wrong.
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
