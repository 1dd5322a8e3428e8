// `flowpol collect` of a file that grew since its ingest (a live exporter log), of empty inputs, and
// of a file collected before with another flow selection.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const RECORDING = new URL('../../../recorded-flows/hubble-otel__basic-sample-330-dns-flows.jsonl', import.meta.url);
let dir: string;
let lines: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-reingest-'));
  lines = readFileSync(RECORDING, 'utf8').split(/(?<=\n)/);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const collect = async (db: string, ...files: string[]) => {
  const run = await runCli(['collect', ...files.flatMap((f) => ['--input-file', f]), '--db', db]);
  expect(run.code, run.stderr).toBe(0);
  return run.stderr;
};
const edgesJson = async (db: string) => (await runCli(['edges', '--db', db, '-o', 'json'])).stdout;

it('a grown file replaces its earlier ingest: the database equals one ingest of the whole file, twice over', async () => {
  const log = join(dir, 'exporter.log');
  writeFileSync(log, lines.slice(0, 100).join(''));
  const db = join(dir, 'grown.db');
  await collect(db, log);
  for (const upTo of [200, lines.length]) {
    appendFileSync(log, lines.slice(upTo === 200 ? 100 : 200, upTo).join(''));
    expect(await collect(db, log)).toMatch(/committed\s+\S+exporter\.log \(\d+ flows\): replaces the earlier ingest of \S+exporter\.log \(run \d\), which it extends: the file grew since/);
  }
  const once = join(dir, 'once.db');
  await collect(once, log);
  expect(await edgesJson(db)).toBe(await edgesJson(once));
  expect(await collect(db, log)).toMatch(/skipped\s+\S+exporter\.log: already ingested/);
});

it('a file of another name with the same first lines is not taken for a grown one', async () => {
  const [first, second] = [join(dir, 'first.jsonl'), join(dir, 'second.jsonl')];
  writeFileSync(first, lines.slice(0, 50).join(''));
  writeFileSync(second, lines.slice(0, 80).join(''));
  const db = join(dir, 'names.db');
  await collect(db, first);
  expect(await collect(db, second)).not.toContain('replaces');
});

it('empty inputs are committed with a note, and one is never "already ingested" as another', async () => {
  const [a, b] = [join(dir, 'a-empty.jsonl'), join(dir, 'b-empty.jsonl')];
  writeFileSync(a, '');
  writeFileSync(b, '');
  const db = join(dir, 'empty.db');
  expect(await collect(db, a)).toMatch(/committed\s+\S+a-empty\.jsonl \(0 flows\): it holds no Hubble events/);
  expect(await collect(db, b)).toMatch(/committed\s+\S+b-empty\.jsonl \(0 flows\): it holds no Hubble events/);
});

