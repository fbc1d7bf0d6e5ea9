import { join } from 'node:path';
import { describeSlothEquivalence } from './sloth-equivalence.js';

// Sloth's own examples and the rules Sloth generated from them, copied from slok/sloth (commit 0e395d8, Apache-2.0,
// see sloth/LICENSE) so the suite owns its fixtures. The conformance suite runs the same comparison on all of them.
describeSlothEquivalence(join(import.meta.dirname, 'sloth'), 6);
