/**
 * A small YAML writer for rule files: their shape is fixed (maps of strings, lists of maps), so a direct writer is
 * many times faster than a general YAML library on 1,000 SLOs, and its output is plain to review. Strings that YAML
 * would read as something else are written as JSON strings, which YAML reads as double-quoted scalars.
 */

const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|<<|=)$/;
/** What YAML 1.1 or 1.2 readers (Prometheus's Go one included) take for a number or a date. */
const NUMBER_LIKE = /^(?:[-+]?(?:\.\d+|\d[\d_]*(?:\.[\d_]*)?)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?.*|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?)$/;
/** Most label values and names: plain without further checks. */
const SIMPLE = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;
const SAFE_START = /^[A-Za-z0-9_./$(+-]/;

/** C0 and C1 controls, line and paragraph separators, BOM: never written plain or in a literal block. */
function hasControl(text: string, allowNewline: boolean): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 && allowNewline) continue;
    if (code < 32 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff) return true;
  }
  return false;
}

/** A scalar on one line: plain when YAML reads it back as the same string, else double-quoted. */
export function scalar(value: string): string {
  if (SIMPLE.test(value) && !RESERVED.test(value) && !value.endsWith(':')) return value;
  const plain =
    value.length > 0 &&
    SAFE_START.test(value) &&
    !value.startsWith('- ') &&
    !value.startsWith('-\t') &&
    value !== '-' &&
    !RESERVED.test(value) &&
    !NUMBER_LIKE.test(value) &&
    !value.includes(': ') &&
    !value.includes(' #') &&
    !value.endsWith(' ') &&
    !value.endsWith(':') &&
    !hasControl(value, false);
  return plain ? value : JSON.stringify(value);
}

/** A key: rule files use label names and fixed keys, plain unless they need quoting. */
function key(name: string): string {
  return scalar(name);
}

/**
 * A string value after `key:`; multi-line text becomes a literal block (`|` keeps its final newline, `|-` has
 * none), unless a line would change meaning there (leading space on the first line, trailing spaces, tabs).
 */
function value(text: string, indent: string): string {
  if (!text.includes('\n')) return ` ${scalar(text)}`;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  const firstContent = lines.find((line) => line !== '');
  // A literal block takes its indentation from its first non-empty line, so that line must not start with a space.
  const blockable = firstContent !== undefined && !/^[ \t]/.test(firstContent) && !body.includes('\r') && !body.includes('\t') && lines.every((line) => !/ $/.test(line)) && !body.endsWith('\n') && !hasControl(body, true);
  if (!blockable) return ` ${JSON.stringify(text)}`;
  return ` |${text.endsWith('\n') ? '' : '-'}\n${lines.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n')}`;
}

export type YamlMap = ReadonlyArray<readonly [string, string | Readonly<Record<string, string>> | undefined]>;

/** A map of scalars and one-level maps of strings (labels, annotations), at an indentation, first line after `- `. */
export function writeMap(entries: YamlMap, indent: string, out: string[], firstPrefix = indent): void {
  let first = true;
  for (const [name, entry] of entries) {
    if (entry === undefined) continue;
    const prefix = first ? firstPrefix : indent;
    first = false;
    if (typeof entry === 'string') {
      out.push(`${prefix}${key(name)}:${value(entry, `${indent}  `)}`);
      continue;
    }
    const pairs = Object.entries(entry);
    if (pairs.length === 0) {
      out.push(`${prefix}${key(name)}: {}`);
      continue;
    }
    out.push(`${prefix}${key(name)}:`);
    for (const [label, text] of pairs) out.push(`${indent}  ${key(label)}:${value(text, `${indent}    `)}`);
  }
}
