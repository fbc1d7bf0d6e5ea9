import type { Decision, GateVerdict, SloVerdict } from '../core/index.js';

/** A decision: CONTRACT.md's gate answer, with each SLO's figures (the decision's inputs). */
export interface GateAnswer extends Decision {
  readonly figures: readonly SloVerdict[];
  /** With an override: the reasons the change would have been denied for. */
  readonly overridden?: readonly string[];
  readonly requester?: string;
  /** Where the question came from: `gate`, `flagger`, `admission`. */
  readonly via: string;
}

/** What a decision adds to its verdict: when, how it was asked, and what was asked about. */
export interface DecisionExtra {
  readonly release?: Readonly<Record<string, unknown>>;
  readonly requester?: string;
  readonly decidedAt: string;
  readonly via: string;
}

/** A verdict's answer fields, with the figures it rests on: what the journal keeps once per evaluation and question. */
export type VerdictData = ReturnType<typeof verdictFields> & { readonly figures: readonly SloVerdict[] };

function verdictFields(verdict: GateVerdict) {
  return {
    service: verdict.service,
    environment: verdict.environment,
    action: verdict.action,
    decision: verdict.decision,
    allowed: verdict.allowed,
    reasons: verdict.reasons,
    slos: verdict.slos.map((slo) => slo.name),
    policy: verdict.policy,
    ...(verdict.override ? { override: `${verdict.override.label}=${verdict.override.value}`, overridden: verdict.override.overridden } : {}),
    evaluatedAt: verdict.evaluatedAt,
  };
}

export function verdictData(verdict: GateVerdict): VerdictData {
  return { ...verdictFields(verdict), figures: verdict.slos };
}

/** The verdict's fields as JSON object members (no braces), serialized once for every answer that shares the verdict. */
export function verdictMembers(data: VerdictData): string {
  return JSON.stringify(data).slice(1, -1);
}

/**
 * The answer body: the decision's own members spliced before the verdict's pre-serialized ones, so a gate under load
 * builds no JSON beyond its id and time (and release metadata, when it sent some). Same members as `answerOf`.
 */
export function renderAnswer(id: string, decidedAt: string, via: string, extra: { release?: unknown; requester?: string }, members: string): string {
  const more = extra.release === undefined && extra.requester === undefined ? '' : `${JSON.stringify(extra).slice(1, -1)},`;
  return `{"id":"${id}",${more}"decidedAt":"${decidedAt}","via":"${via}",${members}}`;
}

/**
 * What follows an answer's id and time when it carries no release metadata: its `via` and the verdict's members, as
 * bytes, made once per verdict (`renderAnswerBytes`).
 */
export function answerTail(via: string, members: string): Buffer {
  return Buffer.from(`","via":"${via}",${members}}`, 'utf8');
}

/** What comes before an answer's id and between it and the time (the front thread splices both into templates). */
export const ANSWER_HEAD = { before: '{"id":"', between: '","decidedAt":"' } as const;

/**
 * `renderAnswer` of a question without release metadata, as the bytes a response sends: the id and time (ASCII:
 * base 36 and RFC 3339) written before the verdict's tail, which is copied, not encoded again. The gate's fast path
 * sends this with one `end`, and Node then neither measures nor encodes a string per answer.
 */
export function renderAnswerBytes(id: string, decidedAt: string, tail: Buffer): Buffer {
  const head = `${ANSWER_HEAD.before}${id}${ANSWER_HEAD.between}${decidedAt}`;
  const bytes = Buffer.allocUnsafe(head.length + tail.length);
  bytes.write(head, 0, 'latin1');
  tail.copy(bytes, head.length);
  return bytes;
}

export function answerOf(id: string, extra: DecisionExtra, data: VerdictData): GateAnswer {
  return { id, ...data, ...extra };
}
