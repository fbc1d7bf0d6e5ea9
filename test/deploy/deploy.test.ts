import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { readSpecFiles } from '../../src/app/index.js';
import { CONFIG_TABLE, envName, loadConfig } from '../../src/config/index.js';
import { parseDuration } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { requireBinary } from '../helpers/binaries.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const CONFIG_VARIABLES = new Set(CONFIG_TABLE.map((entry) => envName(entry.key)));

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

interface Container {
  args: string[];
  ports: { containerPort: number }[];
  env: { name: string }[];
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
  volumeMounts: { name: string; mountPath: string; subPath?: string }[];
}

describe('deploy/kubernetes.yaml', () => {
  const manifests = parseAllDocuments(read('deploy/kubernetes.yaml')).map((document) => document.toJS() as Manifest);
  const byKind = (kind: string, name?: string) => manifests.find((manifest) => manifest.kind === kind && (name === undefined || manifest.metadata.name === name));
  const deployment = byKind('Deployment');
  const template = (deployment?.spec?.template as { spec: { containers: Container[]; terminationGracePeriodSeconds: number; securityContext: { runAsUser: number } } }).spec;
  const container = template.containers[0]!;
  const configText = byKind('ConfigMap', 'sloe-config')?.data?.['sloe.yaml'] ?? '';

  it('has a Deployment, a Service, ConfigMaps for the configuration and specs, and a PVC for data', () => {
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Service']);
    expect(deployment?.spec?.strategy).toEqual({ type: 'Recreate' });
  });

  it('holds a configuration sloe accepts, listening on the container port, with a shutdown the grace period covers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-k8s-'));
    writeFileSync(join(dir, 'sloe.yaml'), configText);
    const config = loadConfig({ file: join(dir, 'sloe.yaml') });
    expect(Number(config.listen.split(':').at(-1))).toBe(container.ports[0]?.containerPort);
    expect(container.args).toEqual(['serve', '--config', '/etc/sloe/sloe.yaml']);
    expect(container.volumeMounts.find((mount) => mount.name === 'data')?.mountPath).toBe(config.dataDir);
    const specsMount = container.volumeMounts.find((mount) => mount.name === 'slos');
    expect(config.slos).toEqual([specsMount?.mountPath]);
    // Without subPath, ConfigMap updates reach the pod and a reload takes them.
    expect(specsMount?.subPath).toBeUndefined();
    expect(template.terminationGracePeriodSeconds * 1000).toBeGreaterThan((parseDuration(config.shutdownTimeout) ?? 0) + 5_000);
  });

  it('ships specs that validate', () => {
    const specs = byKind('ConfigMap', 'sloe-slos')?.data ?? {};
    const result = loadSpecs(Object.entries(specs).map(([path, text]) => ({ path, content: Buffer.from(text) })));
    expect(result.problems).toEqual([]);
    expect(result.specs.slos.length).toBeGreaterThan(0);
  });

  it('probes /healthz and /readyz, and sets only variables sloe knows', () => {
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    for (const { name } of container.env.filter((variable) => variable.name.startsWith('SLOE_'))) expect(CONFIG_VARIABLES, name).toContain(name);
  });

  it('runs as the image\'s user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toContain(`useradd --system --uid ${template.securityContext.runAsUser}`);
    expect(dockerfile).toContain(`USER ${template.securityContext.runAsUser}:`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('copies the compiled code and the built web UI, and sets only variables sloe knows', () => {
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
    expect(dockerfile).toContain('COPY --from=build /app/ui/dist ./ui/dist');
    const variables = [...dockerfile.matchAll(/\b(SLOE_[A-Z_]+)=/g)].map((match) => match[1]);
    expect(variables.length).toBeGreaterThan(0);
    for (const name of variables) expect(CONFIG_VARIABLES, name).toContain(name);
  });

  it('builds the UI in npm ci (prepare runs the build, which bundles ui/dist)', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toContain('npm run build');
    expect(pkg.scripts.build).toContain('build:ui');
    expect(dockerfile).toMatch(/RUN npm ci/);
  });
});

describe('deploy/prometheus-remote-write.yaml', () => {
  const snippet = read('deploy/prometheus-remote-write.yaml');

  it('is a remote_write section the real Prometheus accepts (promtool check config)', () => {
    const promtool = requireBinary('promtool');
    const dir = mkdtempSync(join(tmpdir(), 'sloe-prom-'));
    const tokenFile = join(dir, 'sloe-write-token');
    writeFileSync(tokenFile, 'write-token\n');
    const config = `global:\n  scrape_interval: 15s\n${snippet.replace('/etc/prometheus/secrets/sloe-write-token', tokenFile)}`;
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const result = spawnSync(promtool, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8', timeout: 20_000 });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('keeps every metric the example SLOs read, and posts to the remote-write path', () => {
    const remote = (parseYaml(snippet) as { remote_write: { url: string; write_relabel_configs: { regex: string; action: string }[] }[] }).remote_write[0]!;
    expect(new URL(remote.url).pathname).toBe('/api/v1/write');
    const keep = new RegExp(`^(?:${remote.write_relabel_configs.find((rule) => rule.action === 'keep')?.regex ?? ''})$`);
    const files = readSpecFiles([join(ROOT, 'slo-definitions')]);
    const queries = files.inputs.map((input) => Buffer.from(input.content).toString('utf8')).join('\n');
    const metrics = new Set([...queries.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1] ?? '').filter((name) => /_(total|bucket|count|sum)$/.test(name)));
    expect(metrics.size).toBeGreaterThan(2);
    for (const metric of metrics) expect(keep.test(metric), metric).toBe(true);
  });
});
