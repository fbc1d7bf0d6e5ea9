import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * The files that took longest when last measured (docs/testing.md), longest first. Vitest starts the longest files
 * first when it has their durations from an earlier run; a fresh clone (CI) has none, and vitest then starts the
 * largest files first, which put a short file that runs for minutes near the end, where it alone set the wall time.
 */
const SLOWEST_FIRST = [
  'test/hardening/crash.test.ts',
  'test/hardening/overload-cardinality.test.ts',
  'test/hardening/crash-group-commit.test.ts',
  'test/ui/self-slos.test.ts',
  'test/generate/promtool-30d.test.ts',
  'test/hardening/ingest-admission.test.ts',
  'test/ui/review-pages.test.ts',
  'test/hardening/overload.test.ts',
  'test/spec/convert-promtool.test.ts',
  'test/ingest/prometheus-remote-write.test.ts',
  'test/app/shutdown.test.ts',
  'test/ingest/prometheus-native-histogram.test.ts',
  'test/generate/promtool-alerts.test.ts',
  'test/ingest/vmagent-remote-write.test.ts',
];

/** Vitest's order, except that the files above without a duration from an earlier run go first, in the order above. */
class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const unmeasuredRank = (spec: TestSpecification): number => {
      const path = relative(this.ctx.config.root, spec.moduleId);
      const rank = SLOWEST_FIRST.indexOf(path);
      return rank >= 0 && this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`) === undefined ? rank : SLOWEST_FIRST.length;
    };
    // Array.prototype.sort is stable: everything else keeps vitest's order.
    return sorted.sort((a, b) => unmeasuredRank(a) - unmeasuredRank(b));
  }
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests start real Prometheus, Alertmanager and Chromium processes; two cores are all CI has.
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirstSequencer },
  },
});
