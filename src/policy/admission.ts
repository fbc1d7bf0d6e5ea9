import { Hono } from 'hono';
import type { Context } from 'hono';
import type { GateAction, GateVerdict, SloeError } from '../core/index.js';
import { badRequest, callerOrOpen, holds } from '../core/index.js';
import type { GateService } from './gate-service.js';
import { parseAction, parseEnvironment, readJsonObject } from './release.js';

/** Label (or annotation) naming the service an object belongs to; then `app.kubernetes.io/name`, then its name. */
export const SERVICE_LABEL = 'sloe.dev/service';
/** Label (or annotation) naming the environment, used when the webhook's path and query do not. */
export const ENVIRONMENT_LABEL = 'sloe.dev/environment';

const API_VERSION = 'admission.k8s.io/v1';
/** Kubernetes shows each warning to the user; it truncates long ones, so we keep them short ourselves. */
const MAX_WARNING = 256;

interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

interface ReviewRequest {
  readonly uid: string;
  readonly operation: string;
  readonly kind: string;
  readonly subResource?: string;
  readonly namespace?: string;
  readonly username?: string;
  readonly object?: Record<string, unknown>;
  readonly oldObject?: Record<string, unknown>;
  readonly dryRun: boolean;
}

function malformed(message: string): SloeError {
  return badRequest(`AdmissionReview: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function meta(object: Record<string, unknown> | undefined): ObjectMeta {
  const metadata = isObject(object?.metadata) ? object.metadata : {};
  return {
    ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
    ...(typeof metadata.generateName === 'string' ? { generateName: metadata.generateName } : {}),
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
  };
}

/** Checks the review's shape (AdmissionReview v1) and takes what the gate needs. */
export function parseReview(body: Record<string, unknown>): ReviewRequest {
  if (body.apiVersion !== API_VERSION) throw malformed(`apiVersion: expected ${API_VERSION}, got ${JSON.stringify(body.apiVersion)}`);
  if (body.kind !== 'AdmissionReview') throw malformed(`kind: expected AdmissionReview, got ${JSON.stringify(body.kind)}`);
  const request = body.request;
  if (!isObject(request)) throw malformed('request: expected an object');
  if (typeof request.uid !== 'string' || request.uid.length === 0) throw malformed('request.uid: expected a string');
  if (typeof request.operation !== 'string') throw malformed('request.operation: expected CREATE, UPDATE, DELETE or CONNECT');
  const kind = isObject(request.kind) && typeof request.kind.kind === 'string' ? request.kind.kind : undefined;
  if (kind === undefined) throw malformed('request.kind.kind: expected a string');
  const object = isObject(request.object) ? request.object : undefined;
  if ((request.operation === 'CREATE' || request.operation === 'UPDATE') && !object) throw malformed(`request.object: expected the object being ${request.operation === 'CREATE' ? 'created' : 'updated'}`);
  const userInfo = isObject(request.userInfo) ? request.userInfo : {};
  return {
    uid: request.uid,
    operation: request.operation,
    kind,
    ...(typeof request.subResource === 'string' ? { subResource: request.subResource } : {}),
    ...(typeof request.namespace === 'string' ? { namespace: request.namespace } : {}),
    ...(typeof userInfo.username === 'string' ? { username: userInfo.username } : {}),
    ...(object ? { object } : {}),
    ...(isObject(request.oldObject) ? { oldObject: request.oldObject } : {}),
    dryRun: request.dryRun === true,
  };
}

function spec(object: Record<string, unknown> | undefined): Record<string, unknown> {
  return isObject(object?.spec) ? object.spec : {};
}

/**
 * What the change does: a scale (the `scale` subresource, or an update that leaves the pod template alone and
 * changes replicas) is provisioning; a ConfigMap or Secret, or an update that touches neither, is a config
 * change; anything else (a create, a new pod template) is a deploy.
 */
export function reviewAction(review: ReviewRequest): GateAction {
  if (review.subResource === 'scale') return 'provision';
  if (review.kind === 'ConfigMap' || review.kind === 'Secret') return 'config';
  if (review.operation !== 'UPDATE' || !review.oldObject) return 'deploy';
  const now = spec(review.object);
  const before = spec(review.oldObject);
  if (JSON.stringify(now.template) !== JSON.stringify(before.template)) return 'deploy';
  return now.replicas !== before.replicas ? 'provision' : 'config';
}

export function reviewService(metadata: ObjectMeta): string | undefined {
  return metadata.labels[SERVICE_LABEL] ?? metadata.annotations[SERVICE_LABEL] ?? metadata.labels['app.kubernetes.io/name'] ?? metadata.name ?? metadata.generateName?.replace(/-$/, '');
}

function answer(c: Context, uid: string, response: { allowed: boolean; message?: string; warnings?: readonly string[] }): Response {
  return c.json({
    apiVersion: API_VERSION,
    kind: 'AdmissionReview',
    response: {
      uid,
      allowed: response.allowed,
      ...(response.message === undefined ? {} : { status: response.allowed ? { message: response.message } : { code: 403, reason: 'Forbidden', message: response.message } }),
      ...(response.warnings && response.warnings.length > 0 ? { warnings: response.warnings.map((warning) => (warning.length > MAX_WARNING ? `${warning.slice(0, MAX_WARNING - 1)}…` : warning)) } : {}),
    },
  });
}

/**
 * `POST /api/v1/admission` (and `/api/v1/admission/{env}`): a Kubernetes validating admission webhook. The
 * environment is the path's `{env}`, else `?env=`, else the object's `sloe.dev/environment` label or annotation,
 * else the default environment. (An AdmissionReview does not carry the namespace's labels, and Kubernetes forbids
 * a query string in a webhook's `clientConfig.url`, hence the path form.) Deletes and connects are not changes a
 * budget holds back: they are allowed without a decision.
 */
export function admissionRoutes(gates: GateService): Hono {
  const app = new Hono();
  const handler = async (c: Context): Promise<Response> => {
    const review = parseReview(await readJsonObject(c.req.raw, 'AdmissionReview'));
    if (review.operation !== 'CREATE' && review.operation !== 'UPDATE') return answer(c, review.uid, { allowed: true });
    const metadata = meta(review.object);
    const service = reviewService(metadata);
    if (service === undefined) throw malformed('request.object.metadata: no sloe.dev/service or app.kubernetes.io/name label and no name');
    const environment =
      parseEnvironment(c.req.param('env'), 'path environment') ??
      parseEnvironment(c.req.query('env'), 'env') ??
      parseEnvironment(metadata.labels[ENVIRONMENT_LABEL] ?? metadata.annotations[ENVIRONMENT_LABEL], ENVIRONMENT_LABEL);
    const action = parseAction(c.req.query('action'), 'action') ?? reviewAction(review);
    // Labels, and the sloe.dev/ annotations (other annotations can be huge, e.g. last-applied-configuration).
    const sloeAnnotations = Object.fromEntries(Object.entries(metadata.annotations).filter(([key]) => key.startsWith('sloe.dev/')));
    const question = {
      service,
      ...(environment === undefined ? {} : { environment }),
      action,
      labels: { ...sloeAnnotations, ...metadata.labels },
      admin: holds(callerOrOpen(c.get('caller')), 'admin'),
      release: { uid: review.uid, operation: review.operation, kind: review.kind, namespace: review.namespace, name: metadata.name, labels: metadata.labels },
      ...(review.username === undefined ? {} : { requester: review.username }),
      via: 'admission',
    };
    // A dry run changes nothing, so it is answered without a record (the webhook declares sideEffects: NoneOnDryRun).
    const dryRun = (): { override: string | undefined; id: string } & Omit<GateVerdict, 'override'> => {
      const verdict = gates.evaluate(question);
      return { ...verdict, id: 'dry-run', override: verdict.override && `${verdict.override.label}=${verdict.override.value}` };
    };
    const decision = review.dryRun ? dryRun() : gates.decide(question);
    const summary = `sloe: ${decision.action} of ${service} to ${decision.environment}: ${decision.decision} by policy ${decision.policy} (decision ${decision.id})`;
    if (!decision.allowed) return answer(c, review.uid, { allowed: false, message: `${summary}: ${decision.reasons.join('; ')}` });
    const warn = decision.decision === 'warn' || decision.override !== undefined;
    return answer(c, review.uid, { allowed: true, ...(warn ? { message: summary, warnings: decision.reasons } : {}) });
  };
  app.post('/api/v1/admission', handler);
  app.post('/api/v1/admission/:env', handler);
  return app;
}
