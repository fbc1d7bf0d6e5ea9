import type { Objective, Sli } from '../model.js';
import { BUCKET_LABEL, compareMatchers, matcherRegex } from './labels.js';
import { stringLiterals } from './parse.js';
import { METRIC_NAME_LABEL, selectorText } from './selector.js';
import type { LabelMatcher, SignedTerm, SliQueryRole, Term } from './types.js';

/**
 * SLIs made from one template (one SLO per route, tenant or job) compiled once per template, each SLO's label values
 * bound into the template's terms (issue 21: at 100,000 SLOs the compiler's walk, selector reading and term building
 * for 200,000 queries was a fifth of a restart).
 *
 * An SLI's template is its queries with every string literal's contents left out (`stringLiterals`: only literals
 * whose contents cannot change the parse), plus everything else the compiler reads (kind, threshold, meaning, the
 * objective's comparison). The template is compiled once with a unique sentinel in each literal. It is shared only
 * when every sentinel came out as the whole value of a matcher on an ordinary label (not the metric name, not a
 * bucket bound, which the compiler reads as numbers): such a value is opaque to the compiler, which only copies it
 * into the matcher, sorts the matchers and spells the term's key. Binding does exactly that with the SLO's values;
 * a value that is not a valid regular expression for a regex matcher is not bound, so the full compile reports it.
 */

/**
 * An SLI's sides as compiled (before merging: merging compares keys, which depend on values), and the queries a
 * side's problems are reported in.
 */
export interface TemplateSides {
  readonly good: readonly SignedTerm[];
  readonly total: readonly SignedTerm[];
  readonly goodRole: SliQueryRole;
  readonly totalRole: SliQueryRole;
}

/** The parts of a compiled template that take values, and the rest, kept as compiled. */
interface Template {
  readonly good: readonly BindableTerm[];
  readonly total: readonly BindableTerm[];
  readonly goodRole: SliQueryRole;
  readonly totalRole: SliQueryRole;
}

interface BindableTerm {
  readonly sign: 1 | -1;
  /** The term as compiled, used as is when none of its matchers holds a literal. */
  readonly term: Term;
  /** Per matcher, the literal its value comes from (undefined: the template's own value). */
  readonly literals: readonly (number | undefined)[] | undefined;
  /** What the key holds after the selector (a gauge's ` | count`). */
  readonly suffix: string;
}

/** An SLI's template key and the values of its literals, in the order the template numbers them. */
export interface SliInstance {
  readonly key: string;
  readonly values: readonly string[];
}

const SENTINEL_MARK = '\uE000';
const SENTINEL = /^\uE000(\d+)\uE000$/;

/** How many templates are kept (the oldest goes first): an SLO set has a handful, a few hundred bytes each. */
const TEMPLATES_KEPT = 4096;

/**
 * The compiled templates, by template key; null when a template's SLIs cannot share a compile. Per process, like
 * the parse cache: every engine and validator of the process compiles through it.
 */
const templates = new Map<string, Template | null>();

/** The queries of an SLI, in the order its literals are numbered. */
function queriesOf(sli: Sli): readonly (string | undefined)[] {
  switch (sli.kind) {
    case 'ratio':
      return [sli.good?.promql, sli.bad?.promql, sli.total.promql];
    case 'latency':
      return [sli.histogram.promql];
    case 'threshold':
      return [sli.metric.promql];
    case 'rawRatio':
      return [sli.query.promql];
  }
}

/** The SLI's template key and literal values; undefined when one of its queries has literals that cannot be shared. */
export function sliInstance(sli: Sli, objective: Objective | undefined): SliInstance | undefined {
  const values: string[] = [];
  let key = `${sli.kind}\u0000${'threshold' in sli ? sli.threshold : ''}\u0000${'meaning' in sli ? sli.meaning : ''}\u0000${objective?.op ?? ''}\u0000${objective?.value ?? ''}`;
  for (const promql of queriesOf(sli)) {
    if (promql === undefined) {
      key += '\u0000-';
      continue;
    }
    const literals = stringLiterals(promql);
    if (literals === undefined) return undefined;
    key += '\u0000+';
    let copied = 0;
    for (let index = 0; index < literals.length; index += 2) {
      const from = literals[index]!;
      const to = literals[index + 1]!;
      key += promql.slice(copied, from + 1);
      values.push(promql.slice(from + 1, to - 1));
      copied = to - 1;
    }
    key += promql.slice(copied);
  }
  return { key, values };
}

