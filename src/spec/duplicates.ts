import type { Problem } from '../core/index.js';
import type { Position } from './context.js';
import type { LoadState, Located } from './state.js';

function where(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}

/** Reports each name given twice, at the second place, naming both. */
export function reportDuplicates<T>(items: readonly Located<T>[], nameOf: (item: T) => string, what: string, problems: Problem[]): void {
  const first = new Map<string, Position>();
  for (const item of items) {
    const name = nameOf(item.value);
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, item.at);
      continue;
    }
    problems.push({ ...item.at, message: `duplicate ${what} name '${name}': defined at ${where(earlier)} and again at ${where(item.at)}` });
  }
}

/** Names appear in URLs (`/api/v1/slos/{name}`), metric labels and rule names: keep them to a safe alphabet. */
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/;

function checkName<T>(items: readonly Located<T>[], nameOf: (item: T) => string, what: string, problems: Problem[]): void {
  for (const item of items) {
    const name = nameOf(item.value);
    if (!NAME.test(name)) {
      problems.push({ ...item.at, message: `${what} name '${name}' must be letters, digits, '-', '_' or '.' (at most 253), starting and ending with a letter or digit: it is used in URLs, metric labels and rule names` });
    }
  }
}

export function checkDuplicates(state: LoadState, problems: Problem[]): void {
  // Composites share the SLOs' names: members, URLs and metric labels name either kind.
  const slos: Located<{ readonly name: string }>[] = [...state.slos, ...state.composites];
  checkName(slos, (slo) => slo.name, 'SLO', problems);
  checkName(state.policies, (policy) => policy.name, 'BudgetPolicy', problems);
  reportDuplicates(slos, (slo) => slo.name, 'SLO', problems);
  reportDuplicates(state.services, (service) => service.name, 'Service', problems);
  reportDuplicates(state.policies, (policy) => policy.name, 'BudgetPolicy', problems);
}
