// Built-CLI processes that keep running (`flowpol replay`, `collect --follow`): started, read
// until ready, and killed after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, type CliResult } from '../../support/cli.js';

const BIN = fileURLToPath(new URL('../../../bin/flowpol.js', import.meta.url));
const children: ChildProcess[] = [];

export interface Running { child: ChildProcess; address: string; port: number; output: () => string; exited: Promise<CliResult> }

/** Starts a built-CLI process; resolves once `ready` matches its stderr. */
export function start(args: string[], ready?: RegExp): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout: out, stderr: err })));
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const m = /listening on (\S+):(\d+)/.exec(err);
      if (!ready || (ready.test(err) && (ready.source !== 'listening' || m))) {
        resolve({ child, address: m ? `${m[1]}:${m[2]}` : '', port: m ? Number(m[2]) : 0, output: () => err, exited });
      }
    };
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      check();
    });
    void exited.then((r) => reject(new Error(`exited ${r.code} before ready: ${r.stderr}`)));
    check();
  });
}

/** `flowpol replay` on a free loopback port. */
export const replay = (args: string[]): Promise<Running> => start(['replay', '--listen', '127.0.0.1:0', ...args], /listening/);

/** Kills what the test started and left running (call in afterEach). */
export function killChildren(): void {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

/** A number from the collect summary, e.g. `summaryCount(stderr, 'kept')`. */
export const summaryCount = (stderr: string, label: string): number => Number(new RegExp(`${label}\\s+(\\d+)`).exec(stderr)?.[1] ?? NaN);
