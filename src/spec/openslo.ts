import { isMap, type Node } from 'yaml';
import type { NotificationTarget, Objective, Service, Sli, Slo, ThresholdOp } from '../core/index.js';
import { burnRateTiers, resolveAlerting } from './alerting.js';
import { ObjectiveKeys, objectiveOf, readTarget, readTimeSliceTarget } from './common.js';
import { reportDuplicates } from './duplicates.js';
import { childPath, readMap, type Fields } from './fields.js';
import { loadOpenSloAlphaSlo } from './openslo-alpha.js';
import { OpenSloIndex, peekName, type NamedKind } from './openslo-index.js';
import { checkReference, readConditionSpec, readShorthandDuration, readSliSpec, readTargetSpec, readTimeWindow, type ConditionDef } from './openslo-parts.js';
import { readDescription, readObjectName, readOpenSloLabels } from './openslo-rules.js';
import { readDataSource } from './openslo-source.js';
import type { SpecObject } from './parse.js';
import type { FormatLoader, Header, LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

const ROOT = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA = ['name', 'displayName', 'labels', 'annotations'];
const V1_KINDS = ['SLO', 'SLI', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget', 'Service'] as const;
const NAMED: readonly NamedKind[] = ['SLI', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget', 'Service'];
const BUDGETING_METHODS = ['Occurrences', 'Timeslices', 'RatioTimeslices'] as const;

interface PolicyDef {
  readonly conditions: readonly ConditionDef[];
  readonly targets: readonly NotificationTarget[];
  readonly alertWhenNoData: boolean;
}

function hasKey(node: Node, key: string): boolean {
  return isMap(node) && node.has(key);
}

/** An object's root and metadata; `name` is undefined (reported) when missing. */
function readObject(root: Fields): { metadata: Fields | undefined; name: string | undefined } {
  const metadata = root.map('metadata', METADATA, true);
  const name = metadata === undefined ? undefined : readObjectName(metadata);
  metadata?.string('displayName');
  readOpenSloLabels(metadata);
  metadata?.labels('annotations');
  return { metadata, name };
}

class OpenSloV1 {
  readonly index = new OpenSloIndex();

  sli = (object: SpecObject): Sli | undefined => {
    const root = readMap(object.ctx, object.node, object.path, ROOT);
    if (root === undefined) return undefined;
    readObject(root);
    return readSliSpec(root, 'spec', this.index);
  };

  dataSource = readDataSource;

  condition = (object: SpecObject): ConditionDef | undefined => {
    const root = readMap(object.ctx, object.node, object.path, ROOT);
    if (root === undefined) return undefined;
    const { name } = readObject(root);
    return name === undefined ? undefined : readConditionSpec(root, name);
  };

  target = (object: SpecObject): NotificationTarget | undefined => {
    const root = readMap(object.ctx, object.node, object.path, ROOT);
    if (root === undefined) return undefined;
    const { name } = readObject(root);
    return name === undefined ? undefined : readTargetSpec(root, name);
  };

  service = (object: SpecObject): Service | undefined => {
    const root = readMap(object.ctx, object.node, object.path, ROOT);
    if (root === undefined) return undefined;
    const { metadata, name } = readObject(root);
    const spec = root.map('spec', ['description']);
    const description = readDescription(spec);
    const displayName = metadata?.string('displayName');
    if (name === undefined) return undefined;
    return {
      name,
      ...(displayName === undefined ? {} : { displayName }),
      ...(description === undefined ? {} : { description }),
      labels: readOpenSloLabels(metadata),
      origin: object.ctx.origin(object.node, 'openslo/v1'),
    };
  };

  /** An AlertPolicy, standalone or inline in an SLO; its references are checked here, once. */
  policy = (object: SpecObject): PolicyDef | undefined => {
    const root = readMap(object.ctx, object.node, object.path, ROOT);
    if (root === undefined) return undefined;
    readObject(root);
    const spec = root.map('spec', ['description', 'alertWhenNoData', 'alertWhenResolved', 'alertWhenBreaching', 'conditions', 'notificationTargets'], true);
    if (spec === undefined) return undefined;
    readDescription(spec);
    const alertWhenNoData = spec.boolean('alertWhenNoData') ?? false;
    spec.boolean('alertWhenResolved');
    spec.boolean('alertWhenBreaching');
    const conditions: ConditionDef[] = [];
    let valid = true;
    spec.list('conditions', true).forEach((node, index) => {
      const path = childPath(spec.fieldPath('conditions'), index);
      const item = { ctx: object.ctx, node, path };
      if (hasKey(node, 'conditionRef')) {
        const ref = readMap(object.ctx, node, path, ['conditionRef']);
        const name = ref === undefined ? undefined : checkReference(ref, 'conditionRef', 'AlertCondition', this.index);
        const condition = name === undefined ? undefined : this.index.get('AlertCondition', name, this.condition);
        if (condition === undefined) valid = false;
        else conditions.push(condition);
        return;
      }
      const condition = this.condition(item);
      if (condition === undefined) valid = false;
      else conditions.push(condition);
    });
    const targets: NotificationTarget[] = [];
    spec.list('notificationTargets').forEach((node, index) => {
      const path = childPath(spec.fieldPath('notificationTargets'), index);
      if (hasKey(node, 'targetRef')) {
        const ref = readMap(object.ctx, node, path, ['targetRef']);
        const name = ref === undefined ? undefined : checkReference(ref, 'targetRef', 'AlertNotificationTarget', this.index);
        const target = name === undefined ? undefined : this.index.get('AlertNotificationTarget', name, this.target);
        if (target !== undefined) targets.push(target);
        return;
      }
      const target = this.target({ ctx: object.ctx, node, path });
      if (target !== undefined) targets.push(target);
    });
    return valid ? { conditions, targets, alertWhenNoData } : undefined;
  };

  /** The SLI of an SLO or objective: inline `indicator` or `indicatorRef`, exactly one (or none when optional). */
  private indicator(fields: Fields, required: boolean): Sli | 'none' | undefined {
    const inline = fields.has('indicator');
    const ref = fields.has('indicatorRef');
    if (inline && ref) {
      fields.ctx.report(fields.keyNode('indicatorRef'), `give either '${fields.fieldPath('indicator')}' or '${fields.fieldPath('indicatorRef')}', not both`);
      return undefined;
    }
    if (ref) {
      const name = checkReference(fields, 'indicatorRef', 'SLI', this.index);
      return name === undefined ? undefined : this.index.get('SLI', name, this.sli);
    }
    if (inline) {
      const indicator = fields.map('indicator', ['metadata', 'spec'], true);
      if (indicator === undefined) return undefined;
      const metadata = indicator.map('metadata', METADATA);
      if (metadata !== undefined) readObjectName(metadata, false);
      metadata?.string('displayName');
      readOpenSloLabels(metadata);
      metadata?.labels('annotations');
      return readSliSpec(indicator, 'spec', this.index);
    }
    if (required) {
      fields.ctx.report(fields.anchor, `'${fields.path}' needs an SLI: 'indicator' (inline) or 'indicatorRef' (the name of an SLI)`);
      return undefined;
    }
    return 'none';
  }

  private objectives(spec: Fields, method: string | undefined, sloSli: Sli | 'none' | undefined): Objective[] | undefined {
    const keys = new ObjectiveKeys();
    const objectives: Objective[] = [];
    let valid = true;
    spec.list('objectives', true).forEach((node, index) => {
      const fields = readMap(spec.ctx, node, childPath(spec.fieldPath('objectives'), index), [
        'displayName', 'op', 'value', 'target', 'targetPercent', 'timeSliceTarget', 'timeSliceWindow', 'indicator', 'indicatorRef', 'compositeWeight',
      ]);
      if (fields === undefined) {
        valid = false;
        return;
      }
      const displayName = fields.string('displayName');
      const target = readTarget(fields);
      const op = fields.oneOf('op', ['lt', 'lte', 'gt', 'gte'] as const satisfies readonly ThresholdOp[]);
      const value = fields.number('value');
      fields.number('compositeWeight');
      const own = this.indicator(fields, sloSli === 'none');
      const sli = own === 'none' ? sloSli : own;
      if (sli !== 'none' && sli?.kind === 'threshold') {
        if (!fields.has('op')) fields.missing('op');
        if (!fields.has('value')) fields.missing('value');
      } else if (sli !== 'none' && sli !== undefined && fields.has('op')) {
        // The specification (and `oslo validate`) allow `op` only with a thresholdMetric: a ratio is met by its target.
        fields.ctx.report(fields.keyNode('op'), `'${fields.fieldPath('op')}' only goes with a thresholdMetric SLI; a ratioMetric objective is met by its 'target' alone`);
      }
      const sliced = method === 'Timeslices' || method === 'RatioTimeslices';
      const timeSliceWindow = sliced || fields.has('timeSliceWindow') ? readShorthandDuration(fields, 'timeSliceWindow', sliced) : undefined;
      const timeSliceTarget = readTimeSliceTarget(fields, method);
      if (target === undefined || own === undefined) {
        valid = false;
        return;
      }
      objectives.push(objectiveOf({ key: keys.next(index, undefined, displayName), displayName, target, op, value, timeSliceWindow, timeSliceTarget, sli: own === 'none' ? undefined : own }));
    });
    return valid && objectives.length > 0 ? objectives : undefined;
  }

  private alertPolicies(spec: Fields, object: SpecObject): PolicyDef[] | undefined {
    const policies: PolicyDef[] = [];
    let valid = true;
    spec.list('alertPolicies').forEach((node, index) => {
      const path = childPath(spec.fieldPath('alertPolicies'), index);
      let policy: PolicyDef | undefined;
      if (hasKey(node, 'alertPolicyRef')) {
        const ref = readMap(object.ctx, node, path, ['alertPolicyRef']);
        const name = ref === undefined ? undefined : checkReference(ref, 'alertPolicyRef', 'AlertPolicy', this.index);
        policy = name === undefined ? undefined : this.index.get('AlertPolicy', name, this.policy);
      } else {
        policy = this.policy({ ctx: object.ctx, node, path });
      }
      if (policy === undefined) valid = false;
      else policies.push(policy);
    });
    return valid ? policies : undefined;
  }

  slo(object: SpecObject, state: LoadState): void {
    const { ctx } = object;
    const root = readMap(ctx, object.node, object.path, ROOT);
    if (root === undefined) return;
    const { metadata, name } = readObject(root);
    const spec = root.map('spec', ['description', 'service', 'indicator', 'indicatorRef', 'budgetingMethod', 'timeWindow', 'objectives', 'alertPolicies'], true);
    if (spec === undefined) return;
    const description = readDescription(spec);
    const service = spec.string('service', true);
    const budgetingMethod = spec.oneOf('budgetingMethod', BUDGETING_METHODS, true);
    const window = readTimeWindow(spec);
    const sloSli = this.indicator(spec, false);
    const objectives = this.objectives(spec, budgetingMethod, sloSli);
    const policies = this.alertPolicies(spec, object);
    const sli = sloSli === 'none' ? objectives?.find((objective) => objective.sli !== undefined)?.sli : sloSli;
    if (name === undefined || service === undefined || budgetingMethod === undefined || window === undefined || sli === undefined || objectives === undefined || policies === undefined) return;
    const displayName = metadata?.string('displayName');
    const conditions = policies.flatMap((policy) => policy.conditions);
    const targets = policies.flatMap((policy) => policy.targets);
    const slo: Slo = {
      name,
      service,
      ...(displayName === undefined ? {} : { displayName }),
      ...(description === undefined ? {} : { description }),
      labels: readOpenSloLabels(metadata),
      sli,
      objectives,
      window,
      budgetingMethod,
      alerting: resolveAlerting(name, window, {
        ...(conditions.length === 0 ? {} : { explicitTiers: burnRateTiers(conditions.map((condition) => ({ name: condition.name, severity: condition.severity, threshold: condition.threshold, window: condition.lookbackWindow, for: condition.alertAfter })), window) }),
        ...(policies.length === 0 ? {} : { noDataFor: policies.some((policy) => policy.alertWhenNoData) ? undefined : 0 }),
        notificationTargets: targets,
      }, new Map([...state.alertTables].map(([period, table]) => [period, table.value]))),
      exclusions: [],
      maintenance: [],
      origin: ctx.origin(object.node, 'openslo/v1'),
    };
    state.slos.push({ value: slo, at: ctx.position(metadata?.value('name') ?? object.node) });
  }
}

/** OpenSLO: `openslo/v1` (all seven kinds) and `openslo/v1alpha` as Sloth reads it (SLO, Service). */
export function createOpenSloLoader(): FormatLoader {
  const v1 = new OpenSloV1();
  const parsers: Record<NamedKind, (object: SpecObject) => unknown> = {
    SLI: v1.sli,
    DataSource: v1.dataSource,
    AlertPolicy: v1.policy,
    AlertCondition: v1.condition,
    AlertNotificationTarget: v1.target,
    Service: v1.service,
  };
  return {
    name: 'openslo',
    versions: ['openslo/v1', 'openslo/v1alpha'],
    claims: (header: Header) => header.apiVersion === 'openslo/v1' || header.apiVersion === 'openslo/v1alpha',
    define(object: SpecObject, header: Header) {
      if (header.apiVersion === 'openslo/v1' && (NAMED as readonly string[]).includes(header.kind ?? '')) v1.index.define(header.kind as NamedKind, object);
    },
    load(object: SpecObject, header: Header, state: LoadState) {
      v1.index.remoteSources = state.remoteSources;
      const kinds: readonly string[] = header.apiVersion === 'openslo/v1' ? V1_KINDS : ['SLO', 'Service'];
      const kind = header.kind;
      if (kind === undefined || !kinds.includes(kind)) {
        const root = readMap(object.ctx, object.node, object.path, header.apiVersion === 'openslo/v1' ? ROOT : ['apiVersion', 'kind', 'metadata', 'spec']);
        if (root === undefined) return;
        if (kind === undefined) root.missing('kind');
        else object.ctx.report(root.at('kind'), `${unknownMessage('kind', kind, kinds)} for ${header.apiVersion ?? ''}; expected one of ${kinds.join(', ')}`);
        return;
      }
      if (header.apiVersion === 'openslo/v1alpha') {
        loadOpenSloAlphaSlo(object, kind, state);
        return;
      }
      if (kind === 'SLO') {
        v1.slo(object, state);
        return;
      }
      const named = kind as NamedKind;
      const parse = parsers[named];
      const peeked = peekName(object);
      const value = peeked !== undefined && v1.index.isDefinition(named, object) ? v1.index.get(named, peeked.name, parse) : parse(object);
      if (named === 'Service' && value !== undefined) state.services.push({ value: value as Service, at: peeked?.at ?? object.ctx.position(object.node) });
    },
    finish(state: LoadState) {
      // Services are checked with every format's services by the caller.
      for (const kind of NAMED) if (kind !== 'Service') reportDuplicates(v1.index.located(kind), (name) => name, kind, state.problems);
    },
  };
}
