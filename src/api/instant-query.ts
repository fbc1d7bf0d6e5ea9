import type { SloSample } from './slo-series.js';

/**
 * A small PromQL subset, evaluated against the `slo:*` samples of the latest evaluation: what Flagger, Argo
 * Rollouts, Keptn and Grafana send to a Prometheus provider for SLO figures. Supported: instant selectors with
 * `=`, `!=`, `=~`, `!~` matchers; `sum`, `min`, `max`, `avg`, `count` with `by`/`without`; arithmetic and
 * comparisons (with or without `bool`) between a vector and a scalar or two scalars; parentheses; number literals.
 */
export type QueryValue = { readonly kind: 'scalar'; readonly value: number } | { readonly kind: 'vector'; readonly samples: readonly Series[] };

export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class QueryError extends Error {}

type Matcher = { name: string; op: '=' | '!=' | '=~' | '!~'; value: string; regex?: RegExp };

type Node =
  | { type: 'number'; value: number }
  | { type: 'selector'; name?: string; matchers: Matcher[] }
  | { type: 'aggregate'; op: string; grouping: { mode: 'by' | 'without'; labels: string[] } | undefined; expr: Node }
  | { type: 'binary'; op: string; bool: boolean; left: Node; right: Node }
  | { type: 'negate'; expr: Node };

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'count']);
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const PRECEDENCE: Record<string, number> = { '==': 1, '!=': 1, '>': 1, '<': 1, '>=': 1, '<=': 1, '+': 2, '-': 2, '*': 3, '/': 3, '%': 3 };

