import 'uplot/dist/uPlot.min.css';
import './style.css';
import { AuthRequired, NotFound, setToken } from './api.js';
import { h, replace } from './dom.js';
import { renderDecisions } from './pages/decisions.js';
import { renderList } from './pages/list.js';
import { renderReport } from './pages/report.js';
import { renderSlo } from './pages/slo.js';
import { message } from './widgets.js';

interface Route {
  readonly nav: string;
  readonly refreshMs: number;
  render(root: HTMLElement): Promise<void>;
}

/** Hash routes: `#/` the list, `#/slo/<name>` one SLO, `#/decisions` freezes and the decision log, `#/report` reviews. */
function route(hash: string): Route {
  const [path = '/', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const slo = /^\/slo\/(.+)$/.exec(path);
  if (slo?.[1]) {
    const name = decodeURIComponent(slo[1]);
    return { nav: 'list', refreshMs: 30_000, render: (root) => renderSlo(root, name, params) };
  }
  if (path === '/report') return { nav: 'report', refreshMs: 300_000, render: (root) => renderReport(root, params) };
  if (path === '/decisions') return { nav: 'decisions', refreshMs: 30_000, render: (root) => renderDecisions(root, params) };
  return { nav: 'list', refreshMs: 15_000, render: (root) => renderList(root, params) };
}

function tokenForm(root: HTMLElement): void {
  const input = h('input', { type: 'password', name: 'token', placeholder: 'read token', autocomplete: 'off', 'aria-label': 'read token' });
  const form = h('form', { class: 'token' }, h('p', {}, 'This sloe needs a bearer token to read. It is kept in this browser only.'), input, h('button', { type: 'submit' }, 'Use token'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value);
    void show();
  });
  replace(root, form);
}

let timer: number | undefined;
let generation = 0;

/** Renders the current route, then refreshes it in place; a newer navigation cancels older renders. */
async function show(refresh = false): Promise<void> {
  const root = document.getElementById('main');
  if (!root) return;
  const current = ++generation;
  window.clearTimeout(timer);
  const target = route(location.hash);
  document.querySelectorAll<HTMLElement>('nav a[data-nav]').forEach((link) => link.classList.toggle('active', link.dataset.nav === target.nav));
  const scratch = h('div');
  try {
    await target.render(scratch);
    if (current !== generation) return;
    const scroll = window.scrollY;
    replace(root, ...Array.from(scratch.childNodes));
    if (refresh) window.scrollTo(0, scroll);
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (current !== generation) return;
    if (error instanceof AuthRequired) {
      tokenForm(root);
      return;
    }
    replace(root, message(error instanceof NotFound ? 'Not found.' : `Could not load: ${error instanceof Error ? error.message : String(error)}`, 'error'));
  }
  timer = window.setTimeout(() => void show(true), target.refreshMs);
}

window.addEventListener('hashchange', () => void show());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void show(true);
});
void show();
