import { readMap } from './fields.js';
import type { SpecObject } from './parse.js';
import { loadSloePolicy } from './sloe-policy.js';
import { loadSloeSlo } from './sloe-slo.js';
import type { FormatLoader, Header, LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

const KINDS = ['SLO', 'BudgetPolicy'] as const;

/** sloe's own format, `apiVersion: sloe/v1`, kinds SLO and BudgetPolicy. */
export function createSloeLoader(): FormatLoader {
  return {
    name: 'sloe/v1',
    versions: ['sloe/v1'],
    claims: (header: Header) => header.apiVersion === 'sloe/v1',
    load(object: SpecObject, header: Header, state: LoadState) {
      const root = readMap(object.ctx, object.node, object.path, ['apiVersion', 'kind', 'metadata', 'spec']);
      if (root === undefined) return;
      if (header.kind === 'SLO') loadSloeSlo(object, root, state);
      else if (header.kind === 'BudgetPolicy') loadSloePolicy(object, root, state);
      else if (header.kind === undefined) root.missing('kind');
      else object.ctx.report(root.at('kind'), `${unknownMessage('kind', header.kind, KINDS)} for sloe/v1; expected ${KINDS.join(' or ')}`);
    },
  };
}
