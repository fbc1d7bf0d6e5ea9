/**
 * Names the work inside the daemon's event-loop blocks: lays the blocks loop-blocks.ts recorded (run.ts
 * `--loop-blocks` with SLOE_BENCH_LOOP_BLOCKS_ALL=1, so every block is kept) beside the daemon's `--cpu-prof` profile
 * of the same run, both on process.hrtime's clock (µs), and sums the profile's samples inside each block by category:
 * the first of KNOWN functions on the sample's stack (appendGroup, decodeWriteRequestV1, the fold...), else V8's own
 * entries such as "(garbage collector)", else the innermost frames.
 *
 * Usage: `npx tsx bench/gate/blocks-in-profile.ts PROFILE.cpuprofile BLOCKS.json [MIN_CPU_MS] [KNOWN,...]`, where
 * BLOCKS.json is the JSON run.ts prints after "event-loop blocks" and PROFILE the daemon's main thread
 * (bench/gate/profiles/sloe/*.0.001.cpuprofile). Prints each block of at least MIN_CPU_MS (default 10) of CPU with its
 * five largest categories, then the totals by category and by leaf. Profile times are wall time: on a shared core
 * they include time the process waited.
 */
import { readFileSync } from 'node:fs';
import type { Profile, ProfileNode } from './cpu-profile.js';

interface Block {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly endedAtUs: number;
}

const [profileFile, blocksFile, minText, knownText] = process.argv.slice(2);
if (profileFile === undefined || blocksFile === undefined) throw new Error('usage: blocks-in-profile.ts PROFILE.cpuprofile BLOCKS.json [MIN_CPU_MS] [KNOWN,...]');
const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
const blocks = (JSON.parse(readFileSync(blocksFile, 'utf8')) as { all?: Block[] }).all;
if (blocks === undefined) throw new Error(`${blocksFile} has no "all" list: run the bench with SLOE_BENCH_LOOP_BLOCKS_ALL=1`);
const minCpuMs = Number(minText ?? 10);
const KNOWN = (
  knownText ??
  'decodeWriteRequestV1,inflateSnappy,appendGroup,fold,foldStep,evaluate,scrapeOnce,parseExposition,precomputeInSlices,collect,runTask,parserOnBody,parserOnHeadersComplete,parserOnMessageComplete,onStreamRead,listOnTimeout,processImmediate,processTicksAndRejections'
).split(',');

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

/** A frame as `name@folder/file:line`. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}${url ? `@${url.split('/').slice(-2).join('/')}:${lineNumber}` : ''}`;
}

/** The stack of a sample, innermost first. */
function stackOf(id: number): string[] {
  const frames: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) frames.push(frameName(nodes.get(at)!));
  return frames;
}

/** `category > leaf` of a sample: its first KNOWN caller, else V8's own entry, else the four innermost frames. */
function categoryOf(id: number): string {
  const name = nodes.get(id)!.callFrame.functionName;
  if (name.startsWith('(')) return name;
  const stack = stackOf(id);
  for (const known of KNOWN) if (stack.some((frame) => frame === known || frame.startsWith(`${known}@`))) return `${known} > ${stack[0]}`;
  return stack.slice(0, 4).join(' < ');
}

// Sample i was taken at times[i] and stands for the time until the next one.
const times: number[] = [];
let clock = profile.startTime;
for (const delta of profile.timeDeltas) times.push((clock += delta));

const byCategory = new Map<string, number>();
const byLeaf = new Map<string, number>();
const add = (sums: Map<string, number>, key: string, ms: number): void => void sums.set(key, (sums.get(key) ?? 0) + ms);
const large = blocks.filter((block) => block.cpuMs >= minCpuMs);
for (const block of large) {
  const from = block.endedAtUs - block.wallMs * 1000;
  const inBlock = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (times[i]! < from || times[i]! > block.endedAtUs) return;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const full = categoryOf(id);
    const category = full.split(' > ')[0]!;
    add(byCategory, category, ms);
    add(byLeaf, full, ms);
    add(inBlock, category, ms);
  });
  const largest = [...inBlock].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`${block.cpuMs} ms CPU, ${block.wallMs} ms wall: ${largest.map(([category, ms]) => `${category} ${ms.toFixed(1)}`).join(', ')}`);
}
console.log(`--- ${large.length} blocks of at least ${minCpuMs} ms CPU, profile ms by category`);
for (const [category, ms] of [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms.toFixed(1).padStart(8)} ${category}`);
console.log('--- by leaf');
for (const [leaf, ms] of [...byLeaf].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${ms.toFixed(1).padStart(8)} ${leaf}`);
