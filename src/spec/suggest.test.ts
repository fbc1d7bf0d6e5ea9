import { describe, expect, it } from 'vitest';
import { closest, unknownMessage } from './suggest.js';

describe('closest', () => {
  const fields = ['objectives', 'service', 'window', 'budgetingMethod', 'errorQuery'];

  it('finds typos, case slips and the other case style', () => {
    expect(closest('objectivs', fields)).toBe('objectives');
    expect(closest('Service', fields)).toBe('service');
    expect(closest('budgetingmethod', fields)).toBe('budgetingMethod');
    expect(closest('error_query', fields)).toBe('errorQuery');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closest('colour', fields)).toBeUndefined();
    expect(closest('x', fields)).toBeUndefined();
  });

  it('phrases the problem with and without a suggestion', () => {
    expect(unknownMessage('field', 'windw', fields)).toBe("unknown field 'windw' (did you mean 'window'?)");
    expect(unknownMessage('field', 'colour', fields)).toBe("unknown field 'colour'");
  });
});
