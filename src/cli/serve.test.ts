import { describe, expect, it } from 'vitest';
import { CONFIG_TABLE, envName } from '../config/index.js';
import type { CommandContext } from './context.js';
import { buildProgram } from './main.js';

describe('sloe serve --help', () => {
  it('is made from the config table: every flag with its variable and allowed values, and every key after', async () => {
    let out = '';
    const context: CommandContext = { exitCode: 0, stdout: (text) => (out += text), stderr: () => undefined, env: {}, isTTY: false };
    await expect((await buildProgram(context)).parseAsync(['node', 'sloe', 'serve', '--help'])).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    expect(out).toMatch(/--listen <host:port>\s+Address the HTTP API/);
    // commander wraps descriptions; compare with the line breaks folded.
    const folded = out.replace(/\s+/g, ' ');
    expect(folded).toContain('[env SLOE_LISTEN; HOST:PORT, e.g. 127.0.0.1:9797 or [::1]:9797; default 127.0.0.1:9797]');
    expect(folded).toContain('[env SLOE_LOG_LEVEL; one of trace, debug, info, warn, error, fatal, silent; default info]');
    for (const entry of CONFIG_TABLE) expect(out).toContain(envName(entry.key));
  });
});
