import type { AnsweredRun, AnswerTemplate, FrontGateSource, GateAsk, TemplateChanges, TemplateUpdate } from '../core/index.js';
import { ANSWER_HEAD } from './answer.js';
import type { GateResolver } from './gate-fast-path.js';
import type { GateService } from './gate-service.js';
import type { GateQuestion, Judged } from './verdicts.js';

/** Templates kept at most; past it all are dropped and the front thread asks again (a bound on what callers can make it hold). */
const MAX_TEMPLATES = 4096;
/** How long a replaced or dropped template's verdict is kept for answers the front thread has not reported yet. */
const RETIRED_MS = 60_000;

/** A template as the daemon keeps it: the question it answers and its current verdict. */
interface Kept {
  readonly id: number;
  readonly key: string;
  readonly question: GateQuestion;
  version: number;
  judged: Judged;
}

/** A version's verdict, by `${template}:${version}`, for counting answers given from it. */
interface Given {
  readonly question: GateQuestion;
  readonly judged: Judged;
  retiredAt: number;
}

/**
 * The gate answers the front thread gives by itself (api's front-thread.ts): for each request shape it asks about
 * (URL, host, credentials, User-Agent, peer), the same question the fast path would ask (`GateResolver`), checked
 * the same way, and an answer template made from the verdict the question gets now. When verdicts change (after an
 * evaluation, a freeze, a reload) every template is judged again and those whose answer changed get a new version;
 * a template whose question no longer holds (service gone, group gone) is dropped. Answers the front thread reports
 * are counted in the audit trail and the decision metrics as if `decideBytes` had given them.
 *
 * Requests the fast path leaves to hono, and questions with release metadata or a requester (each answer differs),
 * get no template: the front thread passes them on to the daemon.
 */
export class GateTemplates implements FrontGateSource {
  private readonly byKey = new Map<string, Kept>();
  private readonly byId = new Map<number, Kept>();
  private readonly given = new Map<string, Given>();
  private readonly listeners: ((changes: TemplateChanges) => void)[] = [];
  private nextId = 0;

  constructor(
    private readonly gates: GateService,
    private readonly resolve: GateResolver,
    private readonly now: () => number = Date.now,
  ) {
    gates.onVerdictsChange(() => this.refresh());
  }

  get idPrefix(): string {
    return this.gates.frontIdPrefix;
  }

  onChange(listener: (changes: TemplateChanges) => void): void {
    this.listeners.push(listener);
  }

  reportsOnDemand(report: () => Promise<void>): void {
    this.gates.addAnswerSource(report);
  }

  ask(request: GateAsk): AnswerTemplate | undefined {
    const question = this.resolve('GET', request.url, request.host, request.authorization, request.remoteAddress, request.userAgent);
    if (question === undefined || question.release !== undefined || question.requester !== undefined) return undefined;
    let judged: Judged;
    try {
      judged = this.gates.judge(question);
    } catch {
      return undefined;
    }
    const key = request.key;
    let kept = this.byKey.get(key);
    if (kept === undefined) {
      if (this.byId.size >= MAX_TEMPLATES) this.dropAll();
      kept = { id: ++this.nextId, key, question, version: 0, judged };
      this.byKey.set(key, kept);
      this.byId.set(kept.id, kept);
      this.newVersion(kept, judged);
    } else if (judged.json !== kept.judged.json) this.newVersion(kept, judged);
    return { id: kept.id, version: kept.version, ...ANSWER_HEAD, after: this.gates.answerTail(kept.question, kept.judged), contentType: 'application/json', validUntil: kept.judged.validUntil };
  }

  answered(runs: readonly AnsweredRun[]): void {
    for (const run of runs) {
      const given = this.given.get(`${run.template}:${run.version}`);
      // Unknown only if the daemon dropped a version more than RETIRED_MS before the front thread reported it.
      if (given !== undefined) this.gates.recordAnswers(given.question, given.judged, run);
    }
  }

  /** Judges every template again: new versions for changed answers, dropped templates for questions that no longer hold. */
  refresh(): void {
    const now = this.now();
    const updates: TemplateUpdate[] = [];
    const dropped: number[] = [];
    for (const kept of this.byId.values()) {
      let judged: Judged | undefined;
      if (this.gates.knows(kept.question.service)) {
        try {
          judged = this.gates.judge(kept.question);
        } catch {
          judged = undefined;
        }
      }
      if (judged === undefined) {
        dropped.push(kept.id);
        this.drop(kept, now);
      } else if (judged.json !== kept.judged.json || judged.validUntil !== kept.judged.validUntil) {
        this.newVersion(kept, judged, now);
        updates.push({ id: kept.id, version: kept.version, after: this.gates.answerTail(kept.question, judged), validUntil: judged.validUntil });
      }
    }
    for (const [key, given] of this.given) if (given.retiredAt !== 0 && now - given.retiredAt > RETIRED_MS) this.given.delete(key);
    if (updates.length > 0 || dropped.length > 0) for (const listener of this.listeners) listener({ updates, dropped });
  }

  private newVersion(kept: Kept, judged: Judged, now = this.now()): void {
    const previous = this.given.get(`${kept.id}:${kept.version}`);
    if (previous !== undefined) previous.retiredAt = now;
    kept.version += 1;
    kept.judged = judged;
    this.given.set(`${kept.id}:${kept.version}`, { question: kept.question, judged, retiredAt: 0 });
  }

  private drop(kept: Kept, now: number): void {
    const current = this.given.get(`${kept.id}:${kept.version}`);
    if (current !== undefined) current.retiredAt = now;
    this.byKey.delete(kept.key);
    this.byId.delete(kept.id);
  }

  private dropAll(): void {
    const now = this.now();
    const dropped = [...this.byId.values()].map((kept) => {
      this.drop(kept, now);
      return kept.id;
    });
    for (const listener of this.listeners) listener({ updates: [], dropped });
  }
}