interface Token {
  kind: 'ident' | 'number' | 'string' | 'op' | 'punct';
  text: string;
  at: number;
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const rest = query.slice(i);
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    const number = /^(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|NaN|[Ii]nf)/.exec(rest);
    if (number && !(ident && ident[0].length > number[0].length)) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
    } else if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], at: i });
      i += ident[0].length;
    } else if (char === '"' || char === "'") {
      let j = i + 1;
      let value = '';
      while (j < query.length && query[j] !== char) {
        if (query[j] === '\\' && j + 1 < query.length) {
          const next = query[j + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          j += 2;
        } else {
          value += query[j];
          j++;
        }
      }
      if (j >= query.length) throw new QueryError(`unterminated string at position ${i}`);
      tokens.push({ kind: 'string', text: value, at: i });
      i = j + 1;
    } else {
      const op = /^(==|!=|>=|<=|=~|!~|[-+*/%<>=])/.exec(rest);
      if (op) {
        tokens.push({ kind: 'op', text: op[0], at: i });
        i += op[0].length;
      } else if ('(){},['.includes(char)) {
        tokens.push({ kind: 'punct', text: char, at: i });
        i++;
      } else {
        throw new QueryError(`unexpected character "${char}" at position ${i}`);
      }
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly query: string,
  ) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new QueryError('empty query');
    const node = this.expression(0);
    const extra = this.peek();
    if (extra) throw new QueryError(`unexpected "${extra.text}" at position ${extra.at}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new QueryError(`unexpected end of query "${this.query}"`);
    return token;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text) throw new QueryError(`expected "${text}" at position ${token.at}, found "${token.text}"`);
  }

  private expression(minPrecedence: number): Node {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (!token || token.kind !== 'op' || PRECEDENCE[token.text] === undefined) return left;
      const precedence = PRECEDENCE[token.text]!;
      if (precedence < minPrecedence) return left;
      this.index++;
      let bool = false;
      if (COMPARISONS.has(token.text) && this.peek()?.text === 'bool') {
        this.index++;
        bool = true;
      }
      const right = this.expression(precedence + 1);
      left = { type: 'binary', op: token.text, bool, left, right };
    }
  }

  private unary(): Node {
    const token = this.peek();
    if (token?.kind === 'op' && (token.text === '-' || token.text === '+')) {
      this.index++;
      const expr = this.unary();
      return token.text === '-' ? { type: 'negate', expr } : expr;
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === 'number') return { type: 'number', value: parseNumber(token.text) };
    if (token.text === '(') {
      const inner = this.expression(0);
      this.expect(')');
      return inner;
    }
    if (token.text === '{') {
      this.index--;
      return { type: 'selector', matchers: this.matchers() };
    }
    if (token.kind === 'ident') {
      if (AGGREGATIONS.has(token.text) && (this.peek()?.text === '(' || this.peek()?.text === 'by' || this.peek()?.text === 'without')) return this.aggregate(token.text);
      const matchers = this.peek()?.text === '{' ? this.matchers() : [];
      if (this.peek()?.text === '[') throw new QueryError('range selectors are not supported: sloe answers instant queries over its slo:* series');
      return { type: 'selector', name: token.text, matchers };
    }
    throw new QueryError(`unexpected "${token.text}" at position ${token.at}`);
  }

  private aggregate(op: string): Node {
    let grouping = this.grouping();
    this.expect('(');
    const expr = this.expression(0);
    this.expect(')');
    grouping ??= this.grouping();
    return { type: 'aggregate', op, grouping, expr };
  }

  private grouping(): { mode: 'by' | 'without'; labels: string[] } | undefined {
    const token = this.peek();
    if (token?.text !== 'by' && token?.text !== 'without') return undefined;
    this.index++;
    this.expect('(');
    const labels: string[] = [];
    while (this.peek()?.text !== ')') {
      const label = this.next();
      if (label.kind !== 'ident') throw new QueryError(`expected a label name at position ${label.at}`);
      labels.push(label.text);
      if (this.peek()?.text === ',') this.index++;
    }
    this.expect(')');
    return { mode: token.text, labels };
  }

  private matchers(): Matcher[] {
    this.expect('{');
    const matchers: Matcher[] = [];
    while (this.peek()?.text !== '}') {
      const name = this.next();
      if (name.kind !== 'ident') throw new QueryError(`expected a label name at position ${name.at}`);
      const op = this.next();
      if (!['=', '!=', '=~', '!~'].includes(op.text)) throw new QueryError(`expected a matcher operator at position ${op.at}`);
      const value = this.next();
      if (value.kind !== 'string') throw new QueryError(`expected a quoted label value at position ${value.at}`);
      const matcher: Matcher = { name: name.text, op: op.text as Matcher['op'], value: value.text };
      if (matcher.op === '=~' || matcher.op === '!~') {
        try {
          matcher.regex = new RegExp(`^(?:${value.text})$`);
        } catch {
          throw new QueryError(`invalid regular expression "${value.text}"`);
        }
      }
      matchers.push(matcher);
      if (this.peek()?.text === ',') this.index++;
    }
    this.expect('}');
    return matchers;
  }
}

function parseNumber(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text.toLowerCase() === 'inf') return Number.POSITIVE_INFINITY;
  return Number(text);
}

export function parseQuery(query: string): Node {
  return new Parser(tokenize(query), query).parse();
}

function matches(matcher: Matcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex!.test(value);
    case '!~':
      return !matcher.regex!.test(value);
  }
}

function arithmetic(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    default:
      return a <= b ? 1 : 0;
  }
}

function withoutName(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

export function evaluateQuery(node: Node, samples: readonly SloSample[]): QueryValue {
  switch (node.type) {
    case 'number':
      return { kind: 'scalar', value: node.value };
    case 'selector': {
      if (node.name === undefined && node.matchers.every((matcher) => matcher.op === '=' ? matcher.value === '' : matcher.op === '!=' ? true : matcher.regex!.test(''))) {
        throw new QueryError('vector selector must contain at least one non-empty matcher');
      }
      const out: Series[] = [];
      for (const sample of samples) {
        if (node.name !== undefined && sample.name !== node.name) continue;
        const labels: Record<string, string> = { __name__: sample.name, ...sample.labels };
        if (node.matchers.every((matcher) => matches(matcher, labels[matcher.name] ?? ''))) out.push({ labels, value: sample.value });
      }
      return { kind: 'vector', samples: out };
    }
    case 'negate': {
      const inner = evaluateQuery(node.expr, samples);
      if (inner.kind === 'scalar') return { kind: 'scalar', value: -inner.value };
      return { kind: 'vector', samples: inner.samples.map((series) => ({ labels: withoutName(series.labels), value: -series.value })) };
    }
    case 'aggregate': {
      const inner = evaluateQuery(node.expr, samples);
      if (inner.kind !== 'vector') throw new QueryError(`expected a vector in ${node.op}(), got a scalar`);
      const groups = new Map<string, { labels: Record<string, string>; values: number[] }>();
      for (const series of inner.samples) {
        const labels: Record<string, string> = {};
        if (node.grouping?.mode === 'by') {
          for (const name of node.grouping.labels) if (series.labels[name] !== undefined) labels[name] = series.labels[name]!;
        } else if (node.grouping?.mode === 'without') {
          for (const [name, value] of Object.entries(withoutName(series.labels))) if (!node.grouping.labels.includes(name)) labels[name] = value;
        }
        const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { labels, values: [] }));
        group.values.push(series.value);
      }
      return {
        kind: 'vector',
        samples: [...groups.values()].map((group) => ({ labels: group.labels, value: aggregateValues(node.op, group.values) })),
      };
    }
    case 'binary': {
      const left = evaluateQuery(node.left, samples);
      const right = evaluateQuery(node.right, samples);
      const comparison = COMPARISONS.has(node.op);
      if (left.kind === 'scalar' && right.kind === 'scalar') {
        if (comparison && !node.bool) throw new QueryError('comparisons between scalars must use the bool modifier');
        return { kind: 'scalar', value: arithmetic(node.op, left.value, right.value) };
      }
      if (left.kind === 'vector' && right.kind === 'vector') throw new QueryError('binary operations between two vectors are not supported; compare a vector with a number');
      const vector = left.kind === 'vector' ? left : (right as { kind: 'vector'; samples: readonly Series[] });
      const scalar = left.kind === 'scalar' ? left.value : (right as { kind: 'scalar'; value: number }).value;
      const out: Series[] = [];
      for (const series of vector.samples) {
        const [a, b] = left.kind === 'vector' ? [series.value, scalar] : [scalar, series.value];
        const result = arithmetic(node.op, a, b);
        if (comparison && !node.bool) {
          // A filter keeps the sample as it was (the vector side's value), as Prometheus does.
          if (result === 1) out.push(series);
        } else {
          out.push({ labels: withoutName(series.labels), value: result });
        }
      }
      return { kind: 'vector', samples: out };
    }
  }
}

function aggregateValues(op: string, values: readonly number[]): number {
  switch (op) {
    case 'sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'avg':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    default:
      return values.length;
  }
}
