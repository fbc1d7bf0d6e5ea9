import { describe, expect, it } from 'vitest';
import { parseCredentials } from './credentials.js';

const basic = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('parseCredentials', () => {
  it('reads a bearer token, whatever the case of the scheme and the spaces around it', () => {
    expect(parseCredentials('Bearer abc.def')).toEqual({ kind: 'token', scheme: 'bearer', token: 'abc.def' });
    expect(parseCredentials('bearer   abc  ')).toEqual({ kind: 'token', scheme: 'bearer', token: 'abc' });
  });

  it('reads the token from Basic as the password, under any username, colons in the password kept', () => {
    expect(parseCredentials(basic('prometheus:s3cret'))).toEqual({ kind: 'token', scheme: 'basic', token: 's3cret' });
    expect(parseCredentials(basic(':s3cret'))).toEqual({ kind: 'token', scheme: 'basic', token: 's3cret' });
    expect(parseCredentials(basic('x:a:b'))).toEqual({ kind: 'token', scheme: 'basic', token: 'a:b' });
    expect(parseCredentials(`basic ${Buffer.from('x:tok').toString('base64').replace(/=+$/, '')}`)).toEqual({ kind: 'token', scheme: 'basic', token: 'tok' });
  });

  it('has no credentials for a missing or empty header', () => {
    expect(parseCredentials(undefined)).toEqual({ kind: 'none' });
    expect(parseCredentials('')).toEqual({ kind: 'none' });
    expect(parseCredentials('   ')).toEqual({ kind: 'none' });
  });

  it('calls an unknown scheme malformed', () => {
    expect(parseCredentials('Digest username="x"')).toEqual({ kind: 'malformed', problem: 'the scheme is neither Bearer nor Basic' });
    expect(parseCredentials('s3cret')).toMatchObject({ kind: 'malformed' });
  });

  it('calls a scheme without credentials malformed', () => {
    expect(parseCredentials('Bearer')).toEqual({ kind: 'malformed', problem: 'the Bearer scheme carries no credentials' });
    expect(parseCredentials('Basic   ')).toEqual({ kind: 'malformed', problem: 'the Basic scheme carries no credentials' });
    expect(parseCredentials('Bearer a b')).toEqual({ kind: 'malformed', problem: 'a bearer token has no spaces' });
  });

  it('calls Basic that is not base64 malformed, rather than decoding garbage', () => {
    expect(parseCredentials('Basic not*base64!')).toEqual({ kind: 'malformed', problem: 'Basic credentials are not base64' });
    expect(parseCredentials('Basic abcde')).toEqual({ kind: 'malformed', problem: 'Basic credentials are not base64' });
  });

  it('calls Basic without a colon or with an empty password malformed', () => {
    expect(parseCredentials(basic('justatoken'))).toEqual({ kind: 'malformed', problem: 'Basic credentials have no colon between username and password' });
    expect(parseCredentials(basic('user:'))).toEqual({ kind: 'malformed', problem: 'Basic credentials have an empty password (the token goes there)' });
  });

  it('never repeats the header in a problem', () => {
    const parsed = parseCredentials('Token s3cret-value');
    expect(JSON.stringify(parsed)).not.toContain('s3cret-value');
  });
});
