// SIGKILL in the middle of an ingest: the database stays consistent at its last commit. Stdin
// commits at every flush (2 s), so what was flushed stays, equal to exactly the folded prefix of
// the flows read; a file is one unit, so its staged rows stay invisible and the next collect
// discards them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { EdgeFolder } from '../../../src/identity/edge.js';
import { DEFAULT_IDENTITY_OPTIONS } from '../../../src/identity/identity.js';
import { peerKey } from '../../../src/identity/peer.js';
import { openDatabase } from '../../../src/store/database.js';
import { loadEdges } from '../../../src/store/edges.js';
import { runCli } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';

const BIN = fileURLToPath(new URL('../../../bin/flowpol.js', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-kill-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** flows_read of the newest unit with this status, read through a second connection while the writer runs. */
function unitFlows(db: string, status: 'staged' | 'committed'): number | undefined {
  try {
    const h = openDatabase(db, { readonly: true });
    try {
      const row = h.prepare('SELECT flows_read AS n FROM ingest_units WHERE status = ? ORDER BY id DESC LIMIT 1').get(status) as { n: number } | undefined;
      return row?.n;
    } finally {
      h.close();
    }
  } catch {
    return undefined; // not created yet
  }
}

let flows: string;
let content: Buffer;
beforeAll(async () => {
  flows = join(dir, 'big.jsonl');
  await writeFlowFile(flows, { seed: 7, flows: 60_000 });
  content = readFileSync(flows);
});

/** The edges the library folds from the first `count` flows of the file, by edge key. */
async function foldedPrefix(count: number): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
  let read = 0;
  for await (const event of readFlowFile(flows, { skipInvalid: false })) {
    if (event.kind !== 'flow' || ++read > count) break;
    const r = folder.fold(event.flow);
    if (r.kind !== 'edge') continue;
    const e = r.edge;
    const key = `${peerKey(e.source)}|${peerKey(e.destination)}|${e.protocol}|${e.port}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  return expected;
}

/** Sum of the committed counts per edge key, and the database checks. */
function committedCounts(db: string): Map<string, number> {
  const h = openDatabase(db, { readonly: true });
  try {
    expect(h.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(h.pragma('foreign_key_check')).toEqual([]);
    return new Map(loadEdges(h).map((e) => [`${peerKey(e.source)}|${peerKey(e.destination)}|${e.protocol}|${e.port}`, e.count]));
  } finally {
    h.close();
  }
}

it('SIGKILL while reading stdin keeps every flush committed: exactly the folded prefix of the flows read', async () => {
  const db = join(dir, 'stdin.db');
  // Feed the first part through stdin and keep stdin open: the child cannot finish, only flush
  // (every 2 s) — then kill it without warning.
  const child = spawn(process.execPath, [BIN, 'collect', '--db', db, '--input-file', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const firstPart = content.subarray(0, content.indexOf(10, Math.floor(content.length / 2)) + 1);
  child.stdin.write(firstPart);
  const sent = firstPart.toString('utf8').split('\n').length - 1;
  let committed: number | undefined;
  for (let i = 0; i < 600 && committed !== sent; i++) {
    await new Promise((r) => setTimeout(r, 100));
    committed = unitFlows(db, 'committed');
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  expect(committed).toBe(sent);
  const expected = await foldedPrefix(sent);
  expect(expected.size).toBeGreaterThan(10);
  expect(committedCounts(db)).toEqual(expected);

  const next = await runCli(['collect', '--db', db, '--input-file', flows]);
  expect(next.code).toBe(0);
  expect(next.stderr).not.toContain('discarded');
  const after = openDatabase(db, { readonly: true });
  try {
    expect(after.prepare('SELECT status FROM ingest_runs ORDER BY id').all()).toEqual([{ status: 'interrupted' }, { status: 'completed' }]);
  } finally {
    after.close();
  }
});

it('SIGKILL while reading a file leaves nothing of it visible; the next collect discards its staged unit and ends as a clean ingest', async () => {
  const db = join(dir, 'file.db');
  const child = spawn(process.execPath, [BIN, 'collect', '--db', db, '--input-file', flows], { stdio: ['ignore', 'ignore', 'ignore'] });
  let staged: number | undefined;
  for (let i = 0; i < 600 && staged === undefined; i++) {
    await new Promise((r) => setTimeout(r, 20));
    staged = unitFlows(db, 'staged');
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  expect(staged).toBeDefined();
  expect(committedCounts(db)).toEqual(new Map());

  const next = await runCli(['collect', '--db', db, '--input-file', flows]);
  expect(next.code).toBe(0);
  expect(next.stderr).toMatch(/discarded {3}.*big\.jsonl: partial ingest of interrupted run 1 \(\d+ flows staged, never committed\)/);
  const clean = join(dir, 'clean.db');
  expect((await runCli(['collect', '--db', clean, '--input-file', flows])).code).toBe(0);
  expect(committedCounts(db)).toEqual(committedCounts(clean));
  const after = openDatabase(db, { readonly: true });
  try {
    expect(after.prepare("SELECT count(*) AS n FROM ingest_units WHERE status = 'staged'").get()).toEqual({ n: 0 });
  } finally {
    after.close();
  }
});

/** The statuses of every run, oldest first. */
function runStatuses(db: string): unknown[] {
  const h = openDatabase(db, { readonly: true });
  try {
    return h.prepare('SELECT status FROM ingest_runs ORDER BY id').all();
  } finally {
    h.close();
  }
}

it('SIGINT while reading a file rolls it back and says so (exit 1); while reading stdin it commits what was read (exit 0)', async () => {
  const fileDb = join(dir, 'int-file.db');
  const file = spawn(process.execPath, [BIN, 'collect', '--db', fileDb, '--input-file', flows], { stdio: ['ignore', 'ignore', 'pipe'] });
  let fileErr = '';
  file.stderr.on('data', (b: Buffer) => (fileErr += b.toString()));
  for (let i = 0; i < 600 && unitFlows(fileDb, 'staged') === undefined; i++) await new Promise((r) => setTimeout(r, 20));
  file.kill('SIGINT');
  const fileCode = await new Promise((r) => file.on('close', r));
  expect(fileCode).toBe(1);
  expect(fileErr).toMatch(/rolled-back\s+\S+big\.jsonl \(\d+ flows\): interrupted while reading \S+big\.jsonl; it was rolled back/);
  expect(fileErr).toContain('flowpol: error [E_INTERRUPTED]');
  expect(committedCounts(fileDb)).toEqual(new Map());
  expect(runStatuses(fileDb)).toEqual([{ status: 'interrupted' }]);

  const stdinDb = join(dir, 'int-stdin.db');
  const piped = spawn(process.execPath, [BIN, 'collect', '--db', stdinDb, '--input-file', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let pipedErr = '';
  piped.stderr.on('data', (b: Buffer) => (pipedErr += b.toString()));
  const firstPart = content.subarray(0, content.indexOf(10, Math.floor(content.length / 4)) + 1);
  piped.stdin.write(firstPart);
  const sent = firstPart.toString('utf8').split('\n').length - 1;
  for (let i = 0; i < 600 && unitFlows(stdinDb, 'committed') !== sent; i++) await new Promise((r) => setTimeout(r, 100));
  piped.kill('SIGINT');
  expect(await new Promise((r) => piped.on('close', r))).toBe(0);
  expect(pipedErr).toMatch(new RegExp(`committed {3}- \\(${sent} flows\\)`));
  expect(committedCounts(stdinDb)).toEqual(await foldedPrefix(sent));
  expect(runStatuses(stdinDb)).toEqual([{ status: 'completed' }]);
});
