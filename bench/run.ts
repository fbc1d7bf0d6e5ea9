/**
 * `npm run bench`: runs every benchmark in bench/<name>/run.ts, one after the other (they measure, so they must not
 * share the two cores), and writes bench/RESULTS.md with the machine, the date and every figure beside its baseline.
 * `npm run bench -- ingest gate` runs only those; the figures of the others are kept from bench/results.json, each
 * section dated, so RESULTS.md always shows every benchmark's latest run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { format } from './lib.js';

interface Row {
  name: string;
  unit: string;
  median: number;
  spread: number;
  runs: number;
  baselineName?: string;
  baselineMedian?: number;
  baselineSpread?: number;
  ratio?: number;
  target?: string;
  met?: boolean;
}

const root = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'run.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

interface BenchResult {
  bench: string;
  rows: Row[];
  ok: boolean;
  seconds: number;
  /** ISO date of the run. */
  date: string;
  /** The machine's 1-minute load average when the run started: how contended it was. */
  load?: number;
}

const stored = join(root, 'results.json');
const previous: BenchResult[] = existsSync(stored) ? (JSON.parse(readFileSync(stored, 'utf8')) as BenchResult[]) : [];
const results: BenchResult[] = [];
for (const bench of benches) {
  console.log(`\n=== bench/${bench} ===`);
  const started = Date.now();
  const load = loadavg()[0] ?? 0;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(root, bench, 'run.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  const seconds = (Date.now() - started) / 1000;
  const output = run.stdout ?? '';
  process.stdout.write(output.split('\n').filter((line) => !line.startsWith('BENCH_RESULT ')).join('\n'));
  const rows: Row[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('BENCH_RESULT ')) continue;
    const parsed = JSON.parse(line.slice('BENCH_RESULT '.length)) as { rows: Row[] };
    rows.push(...parsed.rows);
  }
  results.push({ bench, rows, ok: run.status === 0, seconds, date: new Date().toISOString(), load });
}

const merged = [...previous.filter((old) => !results.some((fresh) => fresh.bench === old.bench)), ...results].sort((a, b) => a.bench.localeCompare(b.bench));
writeFileSync(stored, `${JSON.stringify(merged, null, 2)}\n`);

const cell = (value: number | undefined, spread?: number): string => (value === undefined ? '' : `${format(value)}${spread === undefined ? '' : ` ±${spread.toFixed(1)}%`}`);
const lines = [
  '# Benchmark results',
  '',
  `Made by \`npm run bench\` on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; each section gives the date and time of its run.`,
  'Each figure is the median of several runs, with its spread ((max - min) / median); every baseline was measured in the same run on the same machine.',
  'The machine is shared and noisy: compare ratios, not absolute numbers.',
  '',
];
for (const result of merged) {
  lines.push(`## ${result.bench}${result.ok ? '' : ' (FAILED: see the run output)'}`, '', `Run ${result.date.slice(0, 16).replace('T', ' ')} UTC (load average ${result.load === undefined ? '?' : result.load.toFixed(1)} on ${cpus().length} cores at its start); took ${result.seconds.toFixed(0)} s.`, '');
  if (result.rows.length === 0) {
    lines.push('No figures reported.', '');
    continue;
  }
  lines.push('| figure | sloe | runs | baseline | baseline figure | ratio | target |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of result.rows) {
    const target = row.target === undefined ? '' : `${row.target} ${row.met === true ? '(met)' : row.met === false ? '(NOT met)' : ''}`;
    lines.push(`| ${row.name} (${row.unit}) | ${cell(row.median, row.spread)} | ${row.runs} | ${row.baselineName ?? ''} | ${cell(row.baselineMedian, row.baselineSpread)} | ${row.ratio === undefined ? '' : format(row.ratio)} | ${target} |`);
  }
  lines.push('');
  // A bench's own notes (how to read its figures, what was measured beside them) follow its table.
  const notes = join(root, result.bench, 'NOTES.md');
  if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trimEnd(), '');
}
// The soak (npm run soak, too long for npm run bench) keeps its latest figures and method in its own file, kept here.
const soak = join(root, 'soak', 'RESULTS.md');
if (existsSync(soak)) lines.push(readFileSync(soak, 'utf8').trimEnd(), '');
writeFileSync(join(root, 'RESULTS.md'), `${lines.join('\n')}\n`);
console.log(`\nwrote bench/RESULTS.md (${results.length} run now, ${merged.length} in all)`);
process.exitCode = results.every((result) => result.ok) ? 0 : 1;
