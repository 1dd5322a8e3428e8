import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationalError } from '../../../src/errors.js';
import type { Endpoint, ObservedEdge, ObservedVerdict, Peer } from '../../../src/model.js';
import { IngestBatch } from '../../../src/store/batch.js';
import { addCounts, emptyCounts } from '../../../src/store/counts.js';
import { openDatabase } from '../../../src/store/database.js';
import type { Database } from '../../../src/store/database.js';
import { loadEdges, loadNamespaces } from '../../../src/store/edges.js';
import { IngestWriter } from '../../../src/store/ingest.js';
import { loadIngestSummary } from '../../../src/store/summary.js';

const require = createRequire(import.meta.url);
const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const web: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } };
const api: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'api' } } };
const db1: Peer = { kind: 'workload', identity: { namespace: 'data', labels: { app: 'db' } } };
const world: Peer = { kind: 'cidr', cidr: '140.82.121.4/32' };

function edge(source: Peer, destination: Peer, port: number, time: number, verdict: ObservedVerdict = 'FORWARDED', names: string[] = []): ObservedEdge {
  return { source, destination, protocol: 'TCP', port, observedVerdict: verdict, time, destinationNames: names };
}

function nsEndpoint(namespace: string, team: string): Endpoint {
  return { namespace, labels: [`k8s:io.cilium.k8s.namespace.labels.team=${team}`, `k8s:io.kubernetes.pod.namespace=${namespace}`, 'k8s:app=x'], workloads: [] };
}

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-store-'));
  db = openDatabase(join(dir, 'f.db'), { create: true });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Write one committed unit holding `edges`. */
function ingest(writer: IngestWriter, runId: number, name: string, edges: ObservedEdge[], fill?: (b: IngestBatch) => void): number {
  const unitId = writer.startUnit(runId, { kind: 'file', name, atomic: true, fingerprint: `fp-${name}` }, T0);
  const batch = new IngestBatch();
  for (const e of edges) batch.addEdge(e);
  fill?.(batch);
  const counts = { ...emptyCounts(), flowsRead: edges.length, flowsKept: edges.length };
  writer.commitUnit(unitId, batch, counts, T0);
  return unitId;
}

describe('openDatabase', () => {
  it('creates a WAL database at the latest schema version and reopens it read-only', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT max(version) AS v FROM schema_version').get()).toEqual({ v: 2 });
    db.close();
    db = openDatabase(join(dir, 'f.db'), { readonly: true });
    expect(loadEdges(db)).toEqual([]);
  });

  it('read-only, reads a database of an older schema that only lacks what collect writes, and refuses a newer one', () => {
    db.exec('DELETE FROM schema_version WHERE version = 2; ALTER TABLE ingest_units DROP COLUMN selection;');
    db.close();
    db = openDatabase(join(dir, 'f.db'), { readonly: true });
    expect(loadEdges(db)).toEqual([]);
    db.close();
    const newer = new BetterSqlite3(join(dir, 'f.db'));
    newer.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (99, ?, 0)').run('from the future');
    newer.close();
    expect(() => openDatabase(join(dir, 'f.db'), { readonly: true })).toThrow(/has schema version 99, this flowpol reads 2 \(newer than this flowpol\)/);
    db = new BetterSqlite3(join(dir, 'f.db')) as unknown as Database; // open again for afterEach to close
  });

  it('waits for another process that has the new file open before switching it to WAL', async () => {
    const file = join(dir, 'shared.db');
    // Another process is writing the new (still rollback-journal) file for a moment, as a second collect creating it does.
    const script = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(process.argv[1]);
      db.exec('BEGIN IMMEDIATE'); db.pragma('application_id = 0'); console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 300);`;
    const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    const opened = openDatabase(file, { create: true });
    expect(opened.pragma('journal_mode', { simple: true })).toBe('wal');
    opened.close();
    await new Promise((r) => child.once('exit', r));
  });

  it('opens a current database for writing while another collect holds the write lock (nothing to migrate, nothing written)', () => {
    const other = new BetterSqlite3(join(dir, 'f.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const second = openDatabase(join(dir, 'f.db'), { create: true });
      expect(second.prepare('SELECT max(version) AS v FROM schema_version').get()).toEqual({ v: 2 });
      second.close();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('refuses a directory, naming it (QA: "disk I/O error")', () => {
    for (const options of [{ readonly: true }, { create: true }]) {
      expect(() => openDatabase(dir, options)).toThrow(`cannot open database ${dir}: it is a directory; give a file path, such as ${join(dir, 'flowpol.db')}`);
    }
  });

  it('refuses a missing file in read mode and without create', () => {
    const missing = join(dir, 'none.db');
    expect(() => openDatabase(missing, { readonly: true })).toThrow(/does not exist; run `flowpol collect/);
    expect(() => openDatabase(missing)).toThrow(OperationalError);
  });

  it('refuses a SQLite file of another application and a file that is not SQLite', () => {
    const other = join(dir, 'other.db');
    const foreign = new BetterSqlite3(other);
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    expect(() => openDatabase(other, { create: true })).toThrow(/not a flowpol database/);
    const text = join(dir, 'text.db');
    writeFileSync(text, 'hello, this is not a database at all, just some text '.repeat(100));
    expect(() => openDatabase(text, { readonly: true })).toThrow(/not a flowpol database/);
  });
});

