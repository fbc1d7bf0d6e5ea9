/**
 * The layering of ARCHITECTURE.md, checked in `npm test`:
 * core is pure; spec and generate use only core; adapters use core (and the pure layers) but never each other;
 * only app composes adapters, and only cli imports app. delivery/ is the one outbound HTTP path (classification,
 * backoff, signing, the durable queue): adapters use it the way they use core, and it uses nothing but core, so it
 * cannot become a back door between adapters.
 */
const ADAPTERS = ['auth', 'ingest', 'store', 'source', 'engine', 'notify', 'api', 'config', 'telemetry', 'policy', 'provision', 'review', 'mcp'];
const PURE_PACKAGES = '^(@prometheus-io/lezer-promql|@lezer/)';

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core/ imports nothing outside itself except pure parsing libraries.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', `node_modules/${PURE_PACKAGES.slice(1)}`] },
    },
    {
      name: 'pure-layers-use-only-core',
      comment: 'spec/ and generate/ are pure: they may use core and libraries, but no adapter, app or cli.',
      severity: 'error',
      from: { path: '^src/(spec|generate)/' },
      to: { path: `^src/(${[...ADAPTERS, 'app', 'cli'].join('|')})/` },
    },
    {
      name: 'pure-layers-do-no-io',
      comment: 'spec/ and generate/ take text and return data; files and the network are the callers\' business.',
      severity: 'error',
      from: { path: '^src/(core|spec|generate)/' },
      to: { dependencyTypes: ['core'], path: '^(fs|node:fs|fs/promises|node:fs/promises|net|node:net|http|node:http|https|node:https|child_process|node:child_process)$' },
    },
    ...ADAPTERS.map((adapter) => ({
      name: `${adapter}-does-not-reach-into-other-adapters`,
      comment: 'Adapters talk through ports in core, handed in by app.',
      severity: 'error',
      from: { path: `^src/${adapter}/` },
      to: { path: `^src/(${[...ADAPTERS.filter((other) => other !== adapter), 'app', 'cli'].join('|')})/` },
    })),
    {
      name: 'delivery-uses-only-core',
      comment: 'delivery/ is shared by the adapters that send; it may not depend on any of them (or on app and cli).',
      severity: 'error',
      from: { path: '^src/delivery/' },
      to: { path: `^src/(${[...ADAPTERS, 'spec', 'generate', 'app', 'cli'].join('|')})/` },
    },
    {
      name: 'pure-layers-do-not-send',
      comment: 'core, spec and generate do no I/O, so they have no use for delivery/.',
      severity: 'error',
      from: { path: '^src/(core|spec|generate)/' },
      to: { path: '^src/delivery/' },
    },
    {
      name: 'only-cli-imports-app',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|app)/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'modules-are-used-through-their-index',
      comment: "A module's public surface is its index.ts (every export named): another module imports that, never a file behind it.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
