import { isMap, isScalar } from 'yaml';
import type { Position } from './context.js';
import type { SpecObject } from './parse.js';
import type { Located } from './state.js';

/** The OpenSLO kinds that other objects refer to by name. */
export type NamedKind = 'SLI' | 'DataSource' | 'AlertPolicy' | 'AlertCondition' | 'AlertNotificationTarget' | 'Service';

interface Definition {
  readonly object: SpecObject;
  readonly at: Position;
}

/** `metadata.name` of an object without validating anything (that happens when it is loaded). */
export function peekName(object: SpecObject): { name: string; at: Position } | undefined {
  const { ctx, node } = object;
  if (!isMap(node)) return undefined;
  const metadata = ctx.resolve(node.get('metadata', true));
  if (!isMap(metadata)) return undefined;
  const name = ctx.resolve(metadata.get('name', true));
  if (!isScalar(name) || typeof name.value !== 'string') return undefined;
  return { name: name.value, at: ctx.position(name) };
}

/**
 * Named OpenSLO objects across every file. Each is parsed once, on first use (by its own load or by the first SLO
 * that refers to it), so its problems are reported once however many SLOs refer to it.
 */
export class OpenSloIndex {
  private readonly definitions = new Map<NamedKind, Map<string, Definition>>();
  private readonly all: { kind: NamedKind; item: Located<string> }[] = [];
  private readonly parsed = new Map<string, unknown>();
  /** Configured remote query sources: a DataSource named like one is served by it, whatever its type says. */
  remoteSources: readonly string[] = [];

  define(kind: NamedKind, object: SpecObject): void {
    const peeked = peekName(object);
    if (peeked === undefined) return;
    this.all.push({ kind, item: { value: peeked.name, at: peeked.at } });
    let byName = this.definitions.get(kind);
    if (byName === undefined) {
      byName = new Map();
      this.definitions.set(kind, byName);
    }
    if (!byName.has(peeked.name)) byName.set(peeked.name, { object, at: peeked.at });
  }

  has(kind: NamedKind, name: string): boolean {
    return this.definitions.get(kind)?.has(name) ?? false;
  }

  names(kind: NamedKind): string[] {
    return [...(this.definitions.get(kind)?.keys() ?? [])];
  }

  /** The parsed definition, parsing it on first use; undefined when there is none or it is invalid. */
  get<T>(kind: NamedKind, name: string, parse: (object: SpecObject) => T | undefined): T | undefined {
    const definition = this.definitions.get(kind)?.get(name);
    if (definition === undefined) return undefined;
    const key = `${kind}/${name}`;
    if (!this.parsed.has(key)) this.parsed.set(key, parse(definition.object));
    return this.parsed.get(key) as T | undefined;
  }

  /** Whether this very object is the one a name resolves to (a duplicate is not parsed twice as the definition). */
  isDefinition(kind: NamedKind, object: SpecObject): boolean {
    const peeked = peekName(object);
    return peeked !== undefined && this.definitions.get(kind)?.get(peeked.name)?.object === object;
  }

  /** Every definition of one kind, duplicates included, for the duplicate check. */
  located(kind: NamedKind): Located<string>[] {
    return this.all.filter((entry) => entry.kind === kind).map((entry) => entry.item);
  }
}
