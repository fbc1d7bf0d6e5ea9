const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);

export function isComparison(operator: string): boolean {
  return COMPARISONS.has(operator);
}

/** A binary operator on two sample values, as Prometheus computes it (Go float64); comparisons give 1 or 0. */
export function applyOperator(operator: string, left: number, right: number): number {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
    case '%':
      return left % right;
    case '^':
      return left ** right;
    case '==':
      return left === right ? 1 : 0;
    case '!=':
      return left !== right ? 1 : 0;
    case '>':
      return left > right ? 1 : 0;
    case '<':
      return left < right ? 1 : 0;
    case '>=':
      return left >= right ? 1 : 0;
    case '<=':
      return left <= right ? 1 : 0;
    default:
      throw new RangeError(`unknown operator ${operator}`);
  }
}
