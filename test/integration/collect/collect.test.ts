// `flowpol collect` as a process on real SQLite files: incremental counts, re-ingest, errors
// that roll back one file, --skip-invalid, gzip, stdin, filters.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Edge } from '../../../src/model.js';
import { openDatabase } from '../../../src/store/database.js';
import { loadEdges } from '../../../src/store/edges.js';
import { loadIngestSummary } from '../../../src/store/summary.js';
import { runCli } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';

let dir: string;
let fileA: string;
let fileB: string;
/** Flow events in A: its lines minus the lost_events records (counted by text, not by our parser). */
let flowsInA: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-collect-'));
  fileA = join(dir, 'a.jsonl');
  fileB = join(dir, 'b.jsonl');
  await writeFlowFile(fileA, { seed: 1, flows: 3000, lostEvery: 1000, meanGapMs: 10_000 }); // spans ~3 hours
  await writeFlowFile(fileB, { seed: 2, flows: 2000, startTime: Date.UTC(2026, 0, 6, 8) });
  flowsInA = 3000 - readFileSync(fileA, 'utf8').split('\n').filter((l) => l.startsWith('{"lost_events"')).length;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let dbCount = 0;
const newDb = (): string => join(dir, `t${++dbCount}.db`);

function edgesOf(db: string, query = {}): Edge[] {
  const handle = openDatabase(db, { readonly: true });
  try {
    return loadEdges(handle, query);
  } finally {
    handle.close();
  }
}

function summaryOf(db: string): ReturnType<typeof loadIngestSummary> {
  const handle = openDatabase(db, { readonly: true });
  try {
    return loadIngestSummary(handle);
  } finally {
    handle.close();
  }
}

/** Edge identity → count, for comparing graphs. */
function counts(edges: Edge[]): Map<string, number> {
  return new Map(edges.map((e) => [`${JSON.stringify(e.source)}>${JSON.stringify(e.destination)}:${e.protocol}/${e.port}`, e.count]));
}

