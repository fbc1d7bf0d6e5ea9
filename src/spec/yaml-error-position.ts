import type { YAMLError } from 'yaml';

/** Errors the yaml library places on the line before the mistake: the scalar that a wrongly indented line extends. */
const REPORTED_ON_THE_LINE_BEFORE = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r';
}

/** The offset of the first character that is not a space on the next line holding one, or `from` when there is none. */
function nextLineWithContent(text: string, from: number): number {
  for (let newline = text.indexOf('\n', from); newline !== -1; newline = text.indexOf('\n', newline + 1)) {
    let at = newline + 1;
    while (isBlank(text[at])) at++;
    if (at < text.length && text[at] !== '\n') return at;
  }
  return from;
}

/**
 * Where a YAML syntax error is, as a user would point at it: the first character of the offending line's content.
 * The yaml library reports an over-indented key at the end of the line above it (the value it would turn into a
 * key), a wrong dedent at the newline before it, and a misplaced item at the indentation in front of it.
 */
export function yamlErrorOffset(text: string, error: Pick<YAMLError, 'code' | 'pos'>): number {
  let at = error.pos[0];
  if (text[at] === '\n' || (REPORTED_ON_THE_LINE_BEFORE.has(error.code) && !isBlank(text[at]) && text.indexOf('\n', at) !== -1)) {
    return nextLineWithContent(text, at);
  }
  // Tabs are reported where they are; spaces in front of a wrongly indented node are skipped to the node.
  if (text[at] === ' ') while (text[at] === ' ') at++;
  return at;
}
