import { isMap, isScalar, isSeq } from 'yaml';
import type { Labels } from '../core/index.js';
import { childPath, describe, type Fields } from './fields.js';

/**
 * Checks the OpenSLO v1 specification makes of every object (and `oslo validate` enforces), which sloe's own
 * readers would otherwise let through.
 */

/** RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63. */
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 63;
/** The specification caps every `description`. */
export const MAX_DESCRIPTION = 1050;

/** Whether `name` may be an object's `metadata.name`. */
export function isOpenSloName(name: string): boolean {
  return name.length <= MAX_NAME && RFC1123_LABEL.test(name);
}

/** `metadata.name`, which must be an RFC 1123 label (it becomes a Kubernetes object name and a reference key). */
export function readObjectName(metadata: Fields, required = true): string | undefined {
  const name = metadata.string('name', required);
  if (name === undefined) return undefined;
  if (!isOpenSloName(name)) {
    const why = name.length > MAX_NAME ? `is ${name.length} characters; at most ${MAX_NAME}` : 'may hold only lower-case letters, digits and -, and must start and end with a letter or digit';
    metadata.ctx.report(metadata.at('name'), `'${metadata.fieldPath('name')}' must be an RFC 1123 label name: '${name}' ${why}`);
    // Undefined, so the object is not loaded and no later check reports the same name again.
    return undefined;
  }
  return name;
}

/** A `description` of at most 1050 characters. */
export function readDescription(spec: Fields | undefined): string | undefined {
  const description = spec?.string('description');
  if (spec === undefined || description === undefined) return undefined;
  if (description.length > MAX_DESCRIPTION) {
    spec.ctx.report(spec.at('description'), `'${spec.fieldPath('description')}' is ${description.length} characters; OpenSLO allows at most ${MAX_DESCRIPTION}`);
  }
  return description;
}

/** How a list label value is kept in the model's one-string labels: its items joined, as `env: [prod, staging]` → `prod,staging`. */
export const LIST_LABEL_SEPARATOR = ',';

/**
 * `metadata.labels`: OpenSLO v1 allows `map[string]string|string[]`, so `env: [prod, staging]` is valid. The model's
 * labels are strings (they become Prometheus labels), so a list is kept joined with a comma.
 */
export function readOpenSloLabels(metadata: Fields | undefined): Labels {
  const node = metadata?.value('labels');
  if (metadata === undefined || node === undefined) return {};
  if (!isMap(node) || !node.items.some((pair) => isSeq(metadata.ctx.resolve(pair.value)))) return metadata.labels('labels');
  const labels: Record<string, string> = {};
  const path = metadata.fieldPath('labels');
  for (const pair of node.items) {
    const key = metadata.ctx.resolve(pair.key);
    const value = metadata.ctx.resolve(pair.value);
    if (!isScalar(key) || typeof key.value !== 'string') {
      metadata.ctx.report(key ?? node, `'${path}' keys must be strings`);
      continue;
    }
    const name = key.value;
    const items = isSeq(value) ? value.items.map((item) => metadata.ctx.resolve(item)) : [value];
    const texts: string[] = [];
    items.forEach((item, index) => {
      const scalar: unknown = isScalar(item) ? item.value : undefined;
      // Numbers and booleans keep their source text (`version: [1.10]` stays 1.10), as map labels do.
      if (isScalar(item) && (typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean')) texts.push(typeof scalar === 'string' ? scalar : (item.source ?? String(scalar)));
      else metadata.ctx.report(item ?? key, `'${isSeq(value) ? childPath(childPath(path, name), index) : childPath(path, name)}' must be a string${isSeq(value) ? '' : ' or a list of strings'}, got ${describe(item)}`);
    });
    labels[name] = texts.join(LIST_LABEL_SEPARATOR);
  }
  return labels;
}
