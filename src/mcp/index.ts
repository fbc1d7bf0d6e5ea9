export { createMcp } from './component.js';
export type { McpComponentOptions, McpReviews } from './component.js';
