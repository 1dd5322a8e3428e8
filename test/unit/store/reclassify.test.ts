// IngestBatch.reclassify + IngestWriter: a connection's count moved to a more decisive verdict
// (rule 5 of identity/edge.ts), before or after the count was flushed or committed with an
// earlier file; totals stay exact. IngestBatch.widen: a connection's later (or earlier) events
// move its count's first and last seen, never the count (rule 4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { HourCount } from '../../../src/identity/connection-counts.js';
import type { ObservedEdge, ObservedVerdict, Peer } from '../../../src/model.js';
import { IngestBatch } from '../../../src/store/batch.js';
import { emptyCounts } from '../../../src/store/counts.js';
import { type Database, openDatabase } from '../../../src/store/database.js';
import { loadEdges } from '../../../src/store/edges.js';
import { IngestWriter } from '../../../src/store/ingest.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const web: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } };
const api: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'api' } } };
const seen = (time: number): ObservedEdge =>
  ({ source: web, destination: api, protocol: 'TCP', port: 8080, observedVerdict: 'FORWARDED', time, destinationNames: [] });

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-reclassify-'));
  db = openDatabase(join(dir, 'f.db'), { create: true });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One committed file unit; `steps` get the batch and a flush between steps. */
function unit(...steps: ((batch: IngestBatch) => void)[]): void {
  const writer = new IngestWriter(db);
  const { runId } = writer.startRun(T0);
  const unitId = writer.startUnit(runId, { kind: 'file', name: 'f', atomic: true }, T0);
  const batch = new IngestBatch();
  steps.forEach((step, i) => {
    step(batch);
    if (i < steps.length - 1) writer.flush(unitId, batch, emptyCounts());
  });
  writer.commitUnit(unitId, batch, emptyCounts(), T0);
}

/** The folder's count of each edge (one connection each), which the batch marks as it holds it. */
const counts = new Map<ObservedEdge, HourCount>();
const countOf = (edge: ObservedEdge): HourCount => {
  let count = counts.get(edge);
  if (count === undefined) counts.set(edge, (count = { edge, first: edge.time, last: edge.time, batch: 0 }));
  return count;
};
const add = (batch: IngestBatch, edge: ObservedEdge): void => batch.addEdge(edge, countOf(edge));
const toDropped = (edge: ObservedEdge) => (batch: IngestBatch): void =>
  batch.reclassify({ counts: [countOf(edge)], from: 'FORWARDED', to: 'DROPPED' });
const summary = () => loadEdges(db).map((e) => ({ count: e.count, verdicts: e.verdicts, first: e.firstSeen - T0, last: e.lastSeen - T0 }));
const hourRows = () => db.prepare('SELECT verdict, count FROM edge_hours ORDER BY verdict').all() as { verdict: ObservedVerdict; count: number }[];

it('a count still in the batch moves to the new verdict', () => {
  const a = seen(T0 + 5);
  unit((b) => {
    add(b, a);
    toDropped(a)(b);
  });
  expect(summary()).toEqual([{ count: 1, verdicts: { DROPPED: 1 }, first: 5, last: 5 }]);
  expect(hourRows()).toEqual([{ verdict: 'DROPPED', count: 1 }]);
});

it('a count already flushed is amended in its row; a row left at 0 is removed', () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a), toDropped(a));
  expect(summary()).toEqual([{ count: 1, verdicts: { DROPPED: 1 }, first: 5, last: 5 }]);
  expect(hourRows()).toEqual([{ verdict: 'DROPPED', count: 1 }]);
});

it('flushed, with other observations of the verdict before and after: exact counts and times', () => {
  const a = seen(T0 + 5);
  unit((b) => {
    add(b, a);
    add(b, seen(T0 + 9));
  }, (b) => {
    toDropped(a)(b);
    add(b, seen(T0 + 50)); // cancels the -1 in this batch: its time must still reach the row
  });
  expect(summary()).toEqual([{ count: 3, verdicts: { DROPPED: 1, FORWARDED: 2 }, first: 5, last: 50 }]);
});

it("an earlier file's count: this unit writes -1 and +1, the edge sums to one observation of the new verdict", () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a));
  unit(toDropped(a));
  expect(summary()).toEqual([{ count: 1, verdicts: { DROPPED: 1 }, first: 5, last: 5 }]);
  const rows = db.prepare('SELECT unit_id AS unit, verdict, count FROM edge_hours ORDER BY unit_id, verdict').all();
  expect(rows).toEqual([{ unit: 1, verdict: 'FORWARDED', count: 1 }, { unit: 2, verdict: 'DROPPED', count: 1 }, { unit: 2, verdict: 'FORWARDED', count: -1 }]);
});

const widen = (edge: ObservedEdge, first: number, last: number, verdict: ObservedVerdict = 'FORWARDED') =>
  (batch: IngestBatch): void => batch.widen({ edge, first: T0 + first, last: T0 + last, batch: 0 }, verdict);

it('widen moves first and last seen of a count still in the batch, not the count', () => {
  const a = seen(T0 + 5);
  unit((b) => {
    add(b, a);
    widen(a, 2, 40)(b);
  });
  expect(summary()).toEqual([{ count: 1, verdicts: { FORWARDED: 1 }, first: 2, last: 40 }]);
});

it("widen after a flush widens the stored row's times only; after reclassify, the new verdict's row", () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a), widen(a, 5, 30), (b) => {
    toDropped(a)(b);
    widen(a, 5, 45, 'DROPPED')(b);
  });
  expect(summary()).toEqual([{ count: 1, verdicts: { DROPPED: 1 }, first: 5, last: 45 }]);
  expect(hourRows()).toEqual([{ verdict: 'DROPPED', count: 1 }]);
});

it("an earlier file's count moved away and a new count of the same verdict and hour: the new count's times are kept", () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a));
  unit((b) => {
    toDropped(a)(b);
    add(b, seen(T0 + 50)); // this unit's FORWARDED bucket: -1 + 1 = 0, and no row of its own yet
  });
  expect(summary()).toEqual([{ count: 2, verdicts: { DROPPED: 1, FORWARDED: 1 }, first: 5, last: 50 }]);
});

it("widen of an earlier file's count: this unit holds the times in a row of count 0, the count stays one", () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a));
  unit(widen(a, 2, 50));
  expect(summary()).toEqual([{ count: 1, verdicts: { FORWARDED: 1 }, first: 2, last: 50 }]);
  expect(db.prepare('SELECT unit_id AS unit, count FROM edge_hours ORDER BY unit_id').all()).toEqual([{ unit: 1, count: 1 }, { unit: 2, count: 0 }]);
});

it("an edge whose rows add up to nothing (its count taken away, another unit's amendments left) is not listed", () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a));
  unit(widen(a, 2, 50));
  expect(summary()).toHaveLength(1);
  db.prepare('DELETE FROM edge_hours WHERE unit_id = 1').run(); // as a --force re-ingest that no longer counts it
  expect(summary()).toEqual([]);
});

it("a reclassified count keeps its connection's span under the new verdict", () => {
  const a = seen(T0 + 5);
  unit((b) => add(b, a), (b) => {
    Object.assign(countOf(a), { first: T0 + 2, last: T0 + 40 }); // the connection's later events widened its count
    toDropped(a)(b);
  });
  expect(summary()).toEqual([{ count: 1, verdicts: { DROPPED: 1 }, first: 2, last: 40 }]);
});
