export { MatcherIndex, termMatches } from './match.js';
