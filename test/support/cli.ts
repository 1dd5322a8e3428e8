// Runs the built CLI as a user would: `node bin/flowpol.js ...`, capturing stdout, stderr, exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/flowpol.js', import.meta.url));

const ISOLATED_FROM_CLUSTERS = { KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', HOME: '/nonexistent/flowpol-test-home' };

export interface CliResult { code: number; stdout: string; stderr: string }

export function runCli(args: string[], options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      // Never the developer's cluster: no KUBECONFIG, no ~/.kube/config, not in-cluster (tests pass their own).
      env: { ...process.env, ...ISOLATED_FROM_CLUSTERS, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(options.input ?? '');
  });
}
