/**
 * `sloe` from the sources, spawned with `node --import tsx`: for bench/, which profiles the sources as they are.
 * Tests run bin/sloe.js through `sloeEntry()` (build.ts) instead, compiled when a source is newer: a start through
 * tsx costs about 1.6 s more CPU.
 */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