async function collect(db: string, ...args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> {
  return runCli(['collect', '--db', db, ...args]);
}

describe('flowpol collect', () => {
  it('adds counts across runs: A then B equals A and B collected apart, summed', async () => {
    const onlyA = newDb();
    const onlyB = newDb();
    const both = newDb();
    const ra = await collect(onlyA, '--input-file', fileA);
    expect(ra.code).toBe(0);
    expect(ra.stderr).toMatch(/\nwarning: Hubble lost \d+ events \(\d+ PERF_EVENT_RING_BUFFER on node-1\); the learned graph may be incomplete\n/);
    expect((await collect(onlyB, '--input-file', fileB)).code).toBe(0);
    expect((await collect(both, '--input-file', fileA)).code).toBe(0);
    const second = await collect(both, '--input-file', fileB);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/files\s+1 ingested, 0 skipped, 0 rolled back/);
    const expected = counts(edgesOf(onlyA));
    for (const [k, n] of counts(edgesOf(onlyB))) expected.set(k, (expected.get(k) ?? 0) + n);
    expect(counts(edgesOf(both))).toEqual(expected);
    const a = summaryOf(onlyA);
    expect(flowsInA).toBeLessThan(3000);
    expect(a.counts.flowsRead).toBe(flowsInA);
    expect(a.counts.lostEvents).toBe(a.lost.reduce((n, l) => n + l.lost, 0));
    expect(a.counts.lostEvents).toBeGreaterThan(0);
    expect(summaryOf(both).counts.flowsRead).toBe(flowsInA + 2000);
  });

  it('skips a file already ingested (by content, under another name) unless --force, which replaces it', async () => {
    const db = newDb();
    await collect(db, '--input-file', fileA);
    const before = counts(edgesOf(db));
    const copy = join(dir, 'copy-of-a.json');
    copyFileSync(fileA, copy);
    const again = await collect(db, '--input-file', copy);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`skipped     ${copy}: already ingested as ${fileA} (run 1); use --force`);
    expect(counts(edgesOf(db))).toEqual(before);
    const forced = await collect(db, '--input-file', copy, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(`replaces the earlier ingest of ${fileA} (run 1)`);
    expect(counts(edgesOf(db))).toEqual(before);
    expect(summaryOf(db).units.map((u) => u.name)).toEqual([copy]);
  });

  it('a malformed record exits 1 with file:line, rolls that file back and keeps earlier files', async () => {
    const db = newDb();
    const bad = join(dir, 'z-bad.jsonl');
    const lines = readFileSync(fileB, 'utf8').split('\n').slice(0, 1500);
    lines[1200] = '{"flow": {"time": "yesterday", "verdict": "FORWARDED"}}';
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const after = join(dir, 'zz-after.jsonl'); // files are read in name order: this one after the bad one
    writeFileSync(after, `${lines.slice(0, 10).join('\n')}\n`);
    const r = await collect(db, '--input-file', fileA, bad, after);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error \\[E_\\w+\\]: ${bad}:1201`));
    expect(r.stderr).toMatch(/files\s+1 ingested, 0 skipped, 1 rolled back, 1 not read/);
    expect(r.stderr).toContain(`rolled-back ${bad}`);
    expect(r.stderr).toContain(`not read    ${after}: the run stopped before it`);
    const onlyA = newDb();
    await collect(onlyA, '--input-file', fileA);
    expect(counts(edgesOf(db))).toEqual(counts(edgesOf(onlyA)));
    expect(summaryOf(db).units.map((u) => u.name)).toEqual([fileA]);
  });

  it('--skip-invalid reports each bad record with file:line and counts it', async () => {
    const db = newDb();
    const dirty = join(dir, 'dirty.jsonl');
    const lines = readFileSync(fileB, 'utf8').split('\n').slice(0, 100);
    lines.splice(10, 0, 'not json at all');
    lines.splice(50, 0, '{"flow": {"time": "2026-01-01T00:00:00Z", "l4": {"TCP": {"destination_port": "x"}}}}');
    writeFileSync(dirty, `${lines.join('\n')}\n`);
    const r = await collect(db, '--input-file', dirty, '--skip-invalid');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: skipped invalid record: ${dirty}:11`);
    expect(r.stderr).toContain(`${dirty}:51`);
    expect(r.stderr).toMatch(/invalid skipped 2\n/);
    expect(summaryOf(db).counts).toMatchObject({ invalidSkipped: 2, flowsRead: 100 });
  });

  it('a truncated .gz is a clear error and leaves nothing of that file', async () => {
    const db = newDb();
    const gz = gzipSync(readFileSync(fileB));
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await collect(db, '--input-file', cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[E_GZIP]');
    expect(r.stderr).toContain(cut);
    expect(edgesOf(db)).toEqual([]);
    const whole = join(dir, 'whole.jsonl.gz');
    writeFileSync(whole, gz);
    expect((await collect(db, '--input-file', whole)).code).toBe(0);
    const plain = newDb();
    await collect(plain, '--input-file', fileB);
    expect(counts(edgesOf(db))).toEqual(counts(edgesOf(plain)));
  });

  it('reads stdin with - and learns the same graph as from the file', async () => {
    const db = newDb();
    const r = await runCli(['collect', '--db', db, '--input-file', '-'], { input: readFileSync(fileB) });
    expect(r.code).toBe(0);
    const plain = newDb();
    await collect(plain, '--input-file', fileB);
    expect(counts(edgesOf(db))).toEqual(counts(edgesOf(plain)));
    expect(summaryOf(db).units.map((u) => [u.kind, u.name])).toEqual([['stdin', '-']]);
  });

  it('--since/--until and -n keep only the matching flows and count the rest as filtered out', async () => {
    const all = newDb();
    await collect(all, '--input-file', fileA);
    const since = '2026-01-05T08:20:00Z';
    const until = '2026-01-05T08:40:00Z';
    const windowed = newDb();
    const r = await collect(windowed, '--input-file', fileA, '--since', since, '--until', until, '-n', 'team-3,team-4');
    expect(r.code).toBe(0);
    const s = summaryOf(windowed);
    expect(s.counts.filteredOut).toBeGreaterThan(0);
    expect(s.counts.flowsRead).toBe(flowsInA);
    expect(s.window?.first).toBeGreaterThanOrEqual(Date.parse(since));
    expect(s.window?.last).toBeLessThanOrEqual(Date.parse(until));
    const edges = edgesOf(windowed);
    expect(edges.length).toBeGreaterThan(0);
    const nsOf = (p: Edge['source']): string | undefined => (p.kind === 'workload' ? p.identity.namespace : undefined);
    for (const e of edges) expect(['team-3', 'team-4']).toContain(nsOf(e.source) ?? nsOf(e.destination));
    expect(s.counts.flowsKept).toBeLessThan(summaryOf(all).counts.flowsKept);
  });

  it('rejects bad flags with exit 2', async () => {
    const db = newDb();
    expect((await collect(db, '--input-file', fileA, '--since', 'soon')).code).toBe(2);
    expect((await collect(db, '--input-file', fileA, '-n', 'x', '--all-namespaces')).code).toBe(2);
    const none = await collect(db);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--input-file');
  });
});
