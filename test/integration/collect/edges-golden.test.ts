// `flowpol edges` on the bundled recordings, pinned by golden files. Regenerate after an
// intended change with `UPDATE_GOLDEN=1 npx vitest run test/integration/collect/edges-golden.test.ts`
// and review the diff.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../support/cli.js';

const GOLDEN = join(REPO_ROOT, 'test/golden/edges');
const update = process.env['UPDATE_GOLDEN'] === '1';

function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 to create it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-edges-'));
  db = join(dir, 'golden.db');
  const r = await runCli(['collect', '--db', db, '--input-file', 'recorded-flows/']);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flowpol edges (golden)', () => {
  const cases: [string, string[]][] = [
    ['all.txt', []],
    ['all.json', ['-o', 'json']],
    ['kube-system-2021-11-10.txt', ['-n', 'kube-system', '--since', '2021-11-10T10:00:00Z', '--until', '2021-11-10T10:59:59Z']],
  ];
  for (const [name, args] of cases) {
    it(`${name}: flowpol edges ${args.join(' ')}`, async () => {
      const r = await runCli(['edges', '--db', db, ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expectGolden(name, r.stdout);
    });
  }

  it('JSON output parses and agrees with the table on the number of edges', async () => {
    const json = JSON.parse(readFileSync(join(GOLDEN, 'all.json'), 'utf8')) as { edges: unknown[] };
    const table = readFileSync(join(GOLDEN, 'all.txt'), 'utf8').trimEnd().split('\n');
    expect(json.edges.length).toBe(table.length - 1);
    expect(json.edges.length).toBeGreaterThan(10);
  });

  it('an empty selection prints no data and says why on stderr', async () => {
    const r = await runCli(['edges', '--db', db, '-n', 'no-such-namespace']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no edges (none in the selected window or namespaces: widen --since/--until/-n)');
    const json = await runCli(['edges', '--db', db, '--since', '2030-01-01', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ edges: [] });
  });

  it('a missing database is a clear error with exit 1', async () => {
    const r = await runCli(['edges', '--db', join(dir, 'nope.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[E_DB_MISSING]');
    expect(r.stderr).toContain('flowpol collect');
  });
});
