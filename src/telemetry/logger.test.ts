import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { prettyLine } from './pretty-log.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines with level, time and the component of a child', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).child({ component: 'engine' }).info({ slo: 'checkout' }, 'evaluated');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 30, component: 'engine', slo: 'checkout', msg: 'evaluated', service: 'sloe' });
    expect(typeof line?.time).toBe('string');
  });

  it('censors credentials by path wherever components log them', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream, redact: ['config.notifiers.pagerduty'] });
    logger.info({
      req: { headers: { authorization: 'Bearer hunter2', 'user-agent': 'curl' } },
      receiver: { url: 'https://hooks.example', secret: 'hmac-secret', headers: { authorization: 'Basic abc' } },
      slack: [{ webhookUrl: 'https://hooks.slack.com/T0/B0/xyz' }],
      config: { auth: { readToken: 'r-token', adminToken: 'a-token' }, notifiers: { pagerduty: [{ routingKey: 'pd-key' }] } },
    }, 'configured');
    const text = JSON.stringify(out.lines());
    for (const secret of ['hunter2', 'hmac-secret', 'Basic abc', 'hooks.slack.com', 'r-token', 'a-token', 'pd-key']) expect(text).not.toContain(secret);
    expect(text).toContain('<redacted>');
    expect(text).toContain('curl');
    expect(text).toContain('https://hooks.example');
  });

  it('one key per field: a service in a log call is the SLO\'s, written slo_service beside the daemon\'s own', () => {
    const chunks: string[] = [];
    const raw = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    createLogger({ level: 'info', destination: raw }).child({ component: 'policy' }).warn({ service: 'checkout', environment: 'production' }, 'release freeze');
    const text = chunks.join('');
    // Counted in the raw text: JSON.parse would keep only the last of two equal keys.
    expect(text.match(/"service":/g)).toHaveLength(1);
    expect(JSON.parse(text)).toMatchObject({ service: 'sloe', slo_service: 'checkout', environment: 'production', component: 'policy' });
  });

  it('writes JSON to a destination that is not a terminal unless pretty is asked for', () => {
    const auto = capture();
    createLogger({ level: 'info', format: 'auto', destination: auto.stream }).info({ slos: 8 }, 'sloe listening');
    expect(auto.lines()[0]).toMatchObject({ msg: 'sloe listening', slos: 8 });

    const chunks: string[] = [];
    const pretty = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    createLogger({ level: 'info', format: 'pretty', destination: pretty }).child({ component: 'engine' }).info({ ms: 3, slo: 'checkout availability' }, 'evaluated');
    expect(chunks.join('')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}engine: evaluated ms=3 slo="checkout availability"\n$/);
  });
});

describe('prettyLine', () => {
  it('puts time, level, component and message first, then the fields, and an error\'s stack below', () => {
    const line = JSON.stringify({ level: 50, time: '2026-12-06T04:29:26.538Z', service: 'sloe', component: 'engine', err: { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at write (store.ts:1:1)' }, slo: 'api', msg: 'evaluation failed' });
    expect(prettyLine(line)).toBe('04:29:26.538 ERROR engine: evaluation failed err="disk full" slo=api\n    at write (store.ts:1:1)');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(prettyLine('plain words')).toBe('plain words');
  });
});
