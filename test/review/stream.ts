import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { DAY, MINUTE } from '../../src/core/index.js';
import type { Evaluation } from '../../src/core/index.js';
import { createEngineComponent } from '../../src/engine/index.js';
import type { EngineComponent } from '../../src/engine/index.js';
import { createNotifications } from '../../src/notify/index.js';
import { createReviews } from '../../src/review/index.js';
import type { ReviewComponent } from '../../src/review/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { SloeStore, SqliteStore } from '../../src/store/index.js';
import { TrafficGenerator, makeSlo, specsOf } from '../engine/fixtures.js';
import { FakeTimers, settle } from '../notify/fake-timers.js';
import { RecordingNotifier } from '../notify/fixtures.js';

/** The known stream of the review tests: 1000 requests a minute on a 99.9 %/30 d SLO, error-free but for the burns. */
export const REQUESTS_PER_MINUTE = 1000;
export const OBJECTIVE = 0.999;
export const PERIOD_MINUTES = 30 * 24 * 60;
/** 30× burn: 3 % errors against a 0.1 % allowance. */
export const BURN = 30;
export const SLO_NAME = 'api-availability';

const quiet = { debug: () => undefined, error: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * The engine and the real notifications component over one store, fed a minute of traffic at a time and evaluated
 * every minute; what they produce goes to `listeners` (the review component under test) after notify, as in the daemon.
 */
export class Stream {
  readonly traffic = new TrafficGenerator();
  readonly pager = new RecordingNotifier('pager', 'pagerduty');
  readonly engine: EngineComponent;
  readonly timers: FakeTimers;
  now: number;
  private readonly notify;

  constructor(
    readonly store: SloeStore,
    start: number,
    listeners: { afterEvaluation?: (evaluation: Evaluation) => void }[],
  ) {
    this.now = start;
    const specs = specsOf(makeSlo({ name: SLO_NAME, target: OBJECTIVE }));
    this.timers = new FakeTimers(start);
    this.engine = createEngineComponent({ specs, store, clock: () => this.now, evaluationIntervalMs: MINUTE, logger: quiet });
    this.notify = createNotifications({ notifiers: [this.pager], store: store.documents, journal: store.journal, registry: new Registry(), specs, publicUrl: 'http://sloe.test', resendIntervalMs: MINUTE, timers: this.timers });
    this.engine.emitTo([this.notify, ...listeners]);
  }

  async start(): Promise<void> {
    await this.notify.start?.();
  }

  /** Three days of clean traffic before `until`, without evaluating: the windows of every tier have history. */
  warmUp(days = 3): void {
    for (let t = this.now - days * DAY; t < this.now; t += MINUTE) this.engine.ports.appender.append(this.traffic.minute(t, REQUESTS_PER_MINUTE, 0), 'remote_write');
  }

  /** `minutes` of traffic at `burn` × the allowed error rate, evaluating after each minute. */
  async run(minutes: number, burn: number): Promise<void> {
    for (let i = 0; i < minutes; i++) {
      this.engine.ports.appender.append(this.traffic.minute(this.now, REQUESTS_PER_MINUTE, burn * (1 - OBJECTIVE)), 'remote_write');
      this.now += MINUTE;
      await this.engine.evaluate(this.now);
      await this.timers.advance(MINUTE);
    }
    await settle();
  }

  async stop(): Promise<void> {
    await this.notify.stop?.(0);
  }
}

/**
 * The review component as the daemon composes it, over the store and a stream's engine. The stream is built after it
 * (it hands evaluations to the component), so the engine and the clock are reached through `stream()` on each read.
 */
export function streamReviews(store: SloeStore, stream: () => Stream, postmortemThreshold = 0.2): ReviewComponent {
  return createReviews({
    incidents: store.incidents,
    journal: store.journal,
    documents: store.documents,
    transaction: (work) => store.transaction(work),
    registry: new Registry(),
    clock: () => stream().now,
    postmortemThreshold,
    postmortemReceivers: {},
    engine: {
      statuses: { latest: () => stream().engine.ports.statuses.latest(), get: (name) => stream().engine.ports.statuses.get(name) },
      history: { history: (name, from, to, step) => stream().engine.ports.history.history(name, from, to, step) },
      events: { events: (name, ranges) => stream().engine.ports.events.events(name, ranges) },
    },
    logger: quiet,
  });
}

/** A SQLite store in a fresh folder, the review component over it and the stream feeding both, started and warmed up. */
export interface ReviewRig {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly reviews: ReviewComponent;
  readonly stream: Stream;
}

export async function startReviewRig(prefix: string, start: number): Promise<ReviewRig> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = openSqliteStore(join(dir, 'sloe.db'));
  // The engine is built by the stream, after the review component that reads it: reads go through `stream`.
  const reviews = streamReviews(store, () => stream);
  const stream = new Stream(store, start, [reviews]);
  await stream.start();
  stream.warmUp();
  return { dir, store, reviews, stream };
}
