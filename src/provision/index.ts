export { applyFolder, planFolder, writeFileAtomic } from './files.js';
export type { FileChange, WantedFile } from './files.js';
export { unifiedDiff } from './diff.js';
