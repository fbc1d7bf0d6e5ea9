import { DEFAULT_EVIDENCE, GROUPED_SLOS, REASON_PLACEHOLDERS, parseDuration } from '../core/index.js';
// The placeholders a rule's reason may use are the ones the gate fills in: one list, owned by core/policy.
import type { BudgetPolicy, EvidenceRule, GateAction, GateDecision, PolicyRule } from '../core/index.js';
import { childPath, readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import type { LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

const DECISIONS: readonly GateDecision[] = ['allow', 'warn', 'deny'];
const ACTIONS: readonly GateAction[] = ['deploy', 'provision', 'config'];
const STATUSES = ['ok', 'warning', 'critical', 'exhausted', 'nodata'] as const;

function checkReason(rule: Fields, reason: string): void {
  for (const match of reason.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] ?? '';
    if (!(REASON_PLACEHOLDERS as readonly string[]).includes(name)) {
      rule.ctx.report(rule.at('reason'), `'${rule.fieldPath('reason')}': ${unknownMessage('placeholder', `{${name}}`, REASON_PLACEHOLDERS.map((p) => `{${p}}`))}; expected ${REASON_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
    }
  }
}

function readList<T extends string>(fields: Fields, key: string, values: readonly T[]): T[] {
  const out: T[] = [];
  fields.list(key).forEach((item, index) => {
    const text = item.toJSON() as unknown;
    if (typeof text === 'string' && (values as readonly string[]).includes(text)) out.push(text as T);
    else fields.ctx.report(item, `'${childPath(fields.fieldPath(key), index)}': ${unknownMessage('value', String(text), values)}; expected one of ${values.join(', ')}`);
  });
  return out;
}

function readRule(spec: Fields, node: Parameters<typeof readMap>[1], index: number): PolicyRule | undefined {
  const rule = readMap(spec.ctx, node, childPath(spec.fieldPath('rules'), index), ['name', 'decision', 'when', 'environments', 'actions', 'reason']);
  if (rule === undefined) return undefined;
  const name = rule.string('name', true);
  const decision = rule.oneOf('decision', DECISIONS, true);
  const reason = rule.string('reason', true);
  if (reason !== undefined) checkReason(rule, reason);
  const environments = rule.strings('environments');
  const actions = readList(rule, 'actions', ACTIONS);
  const when = rule.map('when', ['budgetRemainingBelow', 'burnRateAbove', 'alertFiring', 'status'], true);
  if (when === undefined) return undefined;
  const budgetRemainingBelow = when.number('budgetRemainingBelow');
  if (budgetRemainingBelow !== undefined && budgetRemainingBelow > 1) {
    when.ctx.report(when.at('budgetRemainingBelow'), `'${when.fieldPath('budgetRemainingBelow')}' is a fraction of the budget (0.25 for 25 %), at most 1, got ${budgetRemainingBelow}`);
  }
  let burnRateAbove: { window: string; value: number } | undefined;
  const burn = when.map('burnRateAbove', ['window', 'value']);
  if (burn !== undefined) {
    const window = burn.string('window', true);
    if (window !== undefined && parseDuration(window) === undefined) {
      burn.ctx.report(burn.at('window'), `'${burn.fieldPath('window')}' must be a duration like 1h or 6h, got '${window}'`);
    }
    const value = burn.number('value', true);
    if (window !== undefined && value !== undefined && parseDuration(window) !== undefined) burnRateAbove = { window, value };
  }
  const alertFiring = when.strings('alertFiring');
  const status = readList(when, 'status', STATUSES);
  const conditions = {
    ...(budgetRemainingBelow === undefined ? {} : { budgetRemainingBelow }),
    ...(burnRateAbove === undefined ? {} : { burnRateAbove }),
    ...(alertFiring.length === 0 ? {} : { alertFiring }),
    ...(status.length === 0 ? {} : { status }),
  };
  if (Object.keys(conditions).length === 0 && !when.has('burnRateAbove')) {
    rule.ctx.report(when.anchor, `'${when.path}' needs at least one condition: budgetRemainingBelow, burnRateAbove, alertFiring or status`);
  }
  if (name === undefined || decision === undefined || reason === undefined) return undefined;
  return { name, decision, when: conditions, environments, actions, reason };
}

/** A fraction of something (0..1), reported when outside. */
function fraction(fields: Fields, key: string, what: string): number | undefined {
  const value = fields.number(key);
  if (value !== undefined && (value < 0 || value > 1)) {
    fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}' is ${what} (0.1 for 10 %), between 0 and 1, got ${value}`);
    return undefined;
  }
  return value;
}

/** `spec.evidence`: what a budget-based deny needs; unset fields keep their defaults. */
function readEvidence(spec: Fields): EvidenceRule | undefined {
  const evidence = spec.map('evidence', ['minBudgetEvents', 'minCoverage', 'minCoverageDuration']);
  if (evidence === undefined) return undefined;
  const minBudgetEvents = evidence.number('minBudgetEvents');
  if (minBudgetEvents !== undefined && minBudgetEvents < 0) {
    evidence.ctx.report(evidence.at('minBudgetEvents'), `'${evidence.fieldPath('minBudgetEvents')}' is a number of bad events, at least 0, got ${minBudgetEvents}`);
  }
  const minCoverage = fraction(evidence, 'minCoverage', 'a share of the period');
  const minCoverageDuration = evidence.duration('minCoverageDuration', { allowZero: true });
  return {
    minBudgetEvents: minBudgetEvents !== undefined && minBudgetEvents >= 0 ? minBudgetEvents : DEFAULT_EVIDENCE.minBudgetEvents,
    minCoverage: minCoverage ?? DEFAULT_EVIDENCE.minCoverage,
    minCoverageDuration: minCoverageDuration ?? DEFAULT_EVIDENCE.minCoverageDuration,
  };
}

/** Loads a `sloe/v1` BudgetPolicy document. */
export function loadSloePolicy(object: SpecObject, root: Fields, state: LoadState): void {
  const { ctx } = object;
  const metadata = root.map('metadata', ['name', 'displayName', 'labels'], true);
  const spec = root.map('spec', ['description', 'selector', 'rules', 'overrides', 'onNoData', 'onInsufficientData', 'evidence', 'thawMargin', 'groupedSlos'], true);
  const name = metadata?.string('name', true);
  metadata?.string('displayName');
  metadata?.labels('labels');
  if (spec === undefined) return;
  spec.string('description');
  const selector = spec.map('selector', ['services', 'slos', 'labels']);
  const services = selector?.strings('services') ?? [];
  const slos = selector?.strings('slos') ?? [];
  const labels = selector?.labels('labels') ?? {};
  const rules: PolicyRule[] = [];
  let valid = true;
  spec.list('rules', true).forEach((node, index) => {
    const rule = readRule(spec, node, index);
    if (rule === undefined) valid = false;
    else rules.push(rule);
  });
  const overrides: { label: string; values: string[] }[] = [];
  spec.list('overrides').forEach((node, index) => {
    const override = readMap(ctx, node, childPath(spec.fieldPath('overrides'), index), ['label', 'values']);
    const label = override?.string('label', true);
    const values = override?.strings('values') ?? [];
    if (override !== undefined && values.length === 0) override.missing('values');
    if (label !== undefined && values.length > 0) overrides.push({ label, values });
  });
  const onNoData = spec.has('onNoData') ? spec.oneOf('onNoData', DECISIONS) : 'warn';
  const onInsufficientData = spec.has('onInsufficientData') ? spec.oneOf('onInsufficientData', DECISIONS) : undefined;
  const evidence = readEvidence(spec);
  const thawMargin = fraction(spec, 'thawMargin', 'a fraction of the budget');
  const groupedSlos = spec.has('groupedSlos') ? spec.oneOf('groupedSlos', GROUPED_SLOS) : undefined;
  if (name === undefined || !valid || onNoData === undefined) return;
  const policy: BudgetPolicy = {
    name,
    selector: { services, slos, labels },
    rules,
    overrides,
    onNoData,
    ...(onInsufficientData === undefined ? {} : { onInsufficientData }),
    ...(evidence === undefined ? {} : { evidence }),
    ...(thawMargin === undefined ? {} : { thawMargin }),
    ...(groupedSlos === undefined ? {} : { groupedSlos }),
    origin: ctx.origin(object.node, 'sloe/v1'),
  };
  state.policies.push({ value: policy, at: ctx.position(metadata?.value('name') ?? object.node) });
}
