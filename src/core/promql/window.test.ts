import { describe, expect, it } from 'vitest';
import { parsePromql } from './parse.js';
import { findWindowPlaceholders, hasWindowPlaceholder, maskWindowPlaceholders, substituteWindow } from './window.js';

const SPELLINGS = ['{{.window}}', '{{ .window }}', '$__window', '${__window}'];

describe('window placeholders', () => {
  it.each(SPELLINGS)('substitutes %s, parses with it, and keeps offsets when masking', (placeholder) => {
    const query = `sum(rate(x[${placeholder}])) / sum(rate(y[${placeholder}]))`;
    expect(substituteWindow(query, '5m')).toBe('sum(rate(x[5m])) / sum(rate(y[5m]))');
    expect(parsePromql(query)).toEqual({ ok: true });
    expect(maskWindowPlaceholders(query)).toHaveLength(query.length);
    expect(hasWindowPlaceholder(query)).toBe(true);
  });

  it('finds each placeholder with its offsets', () => {
    expect(findWindowPlaceholders('rate(x[{{ .window }}]) + rate(y[${__window}])')).toEqual([
      { text: '{{ .window }}', from: 7, to: 20 },
      { text: '${__window}', from: 32, to: 43 },
    ]);
  });

  it('leaves look-alikes alone', () => {
    for (const query of ['rate(x[5m])', 'rate(x[$__window_size])', 'rate(x[{{.windows}}])', 'rate(x[$__range])']) {
      expect(hasWindowPlaceholder(query)).toBe(false);
      expect(substituteWindow(query, '5m')).toBe(query);
    }
  });

  it('masks to a duration padded with spaces', () => {
    expect(maskWindowPlaceholders('rate(x[{{.window}}]) + rate(y[$__window])')).toBe('rate(x[1m         ]) + rate(y[1m       ])');
  });
});
