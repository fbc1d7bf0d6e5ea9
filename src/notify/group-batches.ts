import { batchKey, batchNotification } from './batch.js';
import type { IncidentRecord, IncidentTracker } from './incident-tracker.js';
import type { Outbox } from './outbox.js';
import type { AlertNotification, Notifier } from './types.js';

/** A group incident that began firing in this evaluation, not yet opened nor sent. */
type Opening = Omit<IncidentRecord, 'batchedTo'>;

interface Closing {
  readonly record: IncidentRecord;
  readonly notification: AlertNotification;
}

function keyOf(notification: AlertNotification): string {
  return batchKey(notification.slo, notification.severity, notification.kind);
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/**
 * Group incidents change within one evaluation and are delivered together at its end, so a flood of groups is one
 * message per receiver, not one per group. Receivers that hold alerts by lease (Alertmanager) get every group's alert
 * on its own: they group alerts themselves (by `alertname`, `slo_name`, `severity`; the group labels keep the alerts
 * apart). The others (PagerDuty, Slack, webhooks) get one batch (`<objective>/<severity>/groups`) when two or more
 * groups of an objective begin firing at one severity together; a group firing while its objective's batch is open
 * on a receiver joins it quietly (PagerDuty would merge it into the open incident anyway), and the batch's resolve is
 * sent when the last group in it resolves. A lone group is sent on its own, naming its group.
 */
export class GroupBatches {
  private openings: Opening[] = [];
  private closings: Closing[] = [];

  constructor(
    private readonly incidents: IncidentTracker,
    private readonly outbox: Outbox,
    private readonly notifiers: ReadonlyMap<string, Notifier>,
    private readonly now: () => number,
  ) {}

  /** A group incident begins firing; sent at `deliver`. */
  fired(record: Opening): void {
    this.openings.push(record);
  }

  /** A group incident resolves; its record closes now, its resolve goes out at `deliver`. */
  resolved(record: IncidentRecord, notification: AlertNotification): void {
    this.incidents.closed(record.incident);
    this.closings.push({ record, notification });
  }

  /** Sends what this evaluation changed: openings first, so a group resolving beside a new one sees the batch as it ends. */
  deliver(at: number): void {
    const openings = this.openings;
    const closings = this.closings;
    this.openings = [];
    this.closings = [];
    for (const members of byKey(openings, (record) => keyOf(record.notification)).values()) this.open(members, at);
    for (const [key, members] of byKey(closings, (closing) => keyOf(closing.notification))) this.close(key, members, at);
  }

  private open(members: readonly Opening[], at: number): void {
    const key = keyOf(members[0]!.notification);
    const batchedTo = new Map<string, string[]>(members.map((member) => [member.incident, []]));
    /** Receivers by the members they get as one batch, so receivers with the same members share one dispatch. */
    const batches = new Map<string, { members: Opening[]; receivers: string[] }>();
    for (const name of new Set(members.flatMap((member) => member.receivers))) {
      const routed = members.filter((member) => member.receivers.includes(name));
      if (this.notifiers.get(name)?.leased !== false) continue;
      const joining = this.batchOpen(key, name);
      if (!joining && routed.length < 2) continue;
      for (const member of routed) batchedTo.get(member.incident)!.push(name);
      if (joining) continue;
      const signature = routed.map((member) => member.incident).join('\n');
      const batch = batches.get(signature) ?? { members: routed, receivers: [] };
      batch.receivers.push(name);
      batches.set(signature, batch);
    }
    for (const member of members) {
      const batched = batchedTo.get(member.incident)!;
      this.incidents.opened({ ...member, ...(batched.length > 0 ? { batchedTo: batched } : {}) }, this.now());
      const alone = member.receivers.filter((name) => !batched.includes(name));
      // Journalled even without receivers of its own (as an ungrouped incident routed nowhere is): what was decided.
      if (alone.length > 0 || batched.length === 0) this.outbox.dispatch(member.notification, alone, at);
    }
    for (const batch of batches.values()) {
      this.outbox.dispatch(
        batchNotification(
          batch.members.map((member) => member.notification),
          'firing',
          at,
        ),
        batch.receivers,
        at,
      );
    }
  }

  private close(key: string, members: readonly Closing[], at: number): void {
    const batchReceivers = new Map<string, Closing[]>();
    for (const closing of members) {
      const { record, notification } = closing;
      const batched = record.batchedTo ?? [];
      const alone = record.receivers.filter((name) => !batched.includes(name) && this.outbox.has(name));
      if (alone.length > 0 || batched.length === 0) this.outbox.dispatch(notification, alone, at);
      for (const name of batched) batchReceivers.set(name, [...(batchReceivers.get(name) ?? []), closing]);
    }
    for (const [name, closed] of batchReceivers) {
      // The batch ends on a receiver when no group in it is still open there.
      if (this.batchOpen(key, name) || !this.outbox.has(name)) continue;
      this.outbox.dispatch(
        batchNotification(
          closed.map((closing) => closing.notification),
          'resolved',
          at,
        ),
        [name],
        at,
      );
    }
  }

  /** Whether some open group incident of this batch was delivered to `receiver` as part of it. */
  private batchOpen(key: string, receiver: string): boolean {
    return this.incidents.open().some((record) => record.batchedTo?.includes(receiver) === true && keyOf(record.notification) === key);
  }
}
