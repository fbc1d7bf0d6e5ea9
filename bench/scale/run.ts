/**
 * bench/scale: how memory, tick time and restart grow with the number of SLOs (issue 21), against today's code in the
 * same run. For each size (default 1k, 10k, 30k; `--sizes 1000,10000,30000,100000`), bench/scale/probe.ts runs in its
 * own process twice: once on this checkout's src/, once on an extract of the baseline commit's src/ (`--baseline REF`,
 * default the merge base with `main`, i.e. the code before this branch). Each prints memory per SLO, tick CPU and wall
 * time per 100 SLOs with nothing and with 10 % burning, and restart to ready; then a least-squares slope per figure
 * over the sizes, and the ratio of the per-SLO figure at the largest size to the smallest (1.0 is linear growth).
 * The CPU other processes used during each probe is printed beside it: wall times on a shared machine mean little
 * without it, which is why tick targets are judged on CPU time.
 * Usage: node --import tsx bench/scale/run.ts [--sizes 1000,10000] [--baseline REF] [--no-baseline]
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, median, reportFigures } from '../lib.js';
import type { Figure } from '../lib.js';

const root = join(import.meta.dirname, '..', '..');
const arg = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const SIZES = (arg('--sizes') ?? '1000,10000,30000').split(',').map(Number);
const WITH_BASELINE = !process.argv.includes('--no-baseline');

interface ProbeResult {
  slos: number;
  feedSeconds: number;
  heldBytes: number;
  rssBytes: number;
  quietTickMs: number[];
  quietTickCpuMs: number[];
  burningTickMs: number[];
  burningTickCpuMs: number[];
  restartMs: number;
  restartCpuMs: number;
}

interface Measured extends ProbeResult {
  /** CPU seconds other processes used on the machine while the probe ran. */
  othersCpuSeconds: number;
  seconds: number;
  load: number;
}

/** Busy CPU seconds of the whole machine (every process), from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.reduce((sum, value) => sum + value, 0) - idle) / 100;
}

function baselineTree(): { dir: string; ref: string } {
  const ref = arg('--baseline') ?? gitOut(['merge-base', 'HEAD', 'main']);
  const dir = mkdtempSync(join(tmpdir(), 'sloe-scale-baseline-'));
  const archive = execFileSync('git', ['archive', ref, 'src'], { cwd: root, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  mkdirSync(join(dir, 'bench', 'scale'), { recursive: true });
  copyFileSync(join(root, 'bench', 'scale', 'probe.ts'), join(dir, 'bench', 'scale', 'probe.ts'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  return { dir, ref };
}

function gitOut(args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

async function probe(tree: string, slos: number): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-scale-'));
  const load = loadavg()[0] ?? 0;
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  try {
    const { stdout, cpuSeconds } = await new Promise<{ stdout: string; cpuSeconds: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', '--max-old-space-size=8192', join(tree, 'bench', 'scale', 'probe.ts'), '--slos', String(slos), '--dir', dir], { cwd: tree, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`probe of ${slos} SLOs in ${tree} exited with ${code}`));
        const stat = out.match(/^PROBE_CPU (\S+)$/m);
        resolve({ stdout: out, cpuSeconds: stat ? Number(stat[1]) : 0 });
      });
    });
    const line = stdout.split('\n').find((text) => text.startsWith('SCALE_RESULT '));
    if (!line) throw new Error(`probe of ${slos} SLOs printed no result`);
    const seconds = (performance.now() - started) / 1000;
    const others = machineBusySeconds() - machineBefore - cpuSeconds;
    return { ...(JSON.parse(line.slice('SCALE_RESULT '.length)) as ProbeResult), othersCpuSeconds: Math.max(0, others), seconds, load };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

interface Metric {
  readonly name: string;
  readonly unit: string;
  /** The figure per SLO (or per 100 SLOs) from one probe. */
  readonly per: (result: Measured) => number;
  /** The figure in total, whose slope over the sizes is printed. */
  readonly total: (result: Measured) => number;
  readonly totalUnit: string;
  readonly target?: { text: string; met: (value: number, slos: number) => boolean };
}

