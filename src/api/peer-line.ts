import { isIP } from 'node:net';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How the front thread tells the daemon's private server who is at the other end of a connection it passes on: the
 * first line of the connection, in HAProxy's PROXY protocol version 1 (text), `PROXY TCP4 <client> <server>
 * <client port> <server port>\r\n`. The private server reads it, gives the socket the client's address (so auth's
 * loopback rule, logs and everything else see the real peer), and hands the rest to Node's HTTP parser.
 */

/** The client of a connection as the private server sees it after the peer line. */
export interface Peer {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

/** Version 1's longest line, CRLF included (the protocol's own bound). */
const MAX_LINE_BYTES = 107;
const CRLF = Buffer.from('\r\n');

/** The peer line for a socket the front thread accepted: its client and the local end it reached. */
export function peerLine(socket: Socket): string {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined || localAddress === undefined || localPort === undefined) return 'PROXY UNKNOWN\r\n';
  const family = isIP(remoteAddress) === 6 ? 'TCP6' : 'TCP4';
  // Both ends must be of one family; an IPv4 client on a dual-stack socket is reported as mapped already.
  const local = family === 'TCP6' && isIP(localAddress) === 4 ? `::ffff:${localAddress}` : localAddress;
  return `PROXY ${family} ${remoteAddress} ${local} ${remotePort} ${localPort}\r\n`;
}

/**
 * Reads a peer line off the front of `head`: the peer (undefined for `PROXY UNKNOWN`) and the bytes after the line,
 * `'incomplete'` while the line has not all arrived, or an Error saying what is wrong with it.
 */
export function parsePeerLine(head: Buffer): { peer: Peer | undefined; rest: Buffer } | 'incomplete' | Error {
  const end = head.indexOf(CRLF);
  if (end < 0) return head.length < MAX_LINE_BYTES ? 'incomplete' : new Error(`no peer line in the first ${MAX_LINE_BYTES} bytes`);
  if (end + CRLF.length > MAX_LINE_BYTES) return new Error(`peer line longer than ${MAX_LINE_BYTES} bytes`);
  const rest = head.subarray(end + CRLF.length);
  const fields = head.toString('latin1', 0, end).split(' ');
  if (fields[0] !== 'PROXY') return new Error('connection does not start with a PROXY line');
  if (fields[1] === 'UNKNOWN') return { peer: undefined, rest };
  const [, family, address, , port] = fields;
  const portNumber = Number(port);
  if (fields.length !== 6 || (family !== 'TCP4' && family !== 'TCP6') || address === undefined || isIP(address) !== (family === 'TCP4' ? 4 : 6) || !Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) {
    return new Error(`malformed peer line: ${fields.join(' ')}`);
  }
  return { peer: { address, port: portNumber, family: family === 'TCP4' ? 'IPv4' : 'IPv6' }, rest };
}

/** Gives a socket the client's address, port and family in place of the front thread's own (an own property shadows net's getter). */
export function adoptPeer(socket: Socket, peer: Peer): void {
  Object.defineProperties(socket, {
    remoteAddress: { value: peer.address, configurable: true },
    remotePort: { value: peer.port, configurable: true },
    remoteFamily: { value: peer.family, configurable: true },
  });
}

/**
 * Hands a connection whose first bytes were already read to an HTTP server that did not accept it: the bytes go back
 * in front of the stream, and the stream resumes once the server has attached its parser, so they are parsed first.
 */
export function handOver(socket: Socket, head: Buffer, server: Server): void {
  socket.pause();
  if (head.length > 0) socket.unshift(head);
  server.emit('connection', socket);
  process.nextTick(() => socket.resume());
}

/**
 * Collects a connection's first bytes until `decide` can say what to do with them (it returns undefined until then),
 * within `timeoutMs`; a connection that says nothing in time, errs or closes first is destroyed. The socket is
 * paused and its data listener removed before `decide`'s answer is acted on, so what follows sees every byte.
 */
export function readHead<T>(socket: Socket, timeoutMs: number, decide: (head: Buffer) => T | undefined, then: (decision: T, head: Buffer) => void): void {
  let head: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const stop = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
  };
  const onError = (): void => {
    stop();
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const decision = decide(head);
    if (decision === undefined) return;
    stop();
    socket.pause();
    then(decision, head);
  };
  socket.on('error', onError);
  socket.on('data', onData);
  socket.once('close', () => clearTimeout(timer));
}
