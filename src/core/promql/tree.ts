import type { QueryNode } from './plain-tree.js';

/** Binary operator nodes of the lezer grammar, by the operator as PromQL writes it. */
export const OPERATORS: Readonly<Record<string, string>> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
  Atan2: 'atan2',
  TrimUpper: '</',
  TrimLower: '>/',
};

/** Nodes that are not expressions of their own: operators, modifiers and punctuation. */
const NOT_EXPRESSIONS = new Set([...Object.keys(OPERATORS), 'BoolModifier', 'MatchingModifierClause', 'FillModifier', 'LineComment', 'UnaryOp']);

/** The operand nodes of an expression node, skipping operators, modifiers and comments. */
export function expressionChildren<N extends QueryNode<N>>(node: N): N[] {
  const children: N[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (!NOT_EXPRESSIONS.has(child.name)) children.push(child);
  }
  return children;
}

/** The operator node of a `BinaryExpr`. */
export function binaryOperator<N extends QueryNode<N>>(node: N): { node: N; operator: string } | undefined {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    const operator = OPERATORS[child.name];
    if (operator !== undefined) return { node: child, operator };
  }
  return undefined;
}