const METRICS: readonly Metric[] = [
  { name: 'engine memory per SLO', unit: 'KB', per: (r) => r.heldBytes / r.slos / 1024, total: (r) => r.heldBytes / 2 ** 20, totalUnit: 'MB', target: { text: '≤ 10 KB', met: (value) => value <= 10 } },
  { name: 'RSS growth per SLO', unit: 'KB', per: (r) => r.rssBytes / r.slos / 1024, total: (r) => r.rssBytes / 2 ** 20, totalUnit: 'MB' },
  { name: 'tick CPU per 100 SLOs, nothing burning', unit: 'ms', per: (r) => (median(r.quietTickCpuMs) / r.slos) * 100, total: (r) => median(r.quietTickCpuMs), totalUnit: 'ms', target: { text: '≤ 2 ms', met: (value) => value <= 2 } },
  { name: 'tick CPU per 100 SLOs, 10 % burning', unit: 'ms', per: (r) => (median(r.burningTickCpuMs) / r.slos) * 100, total: (r) => median(r.burningTickCpuMs), totalUnit: 'ms', target: { text: '≤ 2 ms', met: (value) => value <= 2 } },
  { name: 'tick wall per 100 SLOs, nothing burning', unit: 'ms', per: (r) => (median(r.quietTickMs) / r.slos) * 100, total: (r) => median(r.quietTickMs), totalUnit: 'ms' },
  { name: 'tick wall per 100 SLOs, 10 % burning', unit: 'ms', per: (r) => (median(r.burningTickMs) / r.slos) * 100, total: (r) => median(r.burningTickMs), totalUnit: 'ms' },
  { name: 'restart to ready per 1k SLOs', unit: 's', per: (r) => r.restartMs / r.slos, total: (r) => r.restartMs / 1000, totalUnit: 's', target: { text: '≤ 10 s at 100k (0.1 s per 1k)', met: (value) => value <= 0.1 } },
  { name: 'restart CPU per 1k SLOs', unit: 's', per: (r) => r.restartCpuMs / r.slos, total: (r) => r.restartCpuMs / 1000, totalUnit: 's' },
];

async function main(): Promise<void> {
  const baseline = WITH_BASELINE ? baselineTree() : undefined;
  console.log(`bench/scale: sizes ${SIZES.join(', ')}; 2 series per SLO, 10 minutes of history; baseline ${baseline ? `${baseline.ref.slice(0, 10)} (today's code)` : 'none'}`);
  const ours: Measured[] = [];
  const theirs: Measured[] = [];
  try {
    for (const slos of SIZES) {
      // Baseline first at each size, then ours: both see about the same machine.
      const variants: [string, string, Measured[]][] = [...(baseline ? [['baseline', baseline.dir, theirs] as [string, string, Measured[]]] : []), ['sloe', root, ours]];
      for (const [label, tree, into] of variants) {
        const result = await probe(tree, slos);
        into.push(result);
        console.log(
          `  ${label.padEnd(8)} ${String(slos).padStart(7)} SLOs: ` +
            METRICS.map((metric) => `${metric.name.replace(' per SLO', '').replace(' per 100 SLOs', '').replace(' per 1k SLOs', '')} ${format(metric.total(result))} ${metric.totalUnit}`).join('; ') +
            ` (feed ${result.feedSeconds.toFixed(1)} s, probe ${result.seconds.toFixed(0)} s; load avg ${result.load.toFixed(1)}, other processes ${result.othersCpuSeconds.toFixed(1)} CPU-s meanwhile)`,
        );
      }
    }
  } finally {
    if (baseline) rmSync(baseline.dir, { recursive: true, force: true });
  }

  console.log('\nper-SLO figures by size (sloe | baseline), slope of the total over the sizes, largest/smallest per-SLO ratio:');
  for (const metric of METRICS) {
    const cells = ours.map((result, index) => `${result.slos}: ${format(metric.per(result))}${theirs[index] ? ` | ${format(metric.per(theirs[index]))}` : ''}`);
    const slopeOf = (results: Measured[]): number => slope(results.map((result) => [result.slos / 1000, metric.total(result)]));
    const growth = (results: Measured[]): number => metric.per(results[results.length - 1]!) / metric.per(results[0]!);
    console.log(
      `  ${metric.name} (${metric.unit}): ${cells.join('; ')}; slope ${format(slopeOf(ours))} ${metric.totalUnit} per 1k SLOs${theirs.length > 1 ? ` (baseline ${format(slopeOf(theirs))})` : ''}; growth ${format(growth(ours))}${theirs.length > 1 ? ` (baseline ${format(growth(theirs))})` : ''}`,
    );
  }
  const figures: Figure[] = [];
  for (const metric of METRICS) {
    for (const [index, result] of ours.entries()) {
      const value = metric.per(result);
      const base = theirs[index];
      figures.push({
        name: `${metric.name} at ${result.slos.toLocaleString('en-US')}`,
        unit: metric.unit,
        runs: [value],
        ...(base ? { baselineRuns: [metric.per(base)], baselineName: "today's code" } : {}),
        ...(metric.target ? { target: metric.target.text, met: metric.target.met(value, result.slos) } : {}),
      });
    }
  }
  reportFigures('scale', figures);
}

await main();
