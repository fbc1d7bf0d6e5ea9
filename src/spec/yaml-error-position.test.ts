import { describe, expect, it } from 'vitest';
import { formatProblem } from '../core/index.js';
import { loadSpecs } from './index.js';

function problems(text: string): string[] {
  return loadSpecs([{ path: 'slo.yaml', content: new TextEncoder().encode(text) }]).problems.map(formatProblem);
}

const HEAD = 'apiVersion: sloe/v1\nkind: SLO\nmetadata:\n  name: api\n';

describe('YAML syntax errors point at the offending line', () => {
  it('a key indented deeper than its sibling: the key itself, not the value on the line above', () => {
    expect(problems(`${HEAD}   labels: { team: a }\nspec:\n  service: api\n`)).toEqual(['slo.yaml:5:4: not valid YAML: Nested mappings are not allowed in compact mappings']);
    // Blank lines between do not move it.
    expect(problems(`${HEAD}\n\n    labels: { team: a }\n`)).toEqual(['slo.yaml:7:5: not valid YAML: Nested mappings are not allowed in compact mappings']);
  });

  it('a key indented less than its sibling: the key, not the newline before it', () => {
    const text = `${HEAD}spec:\n  service: api\n  sli:\n      ratio:\n    bad: x\n`;
    expect(problems(text)).toEqual(['slo.yaml:9:5: not valid YAML: All mapping items must start at the same column']);
  });

  it('a key or list item between two indentation levels: its first character', () => {
    expect(problems(`${HEAD}spec:\n  service: api\n objectives: []\n`)).toEqual(['slo.yaml:7:2: not valid YAML: All mapping items must start at the same column']);
    expect(problems(`${HEAD}spec:\n  objectives:\n    - target: 0.9\n   - target: 0.8\n`)).toEqual(['slo.yaml:8:4: not valid YAML: A block sequence may not be used as an implicit map key']);
  });

  it('a tab used for indentation: the tab', () => {
    expect(problems('apiVersion: sloe/v1\nkind: SLO\nmetadata:\n\tname: api\n')).toEqual(['slo.yaml:4:1: not valid YAML: Tabs are not allowed as indentation']);
  });
});
