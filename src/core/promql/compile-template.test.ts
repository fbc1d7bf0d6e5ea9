import { describe, expect, it } from 'vitest';
import type { Objective, Sli } from '../model.js';
import { compileSli, compileSliAlone } from './compile.js';
import { boundSides, sliInstance } from './compile-template.js';

const objective: Objective = { key: 'o', target: 0.99, op: 'lt', value: 5 };

/** Fills a template's `$1`, `$2`… with values. */
const fill = (template: string, values: readonly string[]): string => template.replace(/\$(\d)/g, (_, index: string) => values[Number(index) - 1]!);

/** SLIs from one template, one per row of values; each must compile as it does alone. */
const TEMPLATES: { name: string; sli: (values: readonly string[]) => Sli; rows: string[][]; shared: boolean }[] = [
  {
    name: 'a ratio of bad events, the label value and the code regex bound',
    sli: (v) => ({ kind: 'ratio', bad: { promql: fill('sum(rate(http_requests_total{job="$1",code=~"$2"}[{{.window}}]))', v) }, total: { promql: fill('sum(rate(http_requests_total{job="$1"}[{{.window}}]))', v) } }),
    // An empty value, a quote of the other kind, a regex JavaScript cannot compile, an alternation.
    rows: [['api', '5..'], ['svc-12345', '5..'], ['', '5..'], ["it's", '4..|5..'], ['api', '(']],
    shared: true,
  },
  {
    name: 'good = two selectors that cancel when their values are equal',
    sli: (v) => ({ kind: 'ratio', good: { promql: fill("sum(rate(x{a='$1'}[5m])) - sum(rate(x{a='$2'}[5m]))", v) }, total: { promql: 'sum(rate(x[5m]))' } }),
    rows: [['one', 'two'], ['same', 'same'], ['two', 'one']],
    shared: true,
  },
  {
    name: 'matchers whose order depends on the values',
    sli: (v) => ({ kind: 'ratio', good: { promql: fill('sum(rate(x{a!="$1",a!="$2",b="$3"}[5m]))', v) }, total: { promql: fill('sum(rate(x{b="$3"}[5m]))', v) } }),
    rows: [['a', 'b', 'c'], ['b', 'a', 'c'], ['z', 'y', '']],
    shared: true,
  },
  {
    name: 'a latency SLI with a bound label value',
    sli: (v) => ({ kind: 'latency', histogram: { promql: fill('sum(rate(http_request_duration_seconds_bucket{job="$1"}[5m]))', v) }, threshold: 0.3 }),
    rows: [['api'], ['web']],
    shared: true,
  },
  {
    name: 'a threshold SLI (a gauge term with its mode after the selector)',
    sli: (v) => ({ kind: 'threshold', metric: { promql: fill('queue_depth{queue="$1"}', v) } }),
    rows: [['orders'], ['mail']],
    shared: true,
  },
  {
    name: 'a raw ratio',
    sli: (v) => ({ kind: 'rawRatio', meaning: 'bad', query: { promql: fill('sum(rate(errors_total{job="$1"}[5m])) / sum(rate(requests_total{job="$1"}[5m]))', v) } }),
    rows: [['api'], ['web']],
    shared: true,
  },
  {
    name: 'a literal naming the metric is not bound',
    sli: (v) => ({ kind: 'ratio', bad: { promql: fill('sum(rate({__name__="$1",job="api"}[5m]))', v) }, total: { promql: 'sum(rate(requests_total[5m]))' } }),
    rows: [['errors_total'], ['errors_count'], ['']],
    shared: false,
  },
  {
    name: 'a literal bucket bound is not bound (it is read as a number)',
    sli: (v) => ({ kind: 'ratio', good: { promql: fill('sum(rate(latency_bucket{le="$1"}[5m]))', v) }, total: { promql: 'sum(rate(latency_bucket{le="+Inf"}[5m]))' } }),
    rows: [['0.30'], ['0.3'], ['+Inf']],
    shared: false,
  },
  {
    name: 'a quoted label name is not bound',
    sli: (v) => ({ kind: 'ratio', bad: { promql: fill('sum(rate(errors_total{"$1"="x"}[5m]))', v) }, total: { promql: 'sum(rate(errors_total[5m]))' } }),
    rows: [['job'], ['my.label']],
    shared: false,
  },
  {
    name: 'a template the compiler refuses',
    sli: (v) => ({ kind: 'ratio', bad: { promql: fill('max(rate(errors_total{job="$1"}[5m]))', v) }, total: { promql: 'sum(rate(errors_total[5m]))' } }),
    rows: [['api'], ['web']],
    shared: false,
  },
];

describe('compileSli shares one compile per template', () => {
  for (const template of TEMPLATES) {
    it(`${template.name}: every SLO compiles as it does alone`, () => {
      for (const values of template.rows) {
        const sli = template.sli(values);
        expect(compileSli(sli, objective), JSON.stringify(values)).toEqual(compileSliAlone(sli, objective));
      }
    });
  }

  it('binds where the template allows it, and not where a value could change more than the matcher', () => {
    for (const template of TEMPLATES) {
      const sli = template.sli(template.rows[0]!);
      const instance = sliInstance(sli, objective);
      expect(instance, template.name).toBeDefined();
      const bound = boundSides(sli, instance!, () => {
        throw new Error('the template was compiled by the test above');
      });
      expect(bound !== undefined, template.name).toBe(template.shared);
    }
  });

  it('compiles alone a query whose literals could change its parse (escapes, comments)', () => {
    expect(sliInstance({ kind: 'threshold', metric: { promql: 'queue_depth{queue="a\\"b"}' } }, objective)).toBeUndefined();
    expect(sliInstance({ kind: 'threshold', metric: { promql: 'queue_depth{queue="a"} # note' } }, objective)).toBeUndefined();
    const sli: Sli = { kind: 'threshold', metric: { promql: 'queue_depth{queue="a\\"b"}' } };
    expect(compileSli(sli, objective)).toEqual(compileSliAlone(sli, objective));
  });

  it('keeps SLIs with different comparisons or kinds apart', () => {
    const sli: Sli = { kind: 'threshold', metric: { promql: 'queue_depth{queue="orders"}' } };
    const above: Objective = { ...objective, op: 'gt', value: 7 };
    expect(sliInstance(sli, objective)!.key).not.toBe(sliInstance(sli, above)!.key);
    expect(compileSli(sli, above)).toEqual(compileSliAlone(sli, above));
  });
});
