import { execFileSync } from 'node:child_process';

const INSTALL = 'bash scripts/install-test-deps.sh (as root), or: apt-get update && apt-get install -y prometheus prometheus-alertmanager chromium victoria-metrics';

/** Returns the path of a binary the test needs, or throws with the install command: tests never skip silently. */
export function requireBinary(name: 'prometheus' | 'promtool' | 'prometheus-alertmanager' | 'chromium' | 'victoria-metrics' | 'vmagent' | 'vmalert'): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed; this test needs the real one. Install it with: ${INSTALL}`);
  }
}
