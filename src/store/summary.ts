// What the database holds, for reports and for the end-of-collect summary: the flow window,
// flow counts, lost events, ingested files and runs. Only committed units count.
import { addCounts, emptyCounts } from './counts.js';
import type { IngestCounts } from './counts.js';
import type { Database } from './database.js';
import type { UnitKind } from './ingest.js';

export interface IngestedUnit {
  runId: number;
  kind: UnitKind;
  name: string;
  size?: number;
  fingerprint?: string;
  committedAt: number;
  counts: IngestCounts;
}

export interface LostBySource { source: string; node: string; records: number; lost: number }

export interface IngestSummary {
  /** First and last time of a flow that matched the collect filter; undefined when none. */
  window?: { first: number; last: number };
  /** Totals over the committed units. */
  counts: IngestCounts;
  lost: LostBySource[];
  units: IngestedUnit[];
  runs: { id: number; startedAt: number; finishedAt?: number; status: string }[];
  /** Distinct committed edges, and distinct workload identities at either end of them. */
  edges: number;
  identities: number;
}

interface UnitRow {
  runId: number; kind: UnitKind; name: string; size: number | null; fingerprint: string | null; committedAt: number;
  flowsRead: number; flowsKept: number; filteredOut: number; folded: string; invalidSkipped: number;
  lostEvents: number; nodeStatus: number; otherEvents: number; bytesRead: number; firstFlow: number | null; lastFlow: number | null;
}

/** What was ingested, without the edge footprint: the window, counts, lost events, units and runs. */
export type IngestTotals = Omit<IngestSummary, 'edges' | 'identities'>;

/** Summary of the whole database, or of one ingest run with `runId`. */
export function loadIngestSummary(db: Database, options: { runId?: number } = {}): IngestSummary {
  return { ...loadIngestTotals(db, options), ...loadFootprint(db, options.runId ?? null) };
}

/** The summary without the distinct edges and identities (those scan every edge hour: a report does not need them). */
export function loadIngestTotals(db: Database, options: { runId?: number } = {}): IngestTotals {
  const runId = options.runId ?? null;
  const units = (
    db
      .prepare(
        `SELECT run_id AS runId, kind, name, size, fingerprint, committed_at AS committedAt, flows_read AS flowsRead,
                flows_kept AS flowsKept, filtered_out AS filteredOut, folded_json AS folded, invalid_skipped AS invalidSkipped,
                lost_events AS lostEvents, node_status AS nodeStatus, other_events AS otherEvents, bytes_read AS bytesRead,
                first_flow AS firstFlow, last_flow AS lastFlow
           FROM ingest_units WHERE status = 'committed' AND (:runId IS NULL OR run_id = :runId) ORDER BY id`,
      )
      .all({ runId }) as UnitRow[]
  ).map(toUnit);
  const counts = units.reduce((total, u) => addCounts(total, u.counts), emptyCounts());
  const lost = db
    .prepare(
      `SELECT l.source, l.node, sum(l.records) AS records, sum(l.lost) AS lost FROM lost_events l
         JOIN ingest_units u ON u.id = l.unit_id AND u.status = 'committed' AND (:runId IS NULL OR u.run_id = :runId)
        GROUP BY l.source, l.node ORDER BY l.source, l.node`,
    )
    .all({ runId }) as LostBySource[];
  const runs = (
    db
      .prepare('SELECT id, started_at AS startedAt, finished_at AS finishedAt, status FROM ingest_runs WHERE (:runId IS NULL OR id = :runId) ORDER BY id')
      .all({ runId }) as { id: number; startedAt: number; finishedAt: number | null; status: string }[]
  ).map((r) => ({ id: r.id, startedAt: r.startedAt, status: r.status, ...(r.finishedAt === null ? {} : { finishedAt: r.finishedAt }) }));
  const window = counts.firstFlow !== undefined && counts.lastFlow !== undefined ? { first: counts.firstFlow, last: counts.lastFlow } : undefined;
  return { ...(window ? { window } : {}), counts, lost, units, runs };
}

function loadFootprint(db: Database, runId: number | null): { edges: number; identities: number } {
  return db
    .prepare(
      `WITH used AS (SELECT DISTINCT h.edge_id FROM edge_hours h
                       JOIN ingest_units u ON u.id = h.unit_id AND u.status = 'committed' AND (:runId IS NULL OR u.run_id = :runId))
       SELECT (SELECT count(*) FROM used) AS edges,
              (SELECT count(*) FROM peers p WHERE p.kind = 'workload' AND p.id IN (
                 SELECT e.source_id FROM edges e JOIN used ON used.edge_id = e.id
                 UNION SELECT e.destination_id FROM edges e JOIN used ON used.edge_id = e.id)) AS identities`,
    )
    .get({ runId }) as { edges: number; identities: number };
}

function toUnit(r: UnitRow): IngestedUnit {
  const counts: IngestCounts = {
    flowsRead: r.flowsRead, flowsKept: r.flowsKept, filteredOut: r.filteredOut, folded: JSON.parse(r.folded) as Record<string, number>,
    invalidSkipped: r.invalidSkipped, lostEvents: r.lostEvents, nodeStatus: r.nodeStatus, otherEvents: r.otherEvents, bytesRead: r.bytesRead,
    ...(r.firstFlow === null ? {} : { firstFlow: r.firstFlow }), ...(r.lastFlow === null ? {} : { lastFlow: r.lastFlow }),
  };
  return {
    runId: r.runId, kind: r.kind, name: r.name, committedAt: r.committedAt, counts,
    ...(r.size === null ? {} : { size: r.size }), ...(r.fingerprint === null ? {} : { fingerprint: r.fingerprint }),
  };
}
