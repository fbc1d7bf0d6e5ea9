/**
 * A real `vmalert` in replay mode: it evaluates rules over a past time range against a VictoriaMetrics datasource and
 * writes every recording back into it, then exits. Replay rather than live evaluation because a test then knows
 * exactly which instants were evaluated and needs no wall-clock wait.
 *
 * Chained rules (a ratio over the event recordings, the budget over the ratio) read what an earlier rule wrote, and
 * VictoriaMetrics makes freshly written rows searchable only after its pending-rows flush (about 2 s). Rather than
 * guessing a delay between rules (`-replay.rulesDelay`), the rules are replayed in layers by dependency depth, one
 * vmalert run per layer, with a forced flush of VictoriaMetrics between layers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRuleFile } from '../../src/generate/index.js';
import type { Rule, RuleFile } from '../../src/generate/index.js';
import { requireBinary } from '../helpers/binaries.js';

export interface ReplayOptions {
  /** Base URL of the VictoriaMetrics that holds the input series and receives the recordings. */
  readonly victoriaUrl: string;
  readonly ruleFiles: readonly RuleFile[];
  readonly from: number;
  readonly to: number;
  /** Upper bound on each vmalert run; it is killed and the promise rejects after it. */
  readonly timeoutMs: number;
}

/** Each rule's layer: 0 reads only input series, n reads recordings of layers below n. */
export function dependencyLayers(files: readonly RuleFile[]): Map<Rule, number> {
  const rules = files.flatMap((file) => file.groups.flatMap((group) => group.rules));
  const recorded = new Set(rules.flatMap((rule) => ('record' in rule ? [rule.record] : [])));
  const reads = new Map(rules.map((rule) => [rule, [...recorded].filter((name) => new RegExp(`(^|[^a-zA-Z0-9_:])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-zA-Z0-9_:])`).test(rule.expr))]));
  const layerOfName = new Map<string, number>();
  const layers = new Map<Rule, number>();
  // Relaxed to a fixed point; generated rules have no cycles, so it ends within one pass per rule.
  for (let pass = 0; pass <= rules.length; pass++) {
    let changed = false;
    for (const rule of rules) {
      const layer = Math.max(-1, ...reads.get(rule)!.map((name) => layerOfName.get(name) ?? 0)) + 1;
      if (layers.get(rule) !== layer) changed = true;
      layers.set(rule, layer);
      if ('record' in rule) layerOfName.set(rule.record, Math.max(layer, layerOfName.get(rule.record) ?? 0));
    }
    if (!changed) return layers;
  }
  throw new Error('rule dependencies do not settle: is there a cycle?');
}

export async function replayWithVmalert(options: ReplayOptions): Promise<void> {
  const layers = dependencyLayers(options.ruleFiles);
  const deepest = Math.max(...layers.values());
  for (let layer = 0; layer <= deepest; layer++) {
    const files = options.ruleFiles.map((file) => ({ ...file, groups: file.groups.map((group) => ({ ...group, rules: group.rules.filter((rule) => layers.get(rule) === layer) })).filter((group) => group.rules.length > 0) }));
    await runReplay(options, files.filter((file) => file.groups.length > 0).map((file) => renderRuleFile(file)));
    const flushed = await fetch(`${options.victoriaUrl}/internal/force_flush`);
    if (!flushed.ok) throw new Error(`force_flush answered ${flushed.status}`);
  }
}

async function runReplay(options: ReplayOptions, ruleTexts: readonly string[]): Promise<void> {
  const binary = requireBinary('vmalert');
  const dir = mkdtempSync(join(tmpdir(), 'sloe-vmalert-'));
  const rules = ruleTexts.map((text, index) => {
    const path = join(dir, `rules-${index}.yaml`);
    writeFileSync(path, text);
    return path;
  });
  const args = [
    ...rules.map((path) => `-rule=${path}`),
    `-datasource.url=${options.victoriaUrl}`,
    `-remoteWrite.url=${options.victoriaUrl}`,
    `-replay.timeFrom=${new Date(options.from).toISOString()}`,
    `-replay.timeTo=${new Date(options.to).toISOString()}`,
    // Unset, vmalert sends step=5m with every query, and a replay then records one point per five minutes.
    '-datasource.queryStep=0s',
    // Rules of one layer do not read each other: no wait between them is needed.
    '-replay.rulesDelay=0s',
    '-replay.disableProgressBar',
    '-replay.ruleRetryAttempts=2',
    '-httpListenAddr=127.0.0.1:0',
    '-loggerLevel=ERROR',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let logged = '';
  const keep = (chunk: Buffer) => (logged = (logged + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`vmalert replay did not finish within ${options.timeoutMs} ms: ${logged}`));
      }, options.timeoutMs);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    if (code !== 0) throw new Error(`vmalert replay exited with ${code}: ${logged}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
