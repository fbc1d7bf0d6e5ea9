import { badRequest } from '../core/index.js';

/** The prefix of query parameters that name one group of a grouped SLO: `group.route=/v1/orders`. */
export const GROUP_PARAM_PREFIX = 'group.';

/**
 * The group named by `group.LABEL=VALUE` parameters (every parameter with the prefix, in the order given), or
 * undefined when there is none. A label given twice or an empty label name is a 400 naming the parameter; whether the
 * labels are the SLO's `groupBy` is for the caller, which knows the SLO.
 */
export function groupParams(queries: Readonly<Record<string, readonly string[]>>): Record<string, string> | undefined {
  const group: Record<string, string> = {};
  let named = false;
  for (const [key, values] of Object.entries(queries)) {
    if (!key.startsWith(GROUP_PARAM_PREFIX)) continue;
    const label = key.slice(GROUP_PARAM_PREFIX.length);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw badRequest(`${key}: expected group.LABEL=VALUE with a label name after "group."`, 'bad_group');
    if (values.length !== 1) throw badRequest(`${key} is given ${values.length} times: a group has one value per label`, 'bad_group');
    group[label] = values[0]!;
    named = true;
  }
  return named ? group : undefined;
}
