import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { requireBinary } from '../helpers/binaries.js';

/** The browser's flags: headless, no sandbox (containers), and nothing that talks to the network on its own. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The distribution's Chromium (never a downloaded one), with a fresh profile that `close` removes. */
export async function launchChromium(): Promise<{ page: Page; context: BrowserContext; close: () => Promise<void> }> {
  const executablePath = requireBinary('chromium');
  const profile = mkdtempSync(join(tmpdir(), 'sloe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1366, height: 900 }, timeout: 30_000 });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
