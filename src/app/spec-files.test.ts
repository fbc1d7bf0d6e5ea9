import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SPEC_FILE_BYTES } from '../spec/index.js';
import { readSpecFiles } from './spec-files.js';

const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'sloe-spec-files-'));
}

describe('readSpecFiles', () => {
  it('refuses a symlink to /dev/zero as a device, naming the path and the target, without reading it', () => {
    const root = folder();
    symlinkSync('/dev/zero', join(root, 'zero.yaml'));
    const started = Date.now();
    const { inputs, problems } = readSpecFiles([root]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(inputs).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(join(root, 'zero.yaml'));
    expect(problems[0]?.message).toMatch(/character device.*symbolic link to \/dev\/zero.*only regular files/);
  });

  it('refuses a FIFO without opening it for a blocking read', () => {
    const root = folder();
    execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
    writeFileSync(join(root, 'good.yaml'), 'apiVersion: sloe/v1\n');
    const { inputs, problems } = readSpecFiles([root]);
    expect(inputs.map((input) => input.path)).toEqual([join(root, 'good.yaml')]);
    expect(problems.map((problem) => [problem.file, problem.message])).toEqual([[join(root, 'pipe.yaml'), expect.stringMatching(/FIFO/)]]);
  });

  it('refuses a FIFO named explicitly, and a socket', async () => {
    const root = folder();
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const socketPath = join(root, 'socket.yaml');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const { inputs, problems } = readSpecFiles([join(root, 'pipe'), socketPath]);
    expect(inputs).toEqual([]);
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/is a FIFO/), expect.stringMatching(/is a socket/)]);
  });

  it('stops reading at the size limit', () => {
    const root = folder();
    writeFileSync(join(root, 'big.yaml'), Buffer.alloc(MAX_SPEC_FILE_BYTES + 1, 0x20));
    writeFileSync(join(root, 'limit.yaml'), Buffer.alloc(MAX_SPEC_FILE_BYTES, 0x20));
    const { inputs, problems } = readSpecFiles([root]);
    expect(inputs.map((input) => [input.path, input.content.byteLength])).toEqual([[join(root, 'limit.yaml'), MAX_SPEC_FILE_BYTES]]);
    expect(problems.map((problem) => problem.file)).toEqual([join(root, 'big.yaml')]);
    expect(problems[0]?.message).toMatch(/limited to/);
  });

  it('reads a symlink to a regular file, and a folder linked into itself once', () => {
    const root = folder();
    mkdirSync(join(root, 'team'));
    writeFileSync(join(root, 'team', 'a.yaml'), 'a: 1\n');
    symlinkSync(join(root, 'team', 'a.yaml'), join(root, 'alias.yaml'));
    symlinkSync(root, join(root, 'team', 'loop'));
    const { inputs, problems } = readSpecFiles([root]);
    expect(problems).toEqual([]);
    expect(inputs.map((input) => [input.path, input.content.toString()])).toEqual([
      [join(root, 'alias.yaml'), 'a: 1\n'],
      [join(root, 'team', 'a.yaml'), 'a: 1\n'],
    ]);
  });
});
