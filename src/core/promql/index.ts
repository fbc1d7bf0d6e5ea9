export { findWindowPlaceholders, hasWindowPlaceholder, maskWindowPlaceholders, substituteWindow } from './window.js';
export type { WindowPlaceholder } from './window.js';
export { parsePromql, parseTree } from './parse.js';
export { compileSli, mergeTerms } from './compile.js';
export { compileQuery } from './query.js';
export { evaluateInstant } from './evaluate.js';
export type { InstantSeries, InstantValue } from './instant.js';
export { formatBound, formatMatcher, matcherAccepts, parseBound } from './labels.js';
export type { CompileResult, CompiledSli, GaugeMode, LabelMatcher, MatchOp, ParseResult, QueryResult, SignedTerm, SliQueryRole, Term } from './types.js';
