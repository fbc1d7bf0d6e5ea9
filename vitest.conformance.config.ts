import { defineConfig } from 'vitest/config';

/** `npm run test:peers`: sloe against specs other projects wrote (SLOE_PEERS, else ../shared/peers). */
export default defineConfig({
  test: {
    include: ['conformance/**/*.test.ts'],
    globalSetup: ['conformance/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
