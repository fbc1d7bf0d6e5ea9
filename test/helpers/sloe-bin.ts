/** `sloe` from the sources, for tests that need a real process (crash, shutdown): spawned with `node --import tsx`. */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
