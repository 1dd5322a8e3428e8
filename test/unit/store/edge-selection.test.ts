// selectEdges: the edges of loadEdges, in its order, re-read on every pass from columns; peers
// shared per stored peer; verdict counts keyed in name order; the ingest totals without a scan.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ObservedEdge, ObservedVerdict, Peer } from '../../../src/model.js';
import { IngestBatch } from '../../../src/store/batch.js';
import { emptyCounts } from '../../../src/store/counts.js';
import { type Database, openDatabase } from '../../../src/store/database.js';
import { loadEdges, selectEdges } from '../../../src/store/edges.js';
import { IngestWriter } from '../../../src/store/ingest.js';
import { loadIngestSummary, loadIngestTotals } from '../../../src/store/summary.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const pod = (namespace: string, app: string): Peer => ({ kind: 'workload', identity: { namespace, labels: { app } } });
const observed = (source: Peer, destination: Peer, protocol: ObservedEdge['protocol'], port: number, verdict: ObservedVerdict, time: number): ObservedEdge =>
  ({ source, destination, protocol, port, observedVerdict: verdict, time, destinationNames: [] });

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-selection-'));
  db = openDatabase(join(dir, 'f.db'), { create: true });
  const writer = new IngestWriter(db);
  const { runId } = writer.startRun(T0);
  // Written in an order unlike the key order, with one edge seen FORWARDED, then DROPPED, then AUDIT.
  const [web, api, b] = [pod('shop', 'web'), pod('shop', 'api'), pod('b', 'x')];
  const flows = [
    observed(web, api, 'UDP', 53, 'FORWARDED', T0), observed(web, api, 'TCP', 8080, 'FORWARDED', T0 + 5),
    observed(web, api, 'TCP', 8080, 'DROPPED', T0 + 7_200_000), observed(web, api, 'TCP', 8080, 'AUDIT', T0 + 1),
    observed(b, { kind: 'cidr', cidr: '192.0.2.1/32' }, 'TCP', 443, 'FORWARDED', T0 + 2), observed(api, web, 'TCP', 9, 'FORWARDED', T0 + 3),
    observed(web, api, 'TCP', 80, 'FORWARDED', T0 + 4),
  ];
  const unit = writer.startUnit(runId, { kind: 'file', name: 'u', atomic: true, fingerprint: 'fp' }, T0);
  const batch = new IngestBatch();
  for (const f of flows) batch.addEdge(f);
  writer.commitUnit(unit, batch, { ...emptyCounts(), flowsRead: flows.length, flowsKept: flows.length, firstFlow: T0, lastFlow: T0 + 7_200_000 }, T0);
  writer.finishRun(runId, 'completed', T0);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

it('lists edges by source key, destination key, protocol and port, however they were written', () => {
  const titles = loadEdges(db).map((e) => `${JSON.stringify(e.source)} ${JSON.stringify(e.destination)} ${e.protocol}/${e.port}`);
  expect(titles).toEqual([...titles].sort());
  expect(loadEdges(db).map((e) => `${e.protocol}/${e.port}`)).toEqual(['TCP/443', 'TCP/9', 'TCP/80', 'TCP/8080', 'UDP/53']);
});

it('sums an edge over its hours with verdict counts in name order', () => {
  const mixed = loadEdges(db).find((e) => e.port === 8080);
  expect(mixed).toMatchObject({ count: 3, firstSeen: T0 + 1, lastSeen: T0 + 7_200_000 });
  expect(Object.entries(mixed?.verdicts ?? {})).toEqual([['AUDIT', 1], ['DROPPED', 1], ['FORWARDED', 1]]);
  expect(loadEdges(db, { since: T0 + 3_600_000 }).map((e) => [e.port, e.verdicts])).toEqual([[8080, { DROPPED: 1 }]]);
});

it('reads the same edges on every pass, sharing one Peer object per stored peer', () => {
  const selection = selectEdges(db, { namespaces: ['shop'] });
  const first = [...selection];
  expect(selection.length).toBe(4);
  expect([...selection]).toEqual(first);
  expect(first).toEqual(loadEdges(db, { namespaces: ['shop'] }));
  const webs = first.filter((e) => e.port !== 9).map((e) => e.source);
  expect(new Set(webs).size).toBe(1);
});

it('gives the ingest totals without the edge footprint', () => {
  const { edges, identities, ...totals } = loadIngestSummary(db);
  expect([edges, identities]).toEqual([5, 3]);
  expect(loadIngestTotals(db)).toEqual(totals);
});
