import { envName } from './load.js';
import { CONFIG_TABLE } from './table.js';

/** Variables of sloe's own command-line clients (`sloe status`, `sloe gate`), not daemon configuration. */
const CLIENT_VARIABLES = new Set(['SLOE_URL', 'SLOE_TOKEN']);

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/**
 * `SLOE_*` variables that are no configuration key, with the nearest key's variable when one is close: a typo such
 * as `SLOE_LISTN` would otherwise be ignored without a word. The daemon warns about each.
 */
export function unknownVariables(env: Readonly<Record<string, string | undefined>>): { name: string; suggestion?: string }[] {
  const known = CONFIG_TABLE.map((entry) => envName(entry.key));
  return Object.keys(env)
    .filter((name) => name.startsWith('SLOE_') && !known.includes(name) && !CLIENT_VARIABLES.has(name))
    .sort()
    .map((name) => {
      const [nearest] = known.map((candidate) => ({ candidate, cost: distance(name, candidate) })).sort((a, b) => a.cost - b.cost);
      return nearest && nearest.cost <= 3 ? { name, suggestion: nearest.candidate } : { name };
    });
}
