import { SloeError, groupSelector } from '../core/index.js';
import { burnText, durationText, percent } from './content.js';
import { post } from './http.js';
import type { AlertNotification, DeliveryResult, Notifier } from './types.js';

export interface SlackOptions {
  readonly name: string;
  readonly webhookUrl: string;
  readonly severities?: readonly string[];
  readonly timeoutMs?: number;
}

/** Slack mrkdwn treats &, < and > as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, label: string): string {
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${label}>`;
}

/** What the message is about: the objective, one group of it, or how many of its groups a batch holds. */
function subjectOf(notification: AlertNotification): string {
  if (notification.group !== undefined) return `${notification.slo}${groupSelector(notification.group)}`;
  if (notification.groups !== undefined) return `${notification.slo} (${notification.groups.length} groups)`;
  return notification.slo;
}

/** One readable message per change of state: what, how bad, and where to look next. */
export function slackMessage(notification: AlertNotification): { text: string; blocks: unknown[] } {
  const firing = notification.state === 'firing';
  const headline = `${firing ? 'FIRING' : 'RESOLVED'} ${notification.severity}${notification.kind === 'nodata' ? ' (no data)' : ''}: ${subjectOf(notification)}`;
  const figures = notification.figures;
  const burn = figures.burn;
  const fields = [
    `*Budget remaining*\n${figures.budgetRemaining === null ? 'unknown (no data)' : percent(figures.budgetRemaining)}`,
    `*SLI / objective*\n${figures.sli === null ? 'no data' : percent(figures.sli, 3)} / ${percent(figures.objective, 3)} over ${figures.window}`,
  ];
  if (burn) fields.push(`*Burn rate*\n${burnText(burn.longBurnRate)} over ${burn.longWindow}, ${burnText(burn.shortBurnRate)} over ${burn.shortWindow} (threshold ${burn.threshold}×)`);
  if (figures.timeToExhaustionSeconds !== null) fields.push(`*Budget exhausted in*\n${durationText(figures.timeToExhaustionSeconds)}`);
  const links = [link(notification.links.ui, 'Open in sloe')];
  if (notification.links.dashboard) links.push(link(notification.links.dashboard, 'Dashboard'));
  if (notification.links.runbook) links.push(link(notification.links.runbook, 'Runbook'));
  return {
    text: `${headline}: ${notification.summary}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: escape(notification.description).slice(0, 3000) } },
      { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${links.join('  ·  ')}  ·  service ${escape(notification.service)}` }] },
    ],
  };
}

/** Slack incoming webhooks: 200 `ok`; 429 with Retry-After is retried then; other 4xx (invalid_payload, no_service...) refused. */
export class SlackNotifier implements Notifier {
  readonly kind = 'slack' as const;
  readonly leased = false;
  readonly name: string;
  readonly severities: readonly string[] | undefined;
  private readonly webhookUrl: string;
  private readonly timeoutMs: number;

  constructor(options: SlackOptions) {
    if (!/^https?:\/\//.test(options.webhookUrl)) throw new SloeError('config_invalid', `slack ${options.name}: webhookUrl must be http(s)`);
    this.name = options.name;
    this.webhookUrl = options.webhookUrl;
    this.severities = options.severities;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  send(notification: AlertNotification): Promise<DeliveryResult> {
    return post(this.webhookUrl, JSON.stringify(slackMessage(notification)), { timeoutMs: this.timeoutMs });
  }
}