describe('ingest writer and loadEdges', () => {
  it('adds counts across units, keeps per-verdict counts, names and exact first/last seen', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [edge(web, api, 8080, T0 + 5), edge(web, api, 8080, T0 + 10, 'DROPPED'), edge(web, world, 443, T0 + 7, 'FORWARDED', ['github.com'])]);
    ingest(w, runId, 'b', [edge(web, api, 8080, T0 + 2 * H + 1), edge(web, world, 443, T0 + 3, 'FORWARDED', ['api.github.com'])]);
    const edges = loadEdges(db);
    expect(edges.map((e) => [e.destination, e.port, e.count, e.verdicts, e.firstSeen, e.lastSeen, e.destinationNames])).toEqual([
      [world, 443, 2, { FORWARDED: 2 }, T0 + 3, T0 + 7, ['api.github.com', 'github.com']],
      [api, 8080, 3, { DROPPED: 1, FORWARDED: 2 }, T0 + 5, T0 + 2 * H + 1, []],
    ]);
  });

  it('first/last seen are exact when one batch sees an edge out of time order', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [edge(web, api, 8080, T0 + 10), edge(web, api, 8080, T0 + 5), edge(web, api, 8080, T0 + 20), edge(web, api, 8080, T0 + 7)]);
    expect(loadEdges(db).map((e) => [e.count, e.firstSeen, e.lastSeen])).toEqual([[4, T0 + 5, T0 + 20]]);
  });

  it('one edge per peer content, whichever objects carry it (peers are numbered by object, then by key)', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    const copy = (p: Peer): Peer => structuredClone(p);
    ingest(w, runId, 'a', [
      edge(web, api, 8080, T0 + 1), edge(copy(web), copy(api), 8080, T0 + 2), edge(web, db1, 8080, T0 + 3),
      edge(copy(web), world, 443, T0 + 4), edge(web, copy(world), 443, T0 + 5), edge(api, web, 8080, T0 + 6),
    ]);
    ingest(w, runId, 'b', [edge(copy(web), copy(api), 8080, T0 + 7), edge(copy(db1), web, 5432, T0 + 8)]);
    expect(loadEdges(db).map((e) => [e.source, e.destination, e.port, e.count])).toEqual([
      [db1, web, 5432, 1], [api, web, 8080, 1], [web, world, 443, 2], [web, db1, 8080, 1], [web, api, 8080, 3],
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM peers').get()).toEqual({ n: 4 });
  });

  it('selects whole hours with since/until and filters by namespace at either end', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [edge(web, api, 80, T0 + 10), edge(web, api, 80, T0 + H + 10), edge(web, api, 80, T0 + 2 * H + 10), edge(api, db1, 5432, T0 + 20)]);
    const hourTwo = loadEdges(db, { since: T0 + H + 30 * 60_000, until: T0 + H + 40 * 60_000 });
    expect(hourTwo.map((e) => [e.port, e.count, e.firstSeen])).toEqual([[80, 1, T0 + H + 10]]);
    expect(loadEdges(db, { since: T0 + H }).map((e) => e.count)).toEqual([2]);
    expect(loadEdges(db, { until: T0 + 59 * 60_000 }).map((e) => [e.port, e.count])).toEqual([[5432, 1], [80, 1]]);
    expect(loadEdges(db, { namespaces: ['data'] }).map((e) => e.port)).toEqual([5432]);
    expect(loadEdges(db, { namespaces: ['shop'] }).map((e) => e.port)).toEqual([5432, 80]);
    expect(loadEdges(db, { namespaces: ['nope'] })).toEqual([]);
  });

  it('keeps a staged unit invisible until commit and removes it whole on abort', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'done', [edge(web, api, 80, T0)]);
    const unitId = w.startUnit(runId, { kind: 'file', name: 'half', atomic: true }, T0);
    const batch = new IngestBatch();
    batch.addEdge(edge(web, api, 80, T0 + 1));
    batch.addEdge(edge(api, db1, 5432, T0 + 1));
    w.flush(unitId, batch, { ...emptyCounts(), flowsRead: 2 });
    expect(batch.isEmpty).toBe(true);
    expect(loadEdges(db).map((e) => e.count)).toEqual([1]);
    w.abortUnit(unitId);
    expect(db.prepare('SELECT count(*) AS n FROM edge_hours WHERE unit_id = ?').get(unitId)).toEqual({ n: 0 });
    expect(loadIngestSummary(db).units.map((u) => u.name)).toEqual(['done']);
  });

  it('a new run discards units staged by a run whose process is gone', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    const unitId = w.startUnit(runId, { kind: 'file', name: 'killed.json', atomic: true }, T0);
    const batch = new IngestBatch();
    batch.addEdge(edge(web, api, 80, T0));
    w.flush(unitId, batch, { ...emptyCounts(), flowsRead: 7 });
    db.prepare('UPDATE ingest_runs SET pid = 2147483646 WHERE id = ?').run(runId);
    const next = new IngestWriter(db).startRun(T0 + 1);
    expect(next.discarded).toEqual([{ id: unitId, runId, name: 'killed.json', flowsRead: 7 }]);
    expect(db.prepare('SELECT status FROM ingest_runs WHERE id = ?').get(runId)).toEqual({ status: 'interrupted' });
    expect(db.prepare('SELECT count(*) AS n FROM edge_hours').get()).toEqual({ n: 0 });
  });

  /** A live process that is not this one, and a 'running' run recorded with its pid, started at `startedAt`. */
  async function otherRun(startedAt: number): Promise<{ runId: number; pid: number; stop(): Promise<unknown> }> {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const runId = Number(db.prepare("INSERT INTO ingest_runs (started_at, status, pid) VALUES (?, 'running', ?)").run(startedAt, child.pid).lastInsertRowid);
    const exited = new Promise((r) => child.once('exit', r)); // reaped: a zombie would still take signal 0
    return { runId, pid: child.pid as number, stop: () => (child.kill('SIGKILL'), exited) };
  }

  it('refuses to start while another collect\'s run is in progress, until its process is gone', async () => {
    const other = await otherRun(Date.now());
    try {
      expect(() => new IngestWriter(db).startRun(T0)).toThrow(`another flowpol collect (pid ${other.pid}, run ${other.runId}) is writing to this database`);
    } finally {
      await other.stop();
    }
    expect(new IngestWriter(db).startRun(T0).runId).toBeGreaterThan(other.runId);
    expect(db.prepare('SELECT status FROM ingest_runs WHERE id = ?').get(other.runId)).toEqual({ status: 'interrupted' });
  });

  it.runIf(process.platform === 'linux')('still takes a process started a little after the run began for the run\'s own (clock steps, boot-time rounding)', async () => {
    const other = await otherRun(Date.now() - 10_000);
    try {
      expect(() => new IngestWriter(db).startRun(T0)).toThrow(`another flowpol collect (pid ${other.pid}, run ${other.runId}) is writing to this database`);
    } finally {
      await other.stop();
    }
  });

  it('takes a run left running by this very process as over (a library caller that did not finish it)', () => {
    const runId = Number(db.prepare("INSERT INTO ingest_runs (started_at, status, pid) VALUES (?, 'running', ?)").run(Date.now(), process.pid).lastInsertRowid);
    expect(new IngestWriter(db).startRun(T0).runId).toBeGreaterThan(runId);
    expect(db.prepare('SELECT status FROM ingest_runs WHERE id = ?').get(runId)).toEqual({ status: 'interrupted' });
  });

  it.runIf(process.platform === 'linux')('takes a live pid for a reused one when its process started after the run began (/proc)', async () => {
    const other = await otherRun(Date.now() - 3_600_000);
    try {
      expect(new IngestWriter(db).startRun(T0).runId).toBeGreaterThan(other.runId);
      expect(db.prepare('SELECT status FROM ingest_runs WHERE id = ?').get(other.runId)).toEqual({ status: 'interrupted' });
    } finally {
      await other.stop();
    }
  });

  it('finds committed units by fingerprint and replaces them on request', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    const first = ingest(w, runId, 'a', [edge(web, api, 80, T0)]);
    expect(w.findCommitted('fp-a')).toMatchObject({ id: first, name: 'a', runId });
    expect(w.findCommitted('fp-zzz')).toBeUndefined();
    const second = w.startUnit(runId, { kind: 'file', name: 'a-again', atomic: true, fingerprint: 'fp-a' }, T0);
    const batch = new IngestBatch();
    batch.addEdge(edge(web, api, 80, T0));
    w.commitUnit(second, batch, emptyCounts(), T0, [first]);
    expect(loadEdges(db).map((e) => e.count)).toEqual([1]);
    expect(w.findCommitted('fp-a')).toMatchObject({ id: second, name: 'a-again' });
  });
});

