import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { time } from '../format.js';
import { lastAnswered, message } from '../widgets.js';

export async function renderDecisions(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const service = params.get('service') ?? '';
  const [freezes, decisions] = await Promise.all([api.freezes(), api.decisions(service || undefined)]);
  const filter = h('input', { type: 'search', name: 'service', placeholder: 'service', value: service, 'aria-label': 'service' });
  filter.addEventListener('change', () => {
    location.hash = filter.value ? `#/decisions?service=${encodeURIComponent(filter.value)}` : '#/decisions';
  });
  replace(
    root,
    h('div', { class: 'toolbar' }, h('h1', {}, 'Freezes and gate decisions'), h('span', { class: 'spacer' }), filter),
    h('section', {},
      h('h2', {}, 'Freezes in force'),
      freezes.length === 0
        ? message('No service is frozen.')
        : h('table', { class: 'freezes' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Service'), h('th', {}, 'Environment'), h('th', {}, 'Since'), h('th', {}, 'Expected thaw'), h('th', {}, 'Policy'), h('th', {}, 'Reasons'))),
            h('tbody', {}, freezes.map((freeze) => h('tr', {}, h('td', {}, freeze.service), h('td', {}, freeze.environment), h('td', {}, time(freeze.since)), h('td', { class: 'thaw', 'data-thaw': freeze.expectedThaw ?? 'none' }, thaw(freeze.expectedThaw)), h('td', {}, freeze.policy), h('td', { class: 'wrap' }, freeze.reasons.join('; '))))),
          ),
    ),
    h('section', {},
      h('h2', {}, service ? `Decisions for ${service}` : 'Decision log'),
      decisions.data.length === 0
        ? message('No gate decisions recorded.')
        : h('table', { class: 'decision-log' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Last answered'), h('th', {}, 'Service'), h('th', {}, 'Environment'), h('th', {}, 'Action'), h('th', {}, 'Decision'), h('th', {}, 'Reasons'), h('th', {}, 'Override'), h('th', {}, 'Via'))),
            h('tbody', {}, decisions.data.map((decision) => h('tr', { 'data-decision': decision.id },
              h('td', { class: 'small' }, lastAnswered(decision)),
              h('td', {}, h('a', { href: `#/decisions?service=${encodeURIComponent(decision.service)}` }, decision.service)),
              h('td', {}, decision.environment),
              h('td', {}, decision.action),
              h('td', {}, h('span', { class: `badge decision-${decision.decision}` }, decision.decision)),
              h('td', { class: 'wrap' }, decision.reasons.join('; ')),
              h('td', {}, decision.override ?? ''),
              h('td', { class: 'muted small' }, decision.via ?? ''),
            ))),
          ),
    ),
  );
}

/** The expected thaw: a time when the budget recovers at the current rate; absent from daemons that do not report it. */
function thaw(expected: string | null | undefined): string {
  if (expected === undefined) return '–';
  return expected === null ? 'not at the current rate' : time(expected);
}
