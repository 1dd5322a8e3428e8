// A temp directory with the seed recording collected into seed.db, for a report suite: registers
// its beforeAll (collect through the built CLI) and afterAll (remove the directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from '../../support/cli.js';

export const FIXTURES = 'test/integration/report/fixtures';
/** The seed cluster's snapshot (`flowpol inventory` of seed-inventory-cluster.ts). */
export const SNAPSHOT = `${FIXTURES}/seed-inventory.yaml`;

/** `dir` and `db` are set once the suite's beforeAll ran. */
export function useSeedDb(prefix: string): { dir: string; db: string } {
  const seed = { dir: '', db: '' };
  beforeAll(async () => {
    seed.dir = mkdtempSync(join(tmpdir(), prefix));
    seed.db = join(seed.dir, 'seed.db');
    const collect = await runCli(['collect', '--db', seed.db, '--input-file', `${FIXTURES}/seed-three-tier.jsonl`]);
    expect(collect.code, collect.stderr).toBe(0);
  });
  afterAll(() => {
    if (seed.dir !== '') rmSync(seed.dir, { recursive: true, force: true });
  });
  return seed;
}