describe('namespaces and ingest summary', () => {
  it('keeps the latest labels per namespace by flow time and sums lost events per source and node', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [edge(web, api, 80, T0)], (b) => {
      b.addEndpoint(nsEndpoint('shop', 'new'), T0 + 100);
      b.addEndpoint(nsEndpoint('shop', 'old'), T0 + 50);
      b.addEndpoint(nsEndpoint('data', 'd'), T0);
      b.addLost({ source: 'PERF_EVENT_RING_BUFFER', numEventsLost: 5, nodeName: 'n1' });
      b.addLost({ source: 'PERF_EVENT_RING_BUFFER', numEventsLost: 7, nodeName: 'n1' });
    });
    ingest(w, runId, 'b', [], (b) => b.addEndpoint(nsEndpoint('shop', 'older'), T0 - H));
    expect(loadNamespaces(db)).toEqual([
      { name: 'data', labels: { team: 'd' } },
      { name: 'shop', labels: { team: 'new' } },
    ]);
    const s = loadIngestSummary(db);
    expect(s.lost).toEqual([{ source: 'PERF_EVENT_RING_BUFFER', node: 'n1', records: 2, lost: 12 }]);
    expect(s.units.map((u) => [u.name, u.counts.flowsRead])).toEqual([['a', 1], ['b', 0]]);
    expect(s.counts.flowsRead).toBe(1);
    expect(s.edges).toBe(1);
    expect(s.identities).toBe(2);
  });

  it('a later endpoint without any labels does not replace the labels seen', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [], (b) => {
      b.addEndpoint(nsEndpoint('shop', 'seen'), T0);
      b.addEndpoint({ namespace: 'shop', labels: [], workloads: [] }, T0 + 1);
    });
    expect(loadNamespaces(db)).toEqual([{ name: 'shop', labels: { team: 'seen' } }]);
  });

  it('of two sightings at the same time, the one read last gives the labels', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [], (b) => {
      b.addEndpoint(nsEndpoint('shop', 'first'), T0);
      b.addEndpoint(nsEndpoint('shop', 'second'), T0);
    });
    expect(loadNamespaces(db)).toEqual([{ name: 'shop', labels: { team: 'second' } }]);
  });

  it('an older sighting in a later flush of the same unit does not replace the newer labels', () => {
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    const unitId = w.startUnit(runId, { kind: 'file', name: 'two-flushes', atomic: true }, T0);
    const batch = new IngestBatch();
    batch.addEndpoint(nsEndpoint('shop', 'new'), T0 + 100);
    w.flush(unitId, batch, emptyCounts());
    batch.addEndpoint(nsEndpoint('shop', 'old'), T0 + 50); // the next file of another node, earlier in time
    w.commitUnit(unitId, batch, emptyCounts(), T0);
    expect(loadNamespaces(db)).toEqual([{ name: 'shop', labels: { team: 'new' } }]);
  });

  it('sums lost events over committed units only, and gives one run\'s units and lost events with runId', () => {
    const lost = (n: number) => (b: IngestBatch) => b.addLost({ source: 'PERF_EVENT_RING_BUFFER', numEventsLost: n, nodeName: 'n1' });
    const first = new IngestWriter(db);
    const run1 = first.startRun(T0).runId;
    ingest(first, run1, 'a', [edge(web, api, 80, T0)], lost(5));
    const w = new IngestWriter(db);
    const run2 = w.startRun(T0 + H).runId;
    ingest(w, run2, 'b', [edge(web, api, 80, T0 + H)], lost(7));
    const staged = w.startUnit(run2, { kind: 'file', name: 'half', atomic: true }, T0 + H);
    const batch = new IngestBatch();
    lost(100)(batch);
    w.flush(staged, batch, { ...emptyCounts(), flowsRead: 1 });
    expect(loadIngestSummary(db).lost).toEqual([{ source: 'PERF_EVENT_RING_BUFFER', node: 'n1', records: 2, lost: 12 }]);
    const second = loadIngestSummary(db, { runId: run2 });
    expect(second.units.map((u) => u.name)).toEqual(['b']);
    expect(second.lost).toEqual([{ source: 'PERF_EVENT_RING_BUFFER', node: 'n1', records: 1, lost: 7 }]);
    expect(second.runs.map((r) => r.id)).toEqual([run2]);
  });

  it('leaves out a namespace whose flows carried no namespace labels, and keeps the latest labels that were seen', () => {
    const bare = (namespace: string): Endpoint => ({ namespace, labels: [`k8s:io.kubernetes.pod.namespace=${namespace}`, 'k8s:app=x'], workloads: [] });
    const w = new IngestWriter(db);
    const { runId } = w.startRun(T0);
    ingest(w, runId, 'a', [], (b) => {
      b.addEndpoint(nsEndpoint('shop', 'seen'), T0);
      b.addEndpoint(bare('legacy'), T0);
    });
    ingest(w, runId, 'b', [], (b) => b.addEndpoint(bare('shop'), T0 + H)); // later, from an older agent
    expect(loadNamespaces(db)).toEqual([{ name: 'shop', labels: { team: 'seen' } }]);
  });
});

describe('addCounts', () => {
  it('sums every count, folded reasons one by one, and widens the flow time window', () => {
    const a = { ...emptyCounts(), flowsRead: 3, folded: { reply: 2 }, firstFlow: T0 + 10, lastFlow: T0 + 20 };
    const b = { ...emptyCounts(), flowsRead: 4, lostEvents: 5, folded: { reply: 1, duplicate: 7 }, firstFlow: T0 + 5, lastFlow: T0 + 15 };
    expect(addCounts(a, b)).toEqual({
      ...emptyCounts(), flowsRead: 7, lostEvents: 5, folded: { reply: 3, duplicate: 7 }, firstFlow: T0 + 5, lastFlow: T0 + 20,
    });
    expect(addCounts(emptyCounts(), { ...emptyCounts(), firstFlow: T0, lastFlow: T0 + 1 })).toMatchObject({ firstFlow: T0, lastFlow: T0 + 1 });
  });
});
