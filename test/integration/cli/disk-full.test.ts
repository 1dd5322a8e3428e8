// collect on a full disk: an E_DB_FULL error naming the database, not an internal error with a
// stack trace. A real full disk needs a small tmpfs, which only root may mount; elsewhere the
// mapping itself is covered by test/unit/store/database-errors.test.ts (a real SQLITE_FULL).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../support/cli.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'flowpol-full-'));
// 160 KiB holds the schema and the first recordings, not all seven.
const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', mountPoint]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('a full disk (needs root to mount a 160 KiB tmpfs)', () => {
  it('collect stops with E_DB_FULL naming the database; what was committed before stays readable', async () => {
    const db = join(mountPoint, 'flowpol.db');
    const r = await runCli(['collect', '--input-file', join(REPO_ROOT, 'recorded-flows'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain(`flowpol: error [E_DB_FULL]: cannot write ${db}: the disk is full; the unfinished transaction was rolled back`);
    const committed = [...r.stderr.matchAll(/^ {2}committed {3}(\S+)/gm)].length;
    expect(committed).toBeLessThan(7);
    if (committed > 0) {
      const edges = await runCli(['edges', '--db', db, '-o', 'json']);
      expect(edges.code, edges.stderr).toBe(0);
      expect((JSON.parse(edges.stdout) as { edges: unknown[] }).edges.length).toBeGreaterThan(0);
    }
  });
});
