import { randomUUID } from 'node:crypto';
import { signBody, verifySignature } from '../delivery/index.js';

/** A CloudEvents 1.0 event in structured JSON mode (the whole event is the HTTP body). */
export interface CloudEvent<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
}

export const FREEZE_EVENT_TYPE = 'dev.sloe.freeze';
export const THAW_EVENT_TYPE = 'dev.sloe.thaw';
/** The structured-mode media type of CloudEvents' JSON format. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
/** `sha256=<hex HMAC-SHA256 of the raw body with the webhook's secret>`, as GitHub's `X-Hub-Signature-256`. */
export const SIGNATURE_HEADER = 'x-sloe-signature-256';

export function cloudEvent<T>(fields: { type: string; source: string; subject: string; time: number; data: T; id?: string }): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: fields.id ?? randomUUID(),
    source: fields.source,
    type: fields.type,
    time: new Date(fields.time).toISOString(),
    subject: fields.subject,
    datacontenttype: 'application/json',
    data: fields.data,
  };
}

/** The one signing rule (delivery/'s), which the notify webhook uses too; re-exported where CloudEvents users look. */
export { signBody, verifySignature };
