import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { adoptPeer, parsePeerLine, peerLine } from './peer-line.js';

describe('peer lines (PROXY protocol v1)', () => {
  it('reads the client back from the line the front thread writes, and the bytes after it', () => {
    const socket = new Socket();
    Object.defineProperties(socket, {
      remoteAddress: { value: '192.0.2.7' },
      remotePort: { value: 51234 },
      localAddress: { value: '10.0.0.1' },
      localPort: { value: 9797 },
    });
    const line = peerLine(socket);
    expect(line).toBe('PROXY TCP4 192.0.2.7 10.0.0.1 51234 9797\r\n');
    const parsed = parsePeerLine(Buffer.from(`${line}GET / HTTP/1.1\r\n`));
    expect(parsed).toEqual({ peer: { address: '192.0.2.7', port: 51234, family: 'IPv4' }, rest: Buffer.from('GET / HTTP/1.1\r\n') });
  });

  it('writes IPv6 clients as TCP6, a mapped local address included', () => {
    const socket = new Socket();
    Object.defineProperties(socket, {
      remoteAddress: { value: '2001:db8::1' },
      remotePort: { value: 4000 },
      localAddress: { value: '10.0.0.1' },
      localPort: { value: 9797 },
    });
    expect(peerLine(socket)).toBe('PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 4000 9797\r\n');
    expect(parsePeerLine(Buffer.from(peerLine(socket)))).toMatchObject({ peer: { address: '2001:db8::1', port: 4000, family: 'IPv6' } });
  });

  it('waits for the rest of a line, and refuses what is not one', () => {
    expect(parsePeerLine(Buffer.from('PROXY TCP4 192.0.2.7 10.0.'))).toBe('incomplete');
    expect(parsePeerLine(Buffer.from('PROXY UNKNOWN\r\nrest'))).toEqual({ peer: undefined, rest: Buffer.from('rest') });
    for (const bad of ['GET / HTTP/1.1\r\n', 'PROXY TCP4 192.0.2.7 10.0.0.1 51234\r\n', 'PROXY TCP4 2001:db8::1 10.0.0.1 1 2\r\n', 'PROXY TCP4 192.0.2.7 10.0.0.1 70000 1\r\n', 'PROXY UDP4 192.0.2.7 10.0.0.1 1 2\r\n']) {
      expect(parsePeerLine(Buffer.from(bad))).toBeInstanceOf(Error);
    }
    expect(parsePeerLine(Buffer.alloc(200, 'x'))).toBeInstanceOf(Error);
  });

  it('gives a socket the client address in place of its own', () => {
    const socket = new Socket();
    adoptPeer(socket, { address: '198.51.100.9', port: 1234, family: 'IPv4' });
    expect([socket.remoteAddress, socket.remotePort, socket.remoteFamily]).toEqual(['198.51.100.9', 1234, 'IPv4']);
  });
});
