export { compileSli, mergeTerms } from './compile.js';
export { compileQuery } from './query.js';
export { parsePromql } from './parse.js';
export { MatcherIndex, termMatches } from './match.js';
export { formatBound, parseBound } from './labels.js';
export type { CompileResult, CompiledSli, GaugeMode, LabelMatcher, MatchOp, ParseResult, QueryResult, SignedTerm, SliQueryRole, Term } from './types.js';
