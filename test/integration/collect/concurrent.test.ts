// Collects that overlap on one database (two shells, a cron job and a hand run) and the same
// content twice in one run: nothing may be counted twice or lost, and nothing may crash.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';

let dir: string;
let flows: string;
/** A database holding one ingest of `flows`. */
let once: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-concurrent-'));
  flows = join(dir, 'flows.jsonl');
  await writeFlowFile(flows, { seed: 3, flows: 20_000 });
  once = join(dir, 'once.db');
  const r = await runCli(['collect', '--db', once, '--input-file', flows]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edgesJson = async (db: string): Promise<string> => (await runCli(['edges', '--db', db, '-o', 'json'])).stdout;

it('two collects of one file at once: one ingests it, the other is refused or skips it; counted once', async () => {
  for (const fresh of [true, false]) {
    const db = join(dir, `both-${fresh}.db`);
    if (!fresh) expect((await runCli(['collect', '--db', db, '--input-file', '-'], { input: '' })).code).toBe(0);
    const runs = await Promise.all([0, 1].map(() => runCli(['collect', '--db', db, '--input-file', flows])));
    for (const r of runs) {
      expect(r.stderr).not.toContain('internal error');
      if (r.code !== 0) expect(r.stderr, r.stderr).toMatch(/error \[E_DB_BUSY\]: another flowpol collect \(pid \d+, run \d+\) is writing to this database/);
      else expect(r.stderr).toMatch(/committed\s+\S+flows\.jsonl|skipped\s+\S+flows\.jsonl: already ingested/);
    }
    expect(runs.some((r) => r.code === 0)).toBe(true);
    expect(await edgesJson(db)).toBe(await edgesJson(once));
  }
});

it('the same content twice in one run with --force: the second copy is skipped, nothing lost', async () => {
  const copy = join(dir, 'z-copy.jsonl'); // inputs are read in sorted order: after flows.jsonl
  copyFileSync(flows, copy);
  const db = join(dir, 'force.db');
  const r = await runCli(['collect', '--db', db, '--force', '--input-file', flows, '--input-file', copy]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/skipped\s+\S+z-copy\.jsonl: the same content as \S+flows\.jsonl, ingested earlier in this run/);
  expect(await edgesJson(db)).toBe(await edgesJson(once));
  // An earlier run's ingest is still replaced with --force, as before.
  const again = await runCli(['collect', '--db', db, '--force', '--input-file', copy]);
  expect(again.stderr).toMatch(/committed\s+\S+z-copy\.jsonl \(\d+ flows\): replaces the earlier ingest of \S+flows\.jsonl/);
  expect(await edgesJson(db)).toBe(await edgesJson(once));
});