/** The same SLI with literal i's contents replaced by sentinel i (the template compiled once). */
function withSentinels(sli: Sli): Sli {
  let next = 0;
  const mark = (promql: string): string => {
    const literals = stringLiterals(promql)!;
    let out = '';
    let copied = 0;
    for (let index = 0; index < literals.length; index += 2) {
      out += promql.slice(copied, literals[index]! + 1) + `${SENTINEL_MARK}${next++}${SENTINEL_MARK}`;
      copied = literals[index + 1]! - 1;
    }
    return out + promql.slice(copied);
  };
  switch (sli.kind) {
    case 'ratio': {
      // Marked in the order sliInstance numbers the literals: good, bad, total.
      const good = sli.good ? { good: { promql: mark(sli.good.promql) } } : {};
      const bad = sli.bad ? { bad: { promql: mark(sli.bad.promql) } } : {};
      return { kind: 'ratio', ...good, ...bad, total: { promql: mark(sli.total.promql) } };
    }
    case 'latency':
      return { ...sli, histogram: { promql: mark(sli.histogram.promql) } };
    case 'threshold':
      return { ...sli, metric: { promql: mark(sli.metric.promql) } };
    case 'rawRatio':
      return { ...sli, query: { promql: mark(sli.query.promql) } };
  }
}

/**
 * The SLI's sides (before merging) from its template, compiled on first use with `compile` (which answers undefined
 * when the template itself does not compile); undefined when the SLI must be compiled on its own.
 */
export function boundSides(sli: Sli, instance: SliInstance, compile: (sentinels: Sli) => TemplateSides | undefined): TemplateSides | undefined {
  let template = templates.get(instance.key);
  if (template === undefined) {
    const compiled = compile(withSentinels(sli));
    template = compiled ? templateOf(compiled, instance.values.length) : null;
    if (templates.size >= TEMPLATES_KEPT) templates.delete(templates.keys().next().value!);
    templates.set(instance.key, template);
  }
  if (template === null) return undefined;
  // A term read twice (total, and again in good = total - bad) is bound once.
  const bound = new Map<Term, Term>();
  const bind = (side: readonly BindableTerm[]): SignedTerm[] | undefined => {
    const out: SignedTerm[] = [];
    for (const entry of side) {
      let term = bound.get(entry.term);
      if (!term) {
        term = bindTerm(entry, instance.values);
        if (!term) return undefined;
        bound.set(entry.term, term);
      }
      out.push({ term, sign: entry.sign });
    }
    return out;
  };
  const good = bind(template.good);
  const total = bind(template.total);
  return good && total ? { good, total, goodRole: template.goodRole, totalRole: template.totalRole } : undefined;
}

function bindTerm(entry: BindableTerm, values: readonly string[]): Term | undefined {
  const { term, literals } = entry;
  if (!literals) return term;
  const matchers: LabelMatcher[] = [];
  for (let index = 0; index < term.matchers.length; index++) {
    const matcher = term.matchers[index]!;
    const literal = literals[index];
    if (literal === undefined) {
      matchers.push(matcher);
      continue;
    }
    const value = values[literal]!;
    if ((matcher.op === '=~' || matcher.op === '!~') && matcherRegex(value) === null) return undefined;
    matchers.push({ name: matcher.name, op: matcher.op, value });
  }
  matchers.sort(compareMatchers);
  return { ...term, key: selectorText({ metric: term.metric, matchers }) + entry.suffix, matchers };
}

/** The compiled sentinel SLI as a template, or null when a sentinel landed anywhere but an ordinary label's value. */
function templateOf(sides: TemplateSides, literalCount: number): Template | null {
  const used = new Set<number>();
  const terms = new Map<Term, BindableTerm['literals'] | null>();
  const bindable = (signed: SignedTerm): BindableTerm | null => {
    const { term } = signed;
    if (!terms.has(term)) terms.set(term, literalsOf(term, used));
    const literals = terms.get(term)!;
    if (literals === null) return null;
    const selector = selectorText({ metric: term.metric, matchers: term.matchers });
    if (!term.key.startsWith(selector)) return null;
    return { sign: signed.sign, term, literals, suffix: term.key.slice(selector.length) };
  };
  const side = (list: readonly SignedTerm[]): BindableTerm[] | null => {
    const out: BindableTerm[] = [];
    for (const signed of list) {
      const entry = bindable(signed);
      if (!entry) return null;
      out.push(entry);
    }
    return out;
  };
  const good = side(sides.good);
  const total = side(sides.total);
  // A literal that did not become a matcher's value was read some other way: its value could matter.
  if (!good || !total || used.size !== literalCount) return null;
  return { good, total, goodRole: sides.goodRole, totalRole: sides.totalRole };
}

/** Which literal each matcher's value is (undefined: none), or null when a sentinel is anywhere else. */
function literalsOf(term: Term, used: Set<number>): BindableTerm['literals'] | null {
  if (term.metric.includes(SENTINEL_MARK)) return null;
  let any = false;
  const literals = term.matchers.map((matcher) => {
    if (matcher.name.includes(SENTINEL_MARK)) return null;
    if (!matcher.value.includes(SENTINEL_MARK)) return undefined;
    const literal = SENTINEL.exec(matcher.value);
    if (!literal || matcher.name === METRIC_NAME_LABEL || matcher.name === BUCKET_LABEL) return null;
    any = true;
    used.add(Number(literal[1]));
    return Number(literal[1]);
  });
  if (literals.includes(null)) return null;
  return any ? (literals as (number | undefined)[]) : undefined;
}
