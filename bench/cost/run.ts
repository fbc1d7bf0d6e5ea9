/**
 * The cost of keeping 1,000 SLOs current: CPU seconds per hour spent by sloe (scraping the data and evaluating every
 * SLO every 30 s) against a Prometheus 2.42 scraping the same target and evaluating the recording and alert rules
 * `sloe generate` makes for the same SLOs. Both run at once against one target serving the same counters, and a
 * second Prometheus with the same scrape and no rules is the baseline for what scraping alone costs.
 *
 * CPU is read from /proc/<pid>/stat over measurement intervals after a warm-up, so the figures do not depend on how
 * busy the machine is (only on what each process does). Caveat, printed with the figures: Prometheus's range queries
 * over 30-day windows cost more as history accumulates; here it holds minutes of data, so its figure is a lower
 * bound, while sloe's per-tick cost does not grow with history (its window sums are kept incrementally).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/ports.js';
import { startPrometheus } from '../../test/ingest/prometheus-process.js';
import { reportFigures } from '../lib.js';

const SLOS = Number(process.env.BENCH_COST_SLOS ?? 1000);
const WARMUP_MS = Number(process.env.BENCH_COST_WARMUP_MS ?? 45_000);
const INTERVAL_MS = Number(process.env.BENCH_COST_INTERVAL_MS ?? 40_000);
const INTERVALS = Number(process.env.BENCH_COST_INTERVALS ?? 3);
const ROOT = join(import.meta.dirname, '..', '..');
const CLOCK_TICKS = 100;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function spec(index: number): string {
  return `apiVersion: sloe/v1
kind: SLO
metadata:
  name: svc${index}-availability
spec:
  service: svc${index}
  window: 30d
  objectives:
    - targetPercent: 99.9
  sli:
    ratio:
      bad: sum(rate(bench_requests_total{service="svc${index}",code="500"}[{{.window}}]))
      total: sum(rate(bench_requests_total{service="svc${index}"}[{{.window}}]))
`;
}

/** The scrape target: two counters per service, growing at a steady rate with 0.05 % errors. */
async function target(): Promise<{ url: string; close: () => Promise<void> }> {
  const started = Date.now();
  const server = createServer((_request, response) => {
    const seconds = (Date.now() - started) / 1000;
    const lines = ['# TYPE bench_requests_total counter'];
    for (let i = 0; i < SLOS; i++) {
      const total = Math.floor(seconds * (10 + (i % 7)));
      const bad = Math.floor(total * 0.0005);
      lines.push(`bench_requests_total{service="svc${i}",code="200"} ${total - bad}`, `bench_requests_total{service="svc${i}",code="500"} ${bad}`);
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function waitReady(url: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`sloe not ready at ${url}`);
}

const work = mkdtempSync(join(tmpdir(), 'sloe-bench-cost-'));
const slos = join(work, 'slos');
const rules = join(work, 'rules');
mkdirSync(slos);
for (let i = 0; i < SLOS; i++) writeFileSync(join(slos, `svc${i}.yaml`), spec(i));
const generated = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'sloe-bin.ts'), 'generate', '--slos', slos, '--rules-out', rules, '--dashboards-out', join(work, 'dashboards')], { encoding: 'utf8' });
if (generated.status !== 0) throw new Error(`sloe generate failed: ${generated.stderr}`);

const scrape = await target();
const scrapeConfig = `  scrape_interval: 15s\nscrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: ["${scrape.url}"]\n`;
const withRules = await startPrometheus(`global:\n  evaluation_interval: 30s\n${scrapeConfig}rule_files:\n  - ${rules}/*.yaml\n  - ${rules}/*.yml\n`);
const scrapeOnly = await startPrometheus(`global:\n${scrapeConfig}`);
const sloePort = await freePort();
writeFileSync(join(work, 'sloe.yaml'), `slos: [${slos}]\ndataDir: ${join(work, 'data')}\nevaluationInterval: 30s\nlogLevel: warn\nscrape:\n  - { job: bench, targets: ["${scrape.url}"], interval: 15s, timeout: 5s }\n`);
const sloe = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'sloe-bin.ts'), 'serve', '--config', join(work, 'sloe.yaml'), '--listen', `127.0.0.1:${sloePort}`], { stdio: ['ignore', 'ignore', 'inherit'] });

try {
  await waitReady(`http://127.0.0.1:${sloePort}`, 120_000);
  const loaded = (await withRules.query('count(count by (__name__) ({__name__=~"slo:.+"}))')).result[0]?.value[1];
  console.log(`cost: ${SLOS} SLOs; rules loaded in Prometheus; warming up ${WARMUP_MS / 1000} s (slo:* record names seen so far: ${loaded ?? 0})`);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const processes = { sloe: sloe.pid ?? 0, prometheus: withRules.pid, scrapeOnly: scrapeOnly.pid };
  const perHour: Record<keyof typeof processes, number[]> = { sloe: [], prometheus: [], scrapeOnly: [] };
  for (let interval = 0; interval < INTERVALS; interval++) {
    const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)]));
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    const hours = (Date.now() - startedAt) / 3_600_000;
    for (const [name, pid] of Object.entries(processes) as [keyof typeof processes, number][]) {
      perHour[name].push((cpuSeconds(pid) - (before[name] ?? 0)) / hours);
    }
    console.log(`cost: interval ${interval + 1}/${INTERVALS}: sloe ${perHour.sloe.at(-1)?.toFixed(0)} CPU s/h, Prometheus with rules ${perHour.prometheus.at(-1)?.toFixed(0)}, scrape only ${perHour.scrapeOnly.at(-1)?.toFixed(0)}`);
  }
  const status = (await (await fetch(`http://127.0.0.1:${sloePort}/api/v1/slos/svc0-availability`)).json()) as { sli: number | null };
  console.log(`cost: sloe's svc0 SLI ${status.sli}; Prometheus's: ${(await withRules.query('slo:sli_error:ratio_rate5m{slo_name="svc0-availability"}')).result[0]?.value[1] ?? 'none yet'} (error ratio)`);
  console.log('cost: caveat: Prometheus holds minutes of history here; its 30-day range queries cost more as history grows, sloe\'s incremental sums do not.');
  const rulesOnly = perHour.prometheus.map((value, index) => value - (perHour.scrapeOnly[index] ?? 0));
  reportFigures('cost', [
    { name: `CPU per hour keeping ${SLOS} SLOs current (scrape + evaluation)`, unit: 'CPU s/h', runs: perHour.sloe, baselineRuns: perHour.prometheus, baselineName: 'Prometheus 2.42 with the generated rules', target: 'below Prometheus', met: perHour.sloe.reduce((a, b) => a + b, 0) < perHour.prometheus.reduce((a, b) => a + b, 0) },
    { name: 'Prometheus rule evaluation alone (with rules minus scrape only)', unit: 'CPU s/h', runs: rulesOnly, baselineRuns: perHour.scrapeOnly, baselineName: 'Prometheus scrape only' },
  ]);
} finally {
  sloe.kill('SIGTERM');
  await withRules.stop();
  await scrapeOnly.stop();
  await scrape.close();
  rmSync(work, { recursive: true, force: true });
}
