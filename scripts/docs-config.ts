// Rewrites the configuration reference in docs/operations.md from src/config/table.ts. Run with `npm run docs:config`;
// src/config/reference.test.ts fails when the reference is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '../src/config/index.js';

const path = new URL('../docs/operations.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withConfigReference(before);
if (after === before) {
  console.log('docs/operations.md: configuration reference is up to date');
} else {
  writeFileSync(path, after);
  console.log('docs/operations.md: configuration reference rewritten');
}
