export { createMcp } from './component.js';
export type { McpComponentOptions } from './component.js';
