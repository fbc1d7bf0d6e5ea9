/** Lines of context shown around each change. */
const CONTEXT = 3;
/** Beyond this many lines on both sides the diff is summarised instead of computed (it is quadratic). */
const MAX_LINES = 4000;

type Edit = { readonly op: ' ' | '-' | '+'; readonly line: string };

function edits(before: readonly string[], after: readonly string[]): Edit[] {
  const rows = before.length;
  const columns = after.length;
  // lcs[i][j]: longest common subsequence of before[i..] and after[j..].
  const lcs: Uint32Array[] = Array.from({ length: rows + 1 }, () => new Uint32Array(columns + 1));
  for (let i = rows - 1; i >= 0; i--) {
    const row = lcs[i]!;
    const next = lcs[i + 1]!;
    for (let j = columns - 1; j >= 0; j--) row[j] = before[i] === after[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
  }
  const result: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && before[i] === after[j]) {
      result.push({ op: ' ', line: before[i]! });
      i++;
      j++;
    } else if (i < rows && (j === columns || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals before additions, as diff(1) shows a changed line.
      result.push({ op: '-', line: before[i]! });
      i++;
    } else {
      result.push({ op: '+', line: after[j]! });
      j++;
    }
  }
  return result;
}

/** A unified-style diff of two texts (`--- a`, `+++ b`, changed lines with three lines of context). */
export function unifiedDiff(name: string, before: string, after: string): string {
  const oldLines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const newLines = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const header = `--- ${before === '' ? '/dev/null' : `a/${name}`}\n+++ ${after === '' ? '/dev/null' : `b/${name}`}\n`;
  if (oldLines.length > MAX_LINES && newLines.length > MAX_LINES) return `${header}@@ ${oldLines.length} lines -> ${newLines.length} lines (too large to diff line by line) @@\n`;
  const all = edits(oldLines, newLines);
  const keep = all.map(() => false);
  all.forEach((edit, index) => {
    if (edit.op === ' ') return;
    for (let k = Math.max(0, index - CONTEXT); k <= Math.min(all.length - 1, index + CONTEXT); k++) keep[k] = true;
  });
  let out = header;
  let previousKept = true;
  all.forEach((edit, index) => {
    if (!keep[index]) {
      previousKept = false;
      return;
    }
    if (!previousKept || index === 0) out += '@@\n';
    previousKept = true;
    out += `${edit.op}${edit.line}\n`;
  });
  return out;
}
