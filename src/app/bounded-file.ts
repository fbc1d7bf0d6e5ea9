import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';

export type BoundedRead = { readonly ok: true; readonly content: Buffer } | { readonly ok: false; readonly reason: string };

const CHUNK_BYTES = 64 * 1024;

/** Words for what a path is when it is not a regular file, for a problem a user can act on. */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return stats.isFile() ? 'a regular file' : 'not a regular file';
}

/**
 * Reads a regular file of at most `limitBytes`, whatever it is and whatever `stat` says. Opened with O_NONBLOCK so a
 * FIFO cannot hold the event loop at open, then checked with fstat on the open descriptor (the thing actually read,
 * after any symlink, so a swap between check and read changes nothing); devices, FIFOs and sockets are refused unread.
 * The read stops one byte past the limit: `stat` size is 0 for /dev/zero and can be stale for a file being written.
 */
export function readBoundedFile(path: string, limitBytes: number): BoundedRead {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    // open(2) of a Unix socket fails with ENXIO; say what the path is, not the errno alone.
    return { ok: false, reason: code === 'ENXIO' ? 'is a socket; only regular files are read' : `cannot read: ${code}` };
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return { ok: false, reason: `is ${fileKind(stats)}; only regular files are read` };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limitBytes + 1 - total));
      const read = readSync(descriptor, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limitBytes) return { ok: false, reason: `file is more than ${limitBytes} bytes; spec files are limited to ${limitBytes} bytes` };
    }
    return { ok: true, content: Buffer.concat(chunks, total) };
  } catch (cause) {
    return { ok: false, reason: `cannot read: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}` };
  } finally {
    closeSync(descriptor);
  }
}
