import { isMap, isScalar, type Node } from 'yaml';
import { describe } from './fields.js';
import type { SpecObject } from './parse.js';
import type { Header } from './state.js';

/** apiVersion, kind and Sloth's version of an object; undefined (with a problem) when it is not a mapping. */
export function readHeader(object: SpecObject): Header | undefined {
  const { ctx, node } = object;
  if (!isMap(node)) {
    ctx.report(node, `a spec object must be a mapping with apiVersion and kind, got ${describe(node)}`);
    return undefined;
  }
  const header: { apiVersion?: string; kind?: string; version?: string; versionNode?: Node; errorBudgetPolicies?: boolean } = {};
  for (const pair of node.items) {
    const key = ctx.resolve(pair.key);
    const value = ctx.resolve(pair.value);
    if (!isScalar(key) || typeof key.value !== 'string') continue;
    if (key.value === 'error_budget_policies') header.errorBudgetPolicies = true;
    if (key.value !== 'apiVersion' && key.value !== 'kind' && key.value !== 'version') continue;
    if (!isScalar(value) || typeof value.value !== 'string') {
      ctx.report(value ?? key, `'${object.path === '' ? '' : `${object.path}.`}${key.value}' must be a string, got ${describe(value)}`);
      continue;
    }
    header[key.value] = value.value;
    if (key.value !== 'kind') header.versionNode = value;
  }
  return header;
}
