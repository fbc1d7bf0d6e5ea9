import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { SloeError } from '../../core/index.js';

export interface DeliveryClaimsOptions {
  /** This replica's name, stable across its restarts (its own retries are its to make). */
  readonly replica: string;
  /** How long a change of state claimed by one replica keeps the others from sending the same change. */
  readonly windowMs: number;
}

/**
 * Replicas fed the same stream notice the same changes of state, seconds apart. Slack and generic webhooks have no
 * idempotency key to merge them, so each change is claimed in a small SQLite file every replica opens: the first to
 * claim (receiver, incident, state) sends it; the others, finding that claim made by another replica within the
 * window, do not. One row per receiver and incident, holding the last state claimed, so a firing after a resolve is
 * a new change and is sent again. SQLite's file locks make the check-and-claim atomic across processes (the file must
 * live where those locks work: one host, or a volume with POSIX locks; not NFS).
 */
export class DeliveryClaims {
  private readonly db: Connection;
  private readonly claimStatement: (receiver: string, incident: string, state: string, now: number) => boolean;

  constructor(
    readonly file: string,
    private readonly options: DeliveryClaimsOptions,
  ) {
    if (!(options.windowMs > 0)) throw new SloeError('config_invalid', `replicas.claimWindow must be positive, not ${options.windowMs} ms`);
    try {
      this.db = new Database(file);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.exec(
        'CREATE TABLE IF NOT EXISTS delivery_claims (receiver TEXT NOT NULL, incident TEXT NOT NULL, state TEXT NOT NULL, replica TEXT NOT NULL, claimed_at INTEGER NOT NULL, PRIMARY KEY (receiver, incident))',
      );
    } catch (error) {
      throw new SloeError('claims_open_failed', `cannot open the replicas' claim file ${file}: ${(error as Error).message}`, { cause: error });
    }
    const read = this.db.prepare<[string, string], { state: string; replica: string; claimed_at: number }>('SELECT state, replica, claimed_at FROM delivery_claims WHERE receiver = ? AND incident = ?');
    const write = this.db.prepare('INSERT INTO delivery_claims (receiver, incident, state, replica, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (receiver, incident) DO UPDATE SET state = excluded.state, replica = excluded.replica, claimed_at = excluded.claimed_at');
    const claim = this.db.transaction((receiver: string, incident: string, state: string, now: number): boolean => {
      const last = read.get(receiver, incident);
      if (last !== undefined && last.state === state && last.replica !== this.options.replica && now - last.claimed_at < this.options.windowMs) return false;
      // Ours already (a retry, a restart re-sending its outbox) keeps its first claim time; anything else is claimed now.
      if (last !== undefined && last.state === state && last.replica === this.options.replica && now - last.claimed_at < this.options.windowMs) return true;
      write.run(receiver, incident, state, this.options.replica, now);
      return true;
    });
    // BEGIN IMMEDIATE: the write lock is taken before the read, so two replicas cannot both see "unclaimed".
    this.claimStatement = (receiver, incident, state, now) => claim.immediate(receiver, incident, state, now);
  }

  /** True when this replica should send this change of state; false when another replica has claimed it. */
  claim(receiver: string, incident: string, state: string, now: number): boolean {
    return this.claimStatement(receiver, incident, state, now);
  }

  close(): void {
    this.db.close();
  }
}
