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
    if (state.onlyConfiguredSources && !checkSourceNames(slo, sli, state)) continue;
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

/** Every query of an SLI that names a data source, with the source it names. */
function namedQueries(sli: Sli): { query: Query; source: string }[] {
  const queries = sli.kind === 'ratio' ? [sli.good, sli.bad, sli.total] : sli.kind === 'latency' ? [sli.histogram] : sli.kind === 'threshold' ? [sli.metric] : [sli.query];
  return queries.flatMap((query) => (query?.source === undefined ? [] : [{ query, source: query.source }]));
}

/**
 * A source the SLI names must be configured: the engine would ask it for every figure, and one that does not exist
 * answers nothing, so the SLO would sit at "no data" with its spec accepted. One problem per unknown name, at the
 * first query naming it; false when there was one.
 */
function checkSourceNames(slo: Slo, sli: Sli, state: LoadState): boolean {
  const unknown = namedQueries(sli).filter(({ source }, index, all) => !state.remoteSources.includes(source) && all.findIndex((other) => other.source === source) === index);
  const configured = state.remoteSources.length === 0 ? 'none is configured' : `configured: ${state.remoteSources.join(', ')}`;
  for (const { query, source } of unknown) {
    const message = `SLO '${slo.name}': its SLI names the data source '${source}', which is not a configured remote query source (${configured}); add it under \`sources:\` in the configuration, or drop \`source\` to evaluate the query from ingested samples`;
    const where = written.get(query);
    if (where !== undefined) where.ctx.report(where.node, message);
    else if (slo.origin !== undefined) state.problems.push({ file: slo.origin.file, line: slo.origin.line, column: slo.origin.column, message });
  }
  return unknown.length === 0;
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
