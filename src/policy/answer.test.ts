import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../test/policy/status-fixture.js';
import { DEFAULT_POLICY, decideGate } from '../core/index.js';
import { answerOf, answerTail, renderAnswer, renderAnswerBytes, verdictData, verdictMembers } from './answer.js';

describe('answer rendering', () => {
  it('splices the pre-serialized verdict into a body that parses to the same answer, id first', () => {
    const status = sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 });
    const verdict = decideGate({ service: 'checkout', environment: 'production', action: 'deploy', labels: {}, overridesPermitted: false }, [{ status, policy: DEFAULT_POLICY }], DEFAULT_POLICY, Date.parse('2026-11-26T12:01:00Z'), []);
    const data = verdictData(verdict);
    const extra = { requester: 'ci "main"', decidedAt: '2026-11-26T12:01:00.000Z', via: 'gate' };
    const body = renderAnswer('abc-1', extra.decidedAt, extra.via, { requester: extra.requester }, verdictMembers(data));
    expect(JSON.parse(body)).toEqual(answerOf('abc-1', extra, data));
    expect(Object.keys(JSON.parse(body) as object)[0]).toBe('id');
    const bare = renderAnswer('abc-2', extra.decidedAt, 'flagger', {}, verdictMembers(data));
    expect(JSON.parse(bare)).toEqual(answerOf('abc-2', { decidedAt: extra.decidedAt, via: 'flagger' }, data));
    expect(JSON.parse(body)).toMatchObject({ service: 'checkout', slos: ['checkout-availability'], figures: [{ name: 'checkout-availability' }] });
  });
});

describe('answer bytes', () => {
  it('are renderAnswer\'s body, byte for byte, with a reason outside ASCII', () => {
    const status = sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 });
    const verdict = decideGate({ service: 'checkout', environment: 'production', action: 'deploy', labels: {}, overridesPermitted: false }, [{ status, policy: DEFAULT_POLICY }], DEFAULT_POLICY, Date.parse('2026-11-26T12:01:00Z'), []);
    // A reason with characters of two, three and four bytes in UTF-8: the tail is encoded once and copied whole.
    const members = verdictMembers({ ...verdictData(verdict), reasons: ['budget −12 % “spent” 🔥'] });
    const tail = answerTail('gate', members);
    for (const id of ['mxq1-1', 'mxq1-zz9']) {
      const bytes = renderAnswerBytes(id, '2026-11-26T12:01:00.000Z', tail);
      expect(bytes.equals(Buffer.from(renderAnswer(id, '2026-11-26T12:01:00.000Z', 'gate', {}, members), 'utf8'))).toBe(true);
    }
  });
});
