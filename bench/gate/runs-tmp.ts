import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const names = (process.argv[3] ?? 'appendGroup,decodeWriteRequestV1,foldStep,(garbage collector),parserOnHeadersComplete,fold,writeChunk,inflate').split(',');
const byId = new Map<number, any>(); for (const n of p.nodes) byId.set(n.id, n);
const parent = new Map<number, number>(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stackHas = new Map<number, Set<string>>();
function has(id: number): Set<string> { let s = stackHas.get(id); if (s) return s; s = new Set(); let cur: number | undefined = id; while (cur !== undefined) { const fn = byId.get(cur).callFrame.functionName; if (names.includes(fn)) s.add(fn); cur = parent.get(cur); } stackHas.set(id, s); return s; }
const runs = new Map<string, number[]>(); const cur = new Map<string, number>();
const fromUs = Number(process.argv[4] ?? 0); let t = p.startTime;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i]; if (t < fromUs) continue;
  const s = has(p.samples[i]); const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
  for (const n of names) { if (s.has(n)) cur.set(n, (cur.get(n) ?? 0) + dt); else if (cur.has(n)) { (runs.get(n) ?? runs.set(n, []).get(n)!).push(cur.get(n)!); cur.delete(n); } }
}
for (const [n, r] of runs) { r.sort((a, b) => a - b); const q = (x: number) => r[Math.min(r.length - 1, Math.floor(x * r.length))]!.toFixed(2); console.log(n.padEnd(26), 'n', String(r.length).padStart(6), 'sum', r.reduce((a, b) => a + b, 0).toFixed(0).padStart(6), 'p50', q(0.5), 'p90', q(0.9), 'p99', q(0.99), 'max', r[r.length - 1]!.toFixed(2)); }
