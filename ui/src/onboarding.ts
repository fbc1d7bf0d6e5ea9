import { h } from './dom.js';

/** A code block with a button that copies it; the button says so when it did. */
export function snippet(label: string, code: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': `copy the ${label}` }, 'copy');
  button.addEventListener('click', () => {
    void navigator.clipboard?.writeText(code).then(
      () => (button.textContent = 'copied'),
      () => (button.textContent = 'select and copy'),
    );
  });
  return h('div', { class: 'snippet', 'data-snippet': label }, h('pre', {}, h('code', {}, code)), button);
}

/**
 * How to get data into sloe, with this daemon's own address in every snippet: the three ways in (remote_write from a
 * Prometheus, OTLP from an OpenTelemetry SDK or Collector, sloe scraping a target itself).
 */
export function howToSendData(origin: string, open: boolean): HTMLElement {
  const details = h('details', { class: 'onboarding', 'data-onboarding': 'send-data' },
    h('summary', {}, h('strong', {}, 'No data yet? Send sloe the metrics your SLIs read')),
    h('p', {}, 'From a Prometheus (or Grafana Agent, vmagent), add to prometheus.yml:'),
    snippet('remote_write snippet', `remote_write:\n  - url: ${origin}/api/v1/write`),
    h('p', {}, 'From an OpenTelemetry SDK or Collector (OTLP/HTTP, protobuf or JSON):'),
    snippet('OTLP endpoint', `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=${origin}/v1/metrics\nOTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/protobuf`),
    // Scrape jobs are configuration, read once at start: a reload (SIGHUP, /-/reload) re-reads only the specs.
    h('p', {}, 'Or let sloe scrape your service itself: add this to sloe\'s configuration file and restart sloe with --config FILE (a reload re-reads only the specs):'),
    snippet('scrape config', 'scrape:\n  - { job: shop, targets: ["127.0.0.1:8080"], interval: 15s }'),
    h('p', { class: 'muted small' }, 'Only series some SLI selects are kept; the SLOs on sloe\'s own API (service sloe) fill from its self-scrape within a minute.'),
  );
  if (open) details.setAttribute('open', '');
  return details;
}
