import { createHmac, timingSafeEqual } from 'node:crypto';
import { FakeServer } from './fake-server.js';
import type { RecordedRequest, Reply } from './fake-server.js';

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * PagerDuty Events API v2 as documented (developer.pagerduty.com, "Send an Alert Event"): POST /v2/enqueue; 202
 * `{"status":"success","message":"Event processed","dedup_key":...}`; 400 `{"status":"invalid event",...,"errors":[...]}`
 * when the event breaks the schema; 429 when throttled.
 */
export function fakePagerDuty(): FakeServer {
  return new FakeServer((request) => {
    const errors: string[] = [];
    const event = parse(request.body);
    if (request.path !== '/v2/enqueue') return { status: 404, body: 'not found' };
    if (!isObject(event)) errors.push('Event object is invalid');
    else {
      if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32) errors.push("'routing_key' must be a 32-character integration key");
      if (!['trigger', 'acknowledge', 'resolve'].includes(String(event.event_action))) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
      if (event.dedup_key !== undefined && (typeof event.dedup_key !== 'string' || event.dedup_key.length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
      if (event.event_action !== 'trigger' && typeof event.dedup_key !== 'string') errors.push("'dedup_key' is required for acknowledge and resolve");
      if (event.event_action === 'trigger') {
        const payload = event.payload;
        if (!isObject(payload)) errors.push("'payload' is missing");
        else {
          if (typeof payload.summary !== 'string' || payload.summary.length === 0 || payload.summary.length > 1024) errors.push("'payload.summary' must be 1 to 1024 characters");
          if (typeof payload.source !== 'string' || payload.source.length === 0) errors.push("'payload.source' is missing");
          if (!['critical', 'error', 'warning', 'info'].includes(String(payload.severity))) errors.push("'payload.severity' must be one of critical, error, warning, info");
          if (payload.timestamp !== undefined && (typeof payload.timestamp !== 'string' || Number.isNaN(Date.parse(payload.timestamp)))) errors.push("'payload.timestamp' must be ISO 8601");
        }
        if (event.links !== undefined && (!Array.isArray(event.links) || !event.links.every((link) => isObject(link) && typeof link.href === 'string'))) errors.push("'links' must be a list of {href, text}");
      }
    }
    if (errors.length > 0) return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }) };
    const dedupKey = isObject(event) && typeof event.dedup_key === 'string' ? event.dedup_key : 'generated';
    return { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey }) };
  });
}

export const PAGERDUTY_THROTTLED: Reply = { status: 429, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' }) };

/**
 * Slack incoming webhooks as documented (api.slack.com/messaging/webhooks, "Handling errors"): 200 `ok`; 400
 * `invalid_payload` or `no_text`; 404 `no_service`; 429 with `Retry-After` when rate limited.
 */
export function fakeSlack(): FakeServer {
  return new FakeServer((request) => {
    if (!request.path.startsWith('/services/')) return { status: 404, body: 'no_service' };
    const message = parse(request.body);
    if (!isObject(message)) return { status: 400, body: 'invalid_payload' };
    if (typeof message.text !== 'string' && !Array.isArray(message.blocks)) return { status: 400, body: 'no_text' };
    if (Array.isArray(message.blocks)) {
      for (const block of message.blocks) {
        if (!isObject(block) || typeof block.type !== 'string') return { status: 400, body: 'invalid_blocks' };
        if (block.type === 'header' && (!isObject(block.text) || block.text.type !== 'plain_text' || String(block.text.text).length > 150)) return { status: 400, body: 'invalid_blocks' };
        if (block.type === 'section' && Array.isArray(block.fields) && block.fields.length > 10) return { status: 400, body: 'invalid_blocks' };
      }
    }
    return { status: 200, body: 'ok' };
  });
}

export const SLACK_RATE_LIMITED: Reply = { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' };

export function verifySignature(request: RecordedRequest, secret: string): boolean {
  const header = request.headers['x-sloe-signature'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A receiver of sloe's generic webhook that checks the signature the way its README tells receivers to. */
export function fakeWebhook(secret?: string): FakeServer {
  return new FakeServer((request) => {
    if (secret !== undefined && !verifySignature(request, secret)) return { status: 401, body: 'bad signature' };
    return parse(request.body) === undefined ? { status: 400, body: 'not json' } : { status: 204 };
  });
}

/** Alertmanager's `POST /api/v2/alerts` checks (postableAlerts in its OpenAPI spec), for reply-handling cases; the real one is tested too. */
export function fakeAlertmanager(): FakeServer {
  return new FakeServer((request) => {
    if (request.path !== '/api/v2/alerts') return { status: 404, body: 'not found' };
    const alerts = parse(request.body);
    const valid =
      Array.isArray(alerts) &&
      alerts.every(
        (alert) =>
          isObject(alert) &&
          isObject(alert.labels) &&
          Object.keys(alert.labels).length > 0 &&
          Object.values(alert.labels).every((value) => typeof value === 'string') &&
          !Number.isNaN(Date.parse(String(alert.startsAt))) &&
          !Number.isNaN(Date.parse(String(alert.endsAt))) &&
          typeof alert.generatorURL === 'string',
      );
    return valid ? { status: 200, body: '' } : { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 400, message: 'invalid alerts' }) };
  });
}
