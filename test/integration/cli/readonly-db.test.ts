// Databases flowpol may read but not write: a read-only file in a directory nobody may write
// (read commands must work), and a read-only file that collect is asked to write (a clear error).
// Root ignores file permissions, so as root each command runs as nobody through setpriv.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, type CliResult } from '../../support/cli.js';

const NOBODY = 65534;
const root = process.getuid?.() === 0;
const setpriv = root && spawnSync('setpriv', ['--version']).status === 0;
const canDropPermissions = !root || setpriv;
const RECORDING = join(REPO_ROOT, 'recorded-flows/hubble-otel__basic-sample-10-flows.jsonl');

/** The built CLI as a user whom file permissions bind: ourselves, or nobody when we are root. */
function runUnprivileged(args: string[]): CliResult | Promise<CliResult> {
  if (!root) return runCli(args);
  const env = { ...process.env, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', HOME: '/nonexistent/flowpol-test-home' };
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, join(REPO_ROOT, 'bin/flowpol.js'), ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A directory the unprivileged user owns (so it can be made theirs to write, or not). */
function userDir(name: string): string {
  const path = join(base, name);
  mkdirSync(path);
  if (root) chownSync(path, NOBODY, NOBODY);
  return path;
}

let base: string;
let source: string;
beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'flowpol-readonly-'));
  chmodSync(base, 0o755);
  source = join(base, 'source.db');
  const r = await runCli(['collect', '--input-file', RECORDING, '--db', source]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => {
  chmodSync(base, 0o755);
  for (const d of ['ro', 'stale', 'ro-new']) if (existsSync(join(base, d))) chmodSync(join(base, d), 0o755);
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!canDropPermissions)('read-only databases (as root, needs setpriv to drop privileges)', () => {
  it('edges, generate and report read a read-only file in a read-only directory', async () => {
    const dir = userDir('ro');
    const db = join(dir, 'flowpol.db');
    copyFileSync(source, db);
    chmodSync(db, 0o444);
    chmodSync(dir, 0o555);
    const edges = await runUnprivileged(['edges', '--db', db, '-o', 'json']);
    expect(edges.stderr).toBe('');
    expect(edges.code).toBe(0);
    expect(JSON.parse(edges.stdout)).toEqual(JSON.parse((await runCli(['edges', '--db', source, '-o', 'json'])).stdout));
    const generate = await runUnprivileged(['generate', '--db', db]);
    expect(generate.code, generate.stderr).toBe(0);
    expect(generate.stdout).toContain('kind: NetworkPolicy');
    const report = await runUnprivileged(['report', '--db', db, '--default-deny', 'all']);
    expect(report.stderr).not.toContain('E_DB');
    expect(report.stdout).toContain('flowpol dry-run breakage report');
    expect(existsSync(`${db}-shm`)).toBe(false);
  });

  it('a -wal with changes next to it in a read-only directory is an error that says so, not stale data', async () => {
    const dir = userDir('stale');
    const db = join(dir, 'flowpol.db');
    // A writer's state mid-run: a commit sits in its -wal, not yet checkpointed into the file.
    const live = join(base, 'live.db');
    copyFileSync(source, live);
    const writer = new BetterSqlite3(live);
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE later (x)');
    copyFileSync(live, db);
    copyFileSync(`${live}-wal`, `${db}-wal`);
    writer.close();
    chmodSync(dir, 0o555);
    const r = await runUnprivileged(['edges', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`flowpol: error [E_DB_READONLY]: cannot read ${db}: ${db}-wal holds changes not yet in the file`);
  });

  it('collect into a read-only file: E_DB_READONLY naming the file, exit 1, no stack trace', async () => {
    const dir = userDir('rw');
    const db = join(dir, 'flowpol.db');
    copyFileSync(source, db);
    if (root) chownSync(db, NOBODY, NOBODY);
    chmodSync(db, 0o444);
    const r = await runUnprivileged(['collect', '--input-file', RECORDING, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`flowpol: error [E_DB_READONLY]: cannot write ${db}: the file is read-only; fix its permissions or pick another --db\n`);
  });

  it('collect creating a database in a read-only directory: E_DB_READONLY naming the directory', async () => {
    const dir = userDir('ro-new');
    chmodSync(dir, 0o555);
    const db = join(dir, 'flowpol.db');
    const r = await runUnprivileged(['collect', '--input-file', RECORDING, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`flowpol: error [E_DB_READONLY]: cannot write ${db}: its directory ${dir} is not writable; fix the directory's permissions or pick another --db\n`);
  });
});
