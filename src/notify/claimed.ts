import type { AlertNotification, DeliveryResult, Notifier } from './types.js';

/** The replicas' shared claims (store/'s DeliveryClaims), as notify sees them. */
export interface ChangeClaims {
  claim(receiver: string, incident: string, state: string, now: number): boolean;
}

/**
 * A receiver that does not merge duplicates (Slack, generic webhooks) behind the replicas' claims: a change of state
 * another replica has claimed is not sent again. It counts as settled (208 Already Reported) so the outbox lets it
 * go; `onSkipped` counts and logs it.
 */
export class ClaimedNotifier implements Notifier {
  readonly name: string;
  readonly kind: Notifier['kind'];
  readonly severities: readonly string[] | undefined;
  readonly leased: boolean;

  constructor(
    private readonly inner: Notifier,
    private readonly claims: ChangeClaims,
    private readonly onSkipped: (notification: AlertNotification) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.name = inner.name;
    this.kind = inner.kind;
    this.severities = inner.severities;
    this.leased = inner.leased;
  }

  send(notification: AlertNotification): Promise<DeliveryResult> {
    if (!this.claims.claim(this.name, notification.incident, notification.state, this.now())) {
      this.onSkipped(notification);
      return Promise.resolve({ outcome: 'delivered', status: 208 });
    }
    return this.inner.send(notification);
  }
}

/** Whether a receiver needs the claims: Slack and webhooks do; Alertmanager groups alerts and PagerDuty has dedup_key. */
export function needsClaims(notifier: Notifier): boolean {
  return notifier.kind === 'slack' || notifier.kind === 'webhook';
}
