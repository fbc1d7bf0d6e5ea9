/** Edit distance (Levenshtein) between two short strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/** Lower case without `_` and `-`, so `error_query` and `errorQuery` are recognised as the same word. */
function fold(text: string): string {
  return text.toLowerCase().replace(/[-_]/g, '');
}

/** The closest candidate when it is plausibly what was meant (a typo or a different case style), else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const score = fold(word) === fold(candidate) ? 0 : distance(word.toLowerCase(), candidate.toLowerCase());
    if (score < bestDistance) {
      best = candidate;
      bestDistance = score;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** `unknown field 'x'` with a "did you mean" when a known field is close. */
export function unknownMessage(what: string, word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  // A key can hold line breaks (a quoted or mangled key); escaped, the problem stays one line.
  const shown = [...word].some((char) => char.charCodeAt(0) < 0x20) ? JSON.stringify(word).slice(1, -1) : word;
  return suggestion === undefined ? `unknown ${what} '${shown}'` : `unknown ${what} '${shown}' (did you mean '${suggestion}'?)`;
}
