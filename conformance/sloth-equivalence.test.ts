import { join } from 'node:path';
import { describeSlothEquivalence } from '../test/generate/sloth-equivalence.js';
import { PEERS } from './peers-folder.js';

describeSlothEquivalence(join(PEERS, 'sloth'), 10);
