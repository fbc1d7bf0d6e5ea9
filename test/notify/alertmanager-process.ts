import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { waitFor } from './fake-server.js';

export interface RunningAlertmanager {
  readonly url: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the distribution's Alertmanager 0.25 on 127.0.0.1:`port`, clustering off, with one webhook receiver and
 * short group timings (group_wait and group_interval 1s, repeat_interval long, so a repeat would be a duplicate).
 */
export async function startAlertmanager(port: number, webhookUrl: string): Promise<RunningAlertmanager> {
  const binary = requireBinary('prometheus-alertmanager');
  const dir = mkdtempSync(join(tmpdir(), 'sloe-am-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    [
      'route:',
      '  receiver: hook',
      "  group_by: ['alertname', 'slo_name', 'severity']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 4h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${webhookUrl}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(binary, [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`alertmanager exited (${child.exitCode}):\n${output}`);
        try {
          return (await fetch(`${url}/-/ready`)).ok;
        } catch {
          return false;
        }
      },
      'alertmanager to be ready',
      15_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, log: () => output, stop };
}
