import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { parseDuration } from '../core/index.js';
import type { DurationMs, Labels } from '../core/index.js';
import type { DocContext } from './context.js';
import { unknownMessage } from './suggest.js';

/** How a node is described in "expected X, got Y" messages. */
export function describe(node: Node | undefined): string {
  if (node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value: unknown = node.value;
    if (value === null) return 'null';
    if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    return node.source ?? 'a scalar';
  }
  return 'an unsupported YAML node';
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function isNull(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null);
}

interface Entry {
  readonly key: Scalar;
  readonly value: Node | undefined;
}

/**
 * A YAML mapping with a known set of fields. Unknown keys are reported when it is made; each reader reports a missing
 * or ill-typed field at the offending node and returns undefined, so loading carries on and finds every problem.
 */
export class Fields {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ctx: DocContext,
    readonly node: YAMLMap,
    readonly path: string,
    /** Where "missing field" problems point: the key that holds this mapping, or the mapping itself. */
    readonly anchor: Node,
    allowed: readonly string[],
  ) {
    const merged: YAMLMap[] = [];
    for (const pair of node.items) {
      const key = ctx.resolve(pair.key);
      if (isScalar(key) && key.source === '<<') {
        // A YAML merge key (`<<: *defaults`): its mappings' fields count unless this mapping sets them itself.
        const value = ctx.resolve(pair.value);
        const sources = isSeq(value) ? value.items.map((item) => ctx.resolve(item)) : [value];
        for (const source of sources) {
          if (isMap(source)) merged.push(source);
          else ctx.report(source ?? key, `'<<' must merge a mapping, got ${describe(source)}`);
        }
        continue;
      }
      if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        ctx.report(key ?? node, `${path === '' ? 'a' : `'${path}' has a`} key that is not a string`);
        continue;
      }
      const name = String(key.value);
      if (!allowed.includes(name)) {
        ctx.report(key, unknownMessage('field', name, allowed));
        continue;
      }
      this.entries.set(name, { key, value: ctx.resolve(pair.value) });
    }
    for (const source of merged) {
      const inner = new Fields(ctx, source, path, anchor, allowed);
      for (const [name, entry] of inner.entries) if (!this.entries.has(name)) this.entries.set(name, entry);
    }
  }

  has(key: string): boolean {
    return !isNull(this.entries.get(key)?.value);
  }

  /** The value node, undefined when absent or null. */
  value(key: string): Node | undefined {
    const value = this.entries.get(key)?.value;
    return isNull(value) ? undefined : value;
  }

  /** The node to point at for a field: its value, else its key, else the mapping. */
  at(key: string): Node {
    const entry = this.entries.get(key);
    return entry?.value ?? entry?.key ?? this.anchor;
  }

  keyNode(key: string): Node | undefined {
    return this.entries.get(key)?.key;
  }

  fieldPath(key: string): string {
    return childPath(this.path, key);
  }

  missing(key: string): void {
    this.ctx.report(this.entries.get(key)?.key ?? this.anchor, `missing required field '${this.fieldPath(key)}'`);
  }

  /** The value node of a required field, reporting when it is absent. */
  required(key: string): Node | undefined {
    const value = this.value(key);
    if (value === undefined) this.missing(key);
    return value;
  }

  private scalar(key: string, required: boolean): Scalar | undefined {
    const node = required ? this.required(key) : this.value(key);
    if (node === undefined) return undefined;
    if (!isScalar(node)) {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be a scalar, got ${describe(node)}`);
      return undefined;
    }
    return node;
  }

  string(key: string, required = false): string | undefined {
    const node = this.scalar(key, required);
    if (node === undefined) return undefined;
    if (typeof node.value !== 'string') {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be a string, got ${describe(node)}`);
      return undefined;
    }
    if (required && node.value.trim() === '') {
      this.ctx.report(node, `'${this.fieldPath(key)}' must not be empty`);
      return undefined;
    }
    return node.value;
  }

  number(key: string, required = false): number | undefined {
    const node = this.scalar(key, required);
    if (node === undefined) return undefined;
    if (typeof node.value !== 'number' || !Number.isFinite(node.value)) {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be a number, got ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  boolean(key: string, required = false): boolean | undefined {
    const node = this.scalar(key, required);
    if (node === undefined) return undefined;
    if (typeof node.value !== 'boolean') {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be true or false, got ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  /** A Prometheus-style duration (`30s`, `5m`, `1h30m`, `30d`); `0`/`0s` only when `allowZero`. */
  duration(key: string, options: { required?: boolean; allowZero?: boolean } = {}): DurationMs | undefined {
    const node = this.scalar(key, options.required ?? false);
    if (node === undefined) return undefined;
    const text = typeof node.value === 'number' || typeof node.value === 'string' ? String(node.value) : '';
    if (options.allowZero === true && /^0+(ms|s|m|h|d|w|y)?$/.test(text)) return 0;
    const parsed = typeof node.value === 'string' ? parseDuration(node.value) : undefined;
    if (parsed === undefined) {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be a duration like 30s, 5m, 1h or 30d, got ${describe(node)}`);
      return undefined;
    }
    return parsed;
  }

  /** One of a fixed set of strings, with a "did you mean" for near misses. */
  oneOf<T extends string>(key: string, values: readonly T[], required = false): T | undefined {
    const text = this.string(key, required);
    if (text === undefined) return undefined;
    if (!(values as readonly string[]).includes(text)) {
      const node = this.at(key);
      const suggestion = unknownMessage('value', text, values);
      this.ctx.report(node, `'${this.fieldPath(key)}': ${suggestion}; expected one of ${values.join(', ')}`);
      return undefined;
    }
    return text as T;
  }

  /** A mapping of string keys to scalar values (labels, annotations); numbers and booleans keep their source text. */
  labels(key: string): Labels {
    const node = this.value(key);
    if (node === undefined) return {};
    if (!isMap(node)) {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be a mapping of names to values, got ${describe(node)}`);
      return {};
    }
    const labels: Record<string, string> = {};
    const pairs = [...node.items];
    for (let index = 0; index < pairs.length; index++) {
      const pair = pairs[index];
      if (pair === undefined) continue;
      const name = this.ctx.resolve(pair.key);
      if (isScalar(name) && name.source === '<<') {
        // Merged mappings are read after the mapping's own pairs, which win.
        const merged = this.ctx.resolve(pair.value);
        const sources = isSeq(merged) ? merged.items.map((item) => this.ctx.resolve(item)) : [merged];
        for (const source of sources) if (isMap(source)) pairs.push(...source.items);
        continue;
      }
      const value = this.ctx.resolve(pair.value);
      if (!isScalar(name) || typeof name.value !== 'string') {
        this.ctx.report(name ?? node, `'${this.fieldPath(key)}' keys must be strings`);
        continue;
      }
      if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
        this.ctx.report(value ?? name, `'${childPath(this.fieldPath(key), name.value)}' must be a string, got ${describe(value)}`);
        continue;
      }
      if (Object.hasOwn(labels, name.value)) continue;
      const text: unknown = value.value;
      labels[name.value] = typeof text === 'string' ? text : (value.source ?? (typeof text === 'number' || typeof text === 'boolean' ? String(text) : ''));
    }
    return labels;
  }

  /** A list of nodes; absent or null is the empty list. */
  list(key: string, required = false): Node[] {
    const node = required ? this.required(key) : this.value(key);
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.ctx.report(node, `'${this.fieldPath(key)}' must be a list, got ${describe(node)}`);
      return [];
    }
    if (required && node.items.length === 0) this.ctx.report(node, `'${this.fieldPath(key)}' must not be empty`);
    return node.items.map((item) => this.ctx.resolve(item)).filter((item): item is Node => item !== undefined);
  }

  /** A list of strings. */
  strings(key: string): string[] {
    const out: string[] = [];
    this.list(key).forEach((item, index) => {
      if (isScalar(item) && typeof item.value === 'string') out.push(item.value);
      else this.ctx.report(item, `'${childPath(this.fieldPath(key), index)}' must be a string, got ${describe(item)}`);
    });
    return out;
  }

  /** A nested mapping with its own known fields. */
  map(key: string, allowed: readonly string[], required = false): Fields | undefined {
    const node = required ? this.required(key) : this.value(key);
    if (node === undefined) return undefined;
    return readMap(this.ctx, node, this.fieldPath(key), allowed, this.keyNode(key));
  }
}

/** Reads a node as a mapping with known fields; reports and returns undefined when it is not a mapping. */
export function readMap(ctx: DocContext, node: Node, path: string, allowed: readonly string[], anchor?: Node): Fields | undefined {
  if (!isMap(node)) {
    ctx.report(node, `${path === '' ? 'the document' : `'${path}'`} must be a mapping, got ${describe(node)}`);
    return undefined;
  }
  return new Fields(ctx, node, path, anchor ?? node, allowed);
}
