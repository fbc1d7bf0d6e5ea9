import { COMPOSITE_METHODS } from '../core/index.js';
import type { Composite, CompositeMember, CompositeSlo, Labels } from '../core/index.js';
import { resolveAlerting } from './alerting.js';
import type { Position } from './context.js';
import { childPath, readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import { readAlerting, readObjectives, readWindow } from './sloe-parts.js';
import type { LoadState, LocatedComposite } from './state.js';

/** What loadSloeSlo has read of the document before it saw `spec.composite`. */
export interface CompositeHead {
  readonly metadata: Fields | undefined;
  readonly spec: Fields;
  readonly name: string | undefined;
  readonly displayName: string | undefined;
  readonly labels: Labels;
}

/** Fields of `spec` that only an SLI-based SLO can have: a composite's events (and their exclusions) are its members'. */
const SLI_ONLY = ['sli', 'exclusions', 'maintenance', 'backfill', 'groupBy', 'maxGroups'] as const;

function readComposite(spec: Fields): { composite: Composite; members: LocatedComposite['members'] } | undefined {
  const fields = spec.map('composite', ['method', 'members'], true);
  if (fields === undefined) return undefined;
  const method = fields.oneOf('method', COMPOSITE_METHODS, true);
  const members: CompositeMember[] = [];
  const positions: { slo: Position; objective?: Position }[] = [];
  let valid = true;
  fields.list('members', true).forEach((node, index) => {
    const member = readMap(fields.ctx, node, childPath(fields.fieldPath('members'), index), ['slo', 'objective', 'weight']);
    if (member === undefined) {
      valid = false;
      return;
    }
    const slo = member.string('slo', true);
    const objective = member.string('objective');
    const weight = member.has('weight') ? member.number('weight') : 1;
    if (weight !== undefined && !(weight > 0)) {
      member.ctx.report(member.at('weight'), `'${member.fieldPath('weight')}' must be a number above 0, got ${weight}`);
      valid = false;
      return;
    }
    if (slo === undefined || weight === undefined) {
      valid = false;
      return;
    }
    members.push({ slo, weight, ...(objective === undefined ? {} : { objective }) });
    positions.push({ slo: member.ctx.position(member.at('slo')), ...(objective === undefined ? {} : { objective: member.ctx.position(member.at('objective')) }) });
  });
  // Invalid members were reported; the valid ones are still checked against the loaded SLOs, so every problem shows.
  if (method === undefined || (members.length === 0 && !valid)) return undefined;
  return { composite: { method, members }, members: positions };
}

/** Loads a sloe/v1 SLO whose `spec.composite` replaces `spec.sli`. */
export function loadCompositeSlo(object: SpecObject, head: CompositeHead, state: LoadState): void {
  const { spec, metadata, name, displayName, labels } = head;
  for (const key of SLI_ONLY) {
    if (spec.has(key)) spec.ctx.report(spec.keyNode(key) ?? spec.at(key), `'${spec.fieldPath(key)}' cannot be set beside 'spec.composite': a composite's events are its members' (exclusions, backfills and groups belong on the members)`);
  }
  const service = spec.string('service', true);
  const description = spec.string('description');
  const window = readWindow(spec);
  // Members' events are summed or compared as events; slices of the composite itself would need an SLI to slice.
  if (spec.has('budgetingMethod')) {
    const method = spec.string('budgetingMethod');
    if (method !== undefined && method !== 'Occurrences') spec.ctx.report(spec.at('budgetingMethod'), `'${spec.fieldPath('budgetingMethod')}' of a composite SLO must be Occurrences (members may use any method), got '${method}'`);
  }
  const objectives = readObjectives(spec, 'Occurrences', undefined);
  const alerting = readAlerting(spec, window);
  const read = readComposite(spec);
  if (name === undefined || service === undefined || window === undefined || objectives === undefined || read === undefined) return;
  const tables = new Map([...state.alertTables].map(([period, table]) => [period, table.value]));
  const slo: CompositeSlo = {
    name,
    service,
    ...(displayName === undefined ? {} : { displayName }),
    ...(description === undefined ? {} : { description }),
    labels,
    composite: read.composite,
    objectives,
    window,
    budgetingMethod: 'Occurrences',
    alerting: resolveAlerting(name, window, alerting, tables),
    exclusions: [],
    maintenance: [],
    origin: object.ctx.origin(object.node, 'sloe/v1'),
  };
  state.composites.push({ value: slo, at: object.ctx.position(metadata?.value('name') ?? object.node), members: read.members });
}

function where(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}

/**
 * Once every file is loaded: each member must name a loaded SLO (and one of its objectives where it has several), and
 * composites must not name themselves through any chain of members. Returns the composites ordered members first,
 * so the engine can evaluate them in one pass.
 */
export function checkComposites(state: LoadState): CompositeSlo[] {
  const plain = new Map(state.slos.map((slo) => [slo.value.name, slo.value]));
  const composites = new Map(state.composites.map((composite) => [composite.value.name, composite]));
  const report = (at: Position, message: string): void => {
    state.problems.push({ ...at, message });
  };
  for (const { value, members } of state.composites) {
    value.composite.members.forEach((member, index) => {
      const at = members[index];
      if (at === undefined) return;
      const target = plain.get(member.slo) ?? composites.get(member.slo)?.value;
      if (target === undefined) {
        report(at.slo, `'spec.composite.members[${index}].slo' names '${member.slo}', which is no loaded SLO`);
        return;
      }
      const keys = target.objectives.map((objective) => objective.key);
      if (member.objective !== undefined && !keys.includes(member.objective)) {
        report(at.objective ?? at.slo, `'spec.composite.members[${index}].objective' names '${member.objective}', which is no objective of SLO '${member.slo}' (it has ${keys.join(', ')})`);
      } else if (member.objective === undefined && keys.length > 1) {
        report(at.slo, `'spec.composite.members[${index}]' names SLO '${member.slo}', which has several objectives (${keys.join(', ')}): set 'objective'`);
      }
    });
    const seen = new Set<string>();
    value.composite.members.forEach((member, index) => {
      const key = `${member.slo}:${member.objective ?? ''}`;
      const at = members[index];
      if (seen.has(key) && at !== undefined) report(at.slo, `'spec.composite.members[${index}]' names '${member.slo}' a second time; give one member its combined weight instead`);
      seen.add(key);
    });
  }
  for (const cycle of cyclesOf(state.composites)) {
    for (const name of new Set(cycle.slice(0, -1))) {
      const composite = composites.get(name);
      if (composite === undefined) continue;
      // Each composite of the cycle gets the problem, the cycle written from itself round to itself.
      const start = cycle.indexOf(name);
      const rotated = [...cycle.slice(start, -1), ...cycle.slice(0, start), name];
      const others = rotated.slice(1, -1).map((other) => composites.get(other)).filter((other) => other !== undefined);
      const also = others.length === 0 ? '' : ` (${others.map((other) => `'${other.value.name}' at ${where(other.at)}`).join(', ')})`;
      report(composite.at, `composite SLO '${name}' is part of a cycle of members: ${rotated.join(' -> ')}${also}; a composite cannot contain itself`);
    }
  }
  return membersFirst(state.composites);
}

/** Every elementary cycle found by a depth-first walk over composite members, each as `[a, b, ..., a]`, once. */
function cyclesOf(composites: readonly LocatedComposite[]): string[][] {
  const byName = new Map(composites.map((composite) => [composite.value.name, composite.value]));
  const done = new Set<string>();
  const found = new Map<string, string[]>();
  const walk = (name: string, path: string[]): void => {
    const at = path.indexOf(name);
    if (at >= 0) {
      const cycle = [...path.slice(at), name];
      const key = [...cycle.slice(0, -1)].sort().join('\u0000');
      if (!found.has(key)) found.set(key, cycle);
      return;
    }
    if (done.has(name)) return;
    const composite = byName.get(name);
    if (composite === undefined) return;
    path.push(name);
    for (const member of composite.composite.members) walk(member.slo, path);
    path.pop();
    done.add(name);
  };
  for (const composite of composites) walk(composite.value.name, []);
  return [...found.values()];
}

/** Composites ordered so that every composite comes after the composites it names (cycles broken where met). */
function membersFirst(composites: readonly LocatedComposite[]): CompositeSlo[] {
  const byName = new Map(composites.map((composite) => [composite.value.name, composite.value]));
  const ordered: CompositeSlo[] = [];
  const visiting = new Set<string>();
  const placed = new Set<string>();
  const visit = (slo: CompositeSlo): void => {
    if (placed.has(slo.name) || visiting.has(slo.name)) return;
    visiting.add(slo.name);
    for (const member of slo.composite.members) {
      const nested = byName.get(member.slo);
      if (nested) visit(nested);
    }
    visiting.delete(slo.name);
    placed.add(slo.name);
    ordered.push(slo);
  };
  for (const composite of composites) visit(composite.value);
  return ordered;
}
