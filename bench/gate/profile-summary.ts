/**
 * Summarizes V8 CPU profiles (`--cpu-prof`, as `bench/gate/run.ts --cpu-prof` writes them for the daemon and the
 * bare route) per answer, so the two servers can be compared function by function.
 * Usage: `npx tsx bench/gate/profile-summary.ts ANSWERS FILE.cpuprofile [--top N] [--match TEXT]...`
 * - ANSWERS: how many requests the server answered while profiled (the run's req/s × seconds, summed over its
 *   rounds and the warm-up), so every time is printed in µs per answer;
 * - for each function (name, file, line): self time (samples in it) and inclusive time (samples with it anywhere on
 *   the stack, counted once per sample however deep its recursion), the top N by self time (default 40);
 * - `--match TEXT` (repeatable) prints the inclusive time of every function whose name or file contains TEXT;
 * - `--phase load` counts only the seconds in which the server answered requests (at least a quarter of its busiest
 *   second's request samples: the warm-up and the measured rounds), `--phase quiet` only the others (start, the idle
 *   measurement, the other server's rounds); default `all`. What the load phase holds besides requests is the
 *   background work that competes with them (evaluations, self-scrapes, garbage collection).
 * Times are sample counts times the sampling intervals, so wall time the thread was running JavaScript or native code
 * for it; idle (`(idle)`) is left out of the totals.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Profile, ProfileNode } from './cpu-profile.js';


const args = process.argv.slice(2);
const answers = Number(args[0]);
const file = args[1];
if (!Number.isFinite(answers) || answers <= 0 || file === undefined) throw new Error('usage: profile-summary.ts ANSWERS FILE.cpuprofile [--top N] [--match TEXT]...');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
const matches = args.flatMap((arg, at) => (arg === '--match' && args[at + 1] !== undefined ? [args[at + 1] as string] : []));
const phaseAt = args.indexOf('--phase');
const phase = phaseAt >= 0 ? args[phaseAt + 1] : 'all';
if (phase !== 'all' && phase !== 'load' && phase !== 'quiet') throw new Error('--phase: expected all, load or quiet');
/** A sample is a request's when Node's HTTP parser is on its stack: requests are parsed and answered in that call. */
const REQUEST_FRAME = 'parserOnHeadersComplete';

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

/** A function as the summary names it: name, file and line (one name may be several functions). */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url === '' ? '' : `${basename(url)}:${lineNumber + 1}`}`.trim();
}

/** The stack of a sample, as labels, innermost first. */
function stackOf(id: number): string[] {
  const stack: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at);
    if (frame !== undefined) stack.push(label(frame));
  }
  return stack;
}

/** Each sample's second since the profile began, and the request samples per second. */
const secondOf: number[] = [];
const requestsPerSecond = new Map<number, number>();
let elapsed = 0;
profile.samples.forEach((id, at) => {
  elapsed += profile.timeDeltas[at] ?? 0;
  const second = Math.floor(elapsed / 1e6);
  secondOf.push(second);
  if (byId.get(id) !== undefined && stackOf(id).some((name) => name.startsWith(REQUEST_FRAME))) requestsPerSecond.set(second, (requestsPerSecond.get(second) ?? 0) + 1);
});
const busiest = Math.max(0, ...requestsPerSecond.values());
const underLoad = (second: number): boolean => (requestsPerSecond.get(second) ?? 0) >= busiest / 4;
const counted = (at: number): boolean => phase === 'all' || (phase === 'load') === underLoad(secondOf[at] ?? -1);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let busyMicros = 0;
profile.samples.forEach((id, at) => {
  // A sample's interval is the delta to the next sample (V8 records the delta before each one).
  const micros = profile.timeDeltas[at + 1] ?? 0;
  const node = byId.get(id);
  if (node === undefined || node.callFrame.functionName === '(idle)' || !counted(at)) return;
  busyMicros += micros;
  const own = label(node);
  self.set(own, (self.get(own) ?? 0) + micros);
  for (const name of new Set(stackOf(id))) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
});

const perAnswer = (micros: number): string => (micros / answers).toFixed(2).padStart(7);
const seconds = [...new Set(secondOf)].filter((second) => phase === 'all' || (phase === 'load') === underLoad(second)).length;
console.log(`${basename(file)}, phase ${phase} (${seconds} s): ${(busyMicros / 1000).toFixed(0)} ms busy, ${perAnswer(busyMicros).trim()} µs per answer over ${answers} answers`);
console.log('   self µs/answer  incl µs/answer  function');
for (const [name, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`   ${perAnswer(micros)}         ${perAnswer(inclusive.get(name) ?? 0)}         ${name}`);
for (const text of matches) {
  console.log(`inclusive, functions matching ${JSON.stringify(text)}:`);
  for (const [name, micros] of [...inclusive].filter(([name]) => name.includes(text)).sort((a, b) => b[1] - a[1])) console.log(`   ${perAnswer(micros)}  ${name}`);
}
