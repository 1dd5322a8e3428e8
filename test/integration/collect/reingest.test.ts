// `flowpol collect` of a file that grew since its ingest (a live exporter log), and of empty inputs.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
