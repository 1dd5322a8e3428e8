// SIGKILL in the middle of an ingest: the database stays consistent at the last flush, the
// staged rows equal exactly the folded prefix of the flows read so far, reads ignore them, and
// the next collect discards them.
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

/** Staged flows_read of the newest unit, read through a second connection while the writer runs. */
function stagedFlows(db: string): number | undefined {
  try {
    const h = openDatabase(db, { readonly: true });
    try {
      const row = h.prepare("SELECT flows_read AS n FROM ingest_units WHERE status = 'staged' ORDER BY id DESC LIMIT 1").get() as { n: number } | undefined;
      return row?.n;
    } finally {
      h.close();
    }
  } catch {
    return undefined; // not created yet
  }
}

it('SIGKILL mid-ingest leaves the last flush staged, consistent, invisible, and discarded next time', async () => {
  const flows = join(dir, 'big.jsonl');
  await writeFlowFile(flows, { seed: 7, flows: 60_000 });
  const content = readFileSync(flows);
  const db = join(dir, 'k.db');
  // Feed the first part through stdin and keep stdin open: the child cannot finish, only flush
  // (every 2 s) — then kill it without warning.
  const child = spawn(process.execPath, [BIN, 'collect', '--db', db, '--input-file', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const firstPart = content.subarray(0, content.indexOf(10, Math.floor(content.length / 2)) + 1);
  child.stdin.write(firstPart);
  const sent = firstPart.toString('utf8').split('\n').length - 1;
  let staged: number | undefined;
  for (let i = 0; i < 600 && staged !== sent; i++) {
    await new Promise((r) => setTimeout(r, 100));
    staged = stagedFlows(db);
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  expect(staged).toBe(sent);

  const h = openDatabase(db, { readonly: true });
  const committedPrefix = new Map<string, number>();
  try {
    expect(h.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(h.pragma('foreign_key_check')).toEqual([]);
    expect(loadEdges(h)).toEqual([]); // nothing committed: the file is one unit
    const rows = h.prepare(`SELECT ps.key AS s, pd.key AS d, e.protocol AS p, e.port AS port, sum(h.count) AS n
      FROM edge_hours h JOIN edges e ON e.id = h.edge_id JOIN peers ps ON ps.id = e.source_id JOIN peers pd ON pd.id = e.destination_id
      GROUP BY e.id`).all() as { s: string; d: string; p: string; port: number; n: number }[];
    for (const r of rows) committedPrefix.set(`${r.s}|${r.d}|${r.p}|${r.port}`, r.n);
  } finally {
    h.close();
  }
  // The same prefix folded by the library must give exactly the staged counts.
  const expected = new Map<string, number>();
  const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
  let read = 0;
  for await (const event of readFlowFile(flows, { skipInvalid: false })) {
    if (event.kind !== 'flow' || ++read > sent) break;
    const r = folder.fold(event.flow);
    if (r.kind !== 'edge') continue;
    const e = r.edge;
    const key = `${peerKey(e.source)}|${peerKey(e.destination)}|${e.protocol}|${e.port}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  expect(expected.size).toBeGreaterThan(10);
  expect(committedPrefix).toEqual(expected);

  const next = await runCli(['collect', '--db', db, '--input-file', flows]);
  expect(next.code).toBe(0);
  expect(next.stderr).toContain(`discarded   -: partial ingest of interrupted run 1 (${sent} flows staged, never committed)`);
  const after = openDatabase(db, { readonly: true });
  try {
    expect(after.prepare("SELECT status FROM ingest_runs ORDER BY id").all()).toEqual([{ status: 'interrupted' }, { status: 'completed' }]);
    expect(after.prepare("SELECT count(*) AS n FROM ingest_units WHERE status = 'staged'").get()).toEqual({ n: 0 });
    const total = loadEdges(after).reduce((n, e) => n + e.count, 0);
    expect(total).toBeGreaterThan([...expected.values()].reduce((n, v) => n + v, 0));
  } finally {
    after.close();
  }
});
