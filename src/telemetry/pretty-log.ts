import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields every line has, or that the line's head already shows. */
const SHOWN_IN_HEAD = new Set(['level', 'time', 'msg', 'component', 'service', 'pid', 'hostname']);

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * One pino JSON line as a person reads it on a terminal: `12:00:00.000 INFO  engine: evaluated ms=3 objectives=8`,
 * with an error's stack below, indented. A line that is not pino JSON is passed through as it is.
 */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = (LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const component = typeof entry.component === 'string' ? `${entry.component}: ` : '';
  let stack = '';
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN_IN_HEAD.has(key))
    .map(([key, value]) => {
      const error = value as { message?: unknown; stack?: unknown } | null;
      if (key === 'err' && typeof error?.message === 'string') {
        if (typeof error.stack === 'string') stack = `\n${error.stack.split('\n').slice(1).map((line) => `    ${line.trim()}`).join('\n')}`;
        return `err=${fieldValue(error.message)}`;
      }
      return `${key}=${fieldValue(value)}`;
    });
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  return `${[time, level, `${component}${message}`, ...fields].filter((part) => part !== '').join(' ')}${stack}`;
}

/** A stream for pino that writes each JSON line to `target` as a pretty line. */
export function prettyStream(target: { write(text: string): unknown }): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line !== '') target.write(`${prettyLine(line)}\n`);
      done();
    },
    final(done) {
      if (pending !== '') target.write(`${prettyLine(pending)}\n`);
      done();
    },
  });
}