it("--force of some of a run's files says the others stay as they were; all of them together count as one collect", async () => {
  const [a, b, c] = ['node-a.jsonl', 'node-b.jsonl', 'node-c.jsonl'].map((name) => join(dir, name)) as [string, string, string];
  writeFileSync(a, lines.slice(0, 120).join(''));
  writeFileSync(b, lines.slice(100, 220).join('')); // shares 20 lines (connections) with a
  writeFileSync(c, lines.slice(220, 330).join(''));
  const db = join(dir, 'nodes.db');
  await collect(db, a, b, c);
  const alone = await runCli(['collect', '--force', '--input-file', a, '--db', db]);
  expect(alone.stderr).toMatch(/replaces the earlier ingest of \S+node-a\.jsonl \(run 1\); run 1's other files stay as they were \(\S+node-b\.jsonl, \S+node-c\.jsonl\): connections they share/);
  const together = await runCli(['collect', '--force', '--input-file', a, '--input-file', b, '--input-file', c, '--db', db]);
  expect(together.stderr).not.toMatch(/stay as they were/);
  const fresh = join(dir, 'nodes-fresh.db');
  await collect(fresh, a, b, c);
  expect(await edgesJson(db)).toBe(await edgesJson(fresh));
});

describe('a file collected again with another selection (-n, --since, --verdict...)', () => {
  const TCP = new URL('../../../recorded-flows/hubble-otel__basic-sample-400-tcp-flows.jsonl', import.meta.url).pathname;
  const run = async (db: string, ...args: string[]) => {
    const r = await runCli(['collect', '--input-file', TCP, '--db', db, ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r.stderr;
  };
  const edgesIn = async (db: string, ns: string) => (await runCli(['edges', '--db', db, '-n', ns, '-o', 'json'])).stdout;

  it('is skipped with a note that --force would replace the other selection\'s ingest (QA: it then silently lost it), and a selection covering both restores it', async () => {
    const db = join(dir, 'selections.db');
    await run(db, '-n', 'jaeger');
    const jaeger = await edgesIn(db, 'jaeger');
    expect(JSON.parse(jaeger).edges).not.toEqual([]);
    expect(await run(db, '-n', 'bookinfo')).toMatch(/skipped\s+\S+tcp-flows\.jsonl: already ingested as \S+ \(run 1\), which selected -n jaeger, and this run selects -n bookinfo: --force would replace that ingest with this one, dropping what it added; to keep both, collect it once with --force and a selection that covers both\n/);
    expect(await run(db, '-n', 'bookinfo', '--force')).toContain('replaces the earlier ingest of ' + TCP + ' (run 1); that ingest selected -n jaeger: only what this run selects (-n bookinfo) stays');
    expect(JSON.parse(await edgesIn(db, 'jaeger')).edges).toEqual([]);
    await run(db, '-n', 'jaeger,bookinfo', '--force');
    expect(await edgesIn(db, 'jaeger')).toBe(jaeger);
    // A run selecting every flow covers the earlier one: --force is simply the way.
    expect(await run(db, '--since', '2000-01-01', '--until', '2000-01-02')).toContain('which selected -n bookinfo,jaeger, and this run selects --since');
    const db2 = join(dir, 'selections-2.db');
    await run(db2, '-n', 'jaeger');
    expect(await run(db2)).toMatch(/which selected -n jaeger; this run selects every flow: use --force to replace that ingest with this one\n/);
    // The same selection, however written, is the same ingest: plain skip.
    expect(await run(db, '-n', 'bookinfo', '-n', 'jaeger')).toMatch(/already ingested as \S+ \(run 4\); use --force to ingest it again\n/);
  });

  it('a grown file whose first part was collected with another selection is skipped too (QA: it replaced that ingest)', async () => {
    const db = join(dir, 'grown-selection.db');
    const log = join(dir, 'grown-selection.jsonl');
    const all = readFileSync(TCP, 'utf8').split(/(?<=\n)/);
    writeFileSync(log, all.slice(0, 200).join(''));
    const first = await runCli(['collect', '--input-file', log, '--db', db, '-n', 'jaeger']);
    expect(first.code, first.stderr).toBe(0);
    appendFileSync(log, all.slice(200).join(''));
    const again = await runCli(['collect', '--input-file', log, '--db', db, '-n', 'bookinfo']);
    expect(again.stderr).toMatch(/skipped\s+\S+grown-selection\.jsonl: its first part was ingested as \S+ \(run 1\), which selected -n jaeger, and this run selects -n bookinfo: --force would replace/);
    const forced = await runCli(['collect', '--input-file', log, '--db', db, '-n', 'bookinfo', '--force']);
    expect(forced.stderr).toContain('which it extends: the file grew since; that ingest selected -n jaeger: only what this run selects (-n bookinfo) stays');
  });

  it('edges says when collect\'s selection left out every flow (QA: it said they "folded")', async () => {
    const db = join(dir, 'none-selected.db');
    await run(db, '-n', 'no-such-namespace');
    const edges = await runCli(['edges', '--db', db]);
    expect(edges.stderr).toMatch(/no edges \(collect's selection \(-n, --since\/--until, --pod, --verdict\.\.\.\) left out all \d+ flows it read: collect them again with another selection\)/);
  });

  it('a database from before flowpol kept selections is read as it is, upgraded by collect, and its ingests\' selection is not guessed', async () => {
    const db = join(dir, 'v1.db');
    await run(db, '-n', 'jaeger');
    const old = new BetterSqlite3(db);
    old.exec('DELETE FROM schema_version WHERE version = 2; ALTER TABLE ingest_units DROP COLUMN selection;');
    old.close();
    // Read-only commands read it as it is (version 2 only adds what collect writes).
    const before = await runCli(['edges', '--db', db, '-o', 'json']);
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout).edges).not.toEqual([]);
    expect(await run(db, '-n', 'bookinfo')).toMatch(/already ingested as \S+ \(run 1\); use --force to ingest it again\n/);
    expect((await runCli(['edges', '--db', db, '-n', 'jaeger'])).code).toBe(0);
  });
});
