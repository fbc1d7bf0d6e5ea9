import { z } from 'zod';

/** Strips `.optional()` and `.default()` wrappers, which say nothing about what a value may look like. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

/**
 * What a schema allows, in words: the text `--help`, the reference in docs/operations.md and every configuration error use.
 * A schema's own `.describe()` wins; otherwise the words are derived from its shape.
 */
export function allowedValues(schema: z.ZodType): string {
  if (schema.description !== undefined) return schema.description;
  const inner = unwrap(schema);
  if (inner !== schema) return allowedValues(inner);
  if (inner instanceof z.ZodEnum) return `one of ${inner.options.map(String).join(', ')}`;
  if (inner instanceof z.ZodArray) {
    const element = unwrap(inner.element as z.ZodType);
    if (element instanceof z.ZodObject && element.description === undefined) return `a list of mappings with keys ${objectKeys(element).join(', ')}`;
    return `a list of ${allowedValues(element)}`;
  }
  if (inner instanceof z.ZodObject) return `a mapping with keys ${objectKeys(inner).join(', ')}`;
  if (inner instanceof z.ZodBoolean) return 'true or false';
  if (inner instanceof z.ZodNumber) return 'a number';
  if (inner instanceof z.ZodRecord) return 'a mapping of names to strings';
  if (inner instanceof z.ZodString) return 'a non-empty string';
  return 'a value of the documented shape';
}

/** An object's keys, required ones first as written, optional ones marked with `?`. */
export function objectKeys(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) =>
    field instanceof z.ZodOptional || field instanceof z.ZodDefault ? `${name}?` : name,
  );
}

/** The sub-schema an issue path points at (`[0, 'interval']` in a list of objects → the interval's schema). */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType {
  let current = schema;
  for (const part of path) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodArray && typeof part === 'number') current = inner.element as z.ZodType;
    else if (inner instanceof z.ZodObject && typeof part === 'string' && part in inner.shape) current = (inner.shape as Record<string, z.ZodType>)[part] as z.ZodType;
    else if (inner instanceof z.ZodRecord) current = inner.valueType as z.ZodType;
    else return inner;
  }
  return current;
}

/** `scrape`, `[0, 'interval']` → `scrape[0].interval`. */
export function keyPath(key: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`), key);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One line per zod issue, each naming the full key, what was given and what is allowed:
 * `logLevel: got "loud"; allowed: one of trace, debug, info, ...`.
 */
export function describeIssues(key: string, schema: z.ZodType, value: unknown, issues: readonly z.core.$ZodIssue[], options: { secret?: boolean } = {}): string[] {
  return issues.map((issue) => {
    const target = schemaAt(schema, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const inner = unwrap(target);
      const allowed = inner instanceof z.ZodObject ? objectKeys(inner).map((name) => name.replace(/\?$/, '')).join(', ') : allowedValues(target);
      return `${keyPath(key, issue.path)}: unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((name) => `"${name}"`).join(', ')}; allowed keys: ${allowed}`;
    }
    const got = valueAt(value, issue.path);
    // A refused credential is still a credential: say that it was given, not what it was.
    const reason = got === undefined ? 'is required' : `got ${options.secret === true ? '<redacted>' : shown(got)}`;
    return `${keyPath(key, issue.path)}: ${reason}; allowed: ${allowedValues(target)}`;
  });
}
