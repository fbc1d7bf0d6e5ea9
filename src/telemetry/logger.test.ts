import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

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
});
