import type { Node } from 'yaml';
import { compileSli } from '../core/index.js';
import type { Query, Sli, SliQueryRole, Slo } from '../core/index.js';
import type { DocContext } from './context.js';
import { positionInScalar } from './promql.js';
import type { LoadState } from './state.js';

/** Where each loaded query was written, so a problem found later (the subset check) can point into it. */
const written = new WeakMap<Query, { ctx: DocContext; node: Node }>();

export function rememberQuery(query: Query, ctx: DocContext, node: Node): Query {
  written.set(query, { ctx, node });
  return query;
}

function queryOf(sli: Sli, role: SliQueryRole | undefined): Query {
  switch (sli.kind) {
    case 'ratio':
      return (role === 'good' ? sli.good : role === 'bad' ? sli.bad : role === 'total' ? sli.total : (sli.good ?? sli.bad)) ?? sli.total;
    case 'latency':
      return sli.histogram;
    case 'threshold':
      return sli.metric;
    case 'rawRatio':
      return sli.query;
  }
}

function sourcesOf(sli: Sli): (string | undefined)[] {
  switch (sli.kind) {
    case 'ratio':
      return [sli.good?.source, sli.bad?.source, sli.total.source].filter((_, index) => index === 2 || (index === 0 ? sli.good : sli.bad) !== undefined);
    case 'latency':
      return [sli.histogram.source];
    case 'threshold':
      return [sli.metric.source];
    case 'rawRatio':
      return [sli.query.source];
  }
}

/**
 * A query the embedded engine cannot evaluate must go to a remote source: the one its data source names, or the
 * configured default. Without one the SLO could never be evaluated, which is a problem naming the unsupported part.
 */
function checkSlo(slo: Slo, state: LoadState): void {
  const checked = new Set<Sli>();
  for (const objective of slo.objectives) {
    const sli = objective.sli ?? slo.sli;
    if (checked.has(sli) && sli.kind !== 'threshold') continue;
    checked.add(sli);
    const result = compileSli(sli, objective);
    if (result.ok) continue;
    const sources = sourcesOf(sli);
    const named = sources.find((source) => source !== undefined);
    const reason = result.reason.replace(/^query query: /, 'query: ');
    let message: string;
    if (sli.kind === 'latency') {
      // A latency SLI is a histogram selector and a bound wherever it is evaluated; a wrong one is wrong everywhere.
      message = `SLO '${slo.name}': ${reason}`;
    } else {
      if (named !== undefined && state.remoteSources.includes(named)) continue;
      if (named === undefined && state.remoteSources.length > 0) continue;
      const remote = named === undefined
        ? 'and no remote query source is configured (add one under `sources:` in the configuration, or pass --source NAME to sloe validate)'
        : `and its data source '${named}' is not a configured remote query source`;
      message = `SLO '${slo.name}': ${reason}; the embedded engine cannot evaluate this query ${remote}`;
    }
    const query = queryOf(sli, result.query);
    const where = written.get(query);
    if (where === undefined) {
      const origin = slo.origin;
      if (origin !== undefined) state.problems.push({ file: origin.file, line: origin.line, column: origin.column, message });
      continue;
    }
    const position = result.from === undefined ? where.ctx.position(where.node) : positionInScalar(where.ctx, where.node, offsetInWritten(query, where.node, result.from));
    where.ctx.reportAt(position, message);
  }
}

/** Loaders store queries trimmed; offsets from the compiler are into the trimmed text. */
function offsetInWritten(query: Query, node: Node, offset: number): number {
  const value: unknown = (node as { value?: unknown }).value;
  if (typeof value !== 'string') return offset;
  const lead = value.indexOf(query.promql);
  return (lead < 0 ? 0 : lead) + offset;
}

export function checkEmbeddedSubset(state: LoadState): void {
  for (const { value, at } of state.slos) {
    try {
      checkSlo(value, state);
    } catch (cause) {
      // The SLI compiler refuses by result, not by throwing; if it throws anyway the user gets a line, not a trace.
      const reason = cause instanceof Error ? cause.message.split('\n')[0] ?? '' : String(cause);
      state.problems.push({ ...at, message: `SLO '${value.name}': its SLI could not be checked (${reason}); this is a bug in sloe, please report it` });
    }
  }
}
