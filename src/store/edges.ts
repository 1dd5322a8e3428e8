// Reads the learned graph for later stages. Only committed units count.
//
// Time windows have hour granularity: an hour bucket (epoch hour) is included when it overlaps
// [since, until], so counts are exact per clock hour and firstSeen/lastSeen are the exact first
// and last observation inside the included hours. Destination DNS names are not bucketed: an
// edge lists every name seen with it.
import type { Edge, EdgeProtocol, Namespace, ObservedVerdict, Peer } from '../model.js';
import { hourOf } from './batch.js';
import type { Database } from './database.js';

export interface EdgeQuery {
  /** Epoch ms; the hour containing it is the first included. */
  since?: number;
  /** Epoch ms; the hour containing it is the last included. */
  until?: number;
  /** Keep edges with either end a workload in one of these namespaces; empty/undefined = all. */
  namespaces?: readonly string[];
}

interface EdgeRow {
  id: number; source: string; destination: string; protocol: EdgeProtocol; port: number;
  verdict: ObservedVerdict; count: number; firstSeen: number; lastSeen: number;
}

/** Committed edges, sorted by source key, destination key, protocol, port (byte order). */
export function loadEdges(db: Database, query: EdgeQuery = {}): Edge[] {
  const namespaces = query.namespaces !== undefined && query.namespaces.length > 0 ? JSON.stringify(query.namespaces) : null;
  const params = {
    fromHour: query.since === undefined ? null : hourOf(query.since),
    toHour: query.until === undefined ? null : hourOf(query.until),
    namespaces,
  };
  const rows = db
    .prepare(
      `SELECT e.id, ps.json AS source, pd.json AS destination, e.protocol, e.port, h.verdict,
              sum(h.count) AS count, min(h.first_seen) AS firstSeen, max(h.last_seen) AS lastSeen
         FROM edge_hours h
         JOIN ingest_units u ON u.id = h.unit_id AND u.status = 'committed'
         JOIN edges e ON e.id = h.edge_id
         JOIN peers ps ON ps.id = e.source_id
         JOIN peers pd ON pd.id = e.destination_id
        WHERE (:fromHour IS NULL OR h.hour >= :fromHour) AND (:toHour IS NULL OR h.hour <= :toHour)
          AND (:namespaces IS NULL OR ps.namespace IN (SELECT value FROM json_each(:namespaces))
                                   OR pd.namespace IN (SELECT value FROM json_each(:namespaces)))
        GROUP BY e.id, h.verdict
        ORDER BY ps.key, pd.key, e.protocol, e.port, h.verdict`,
    )
    .all(params) as EdgeRow[];
  const names = loadEdgeNames(db);
  const edges: Edge[] = [];
  let current: { id: number; edge: Edge } | undefined;
  for (const r of rows) {
    if (current?.id !== r.id) {
      current = {
        id: r.id,
        edge: {
          source: JSON.parse(r.source) as Peer, destination: JSON.parse(r.destination) as Peer,
          protocol: r.protocol, port: r.port, count: 0, firstSeen: r.firstSeen, lastSeen: r.lastSeen,
          verdicts: {}, destinationNames: names.get(r.id) ?? [],
        },
      };
      edges.push(current.edge);
    }
    const e = current.edge;
    e.count += r.count;
    e.verdicts[r.verdict] = r.count;
    if (r.firstSeen < e.firstSeen) e.firstSeen = r.firstSeen;
    if (r.lastSeen > e.lastSeen) e.lastSeen = r.lastSeen;
  }
  return edges;
}

function loadEdgeNames(db: Database): Map<number, string[]> {
  const rows = db
    .prepare(
      `SELECT DISTINCT n.edge_id AS id, n.name FROM edge_names n
         JOIN ingest_units u ON u.id = n.unit_id AND u.status = 'committed' ORDER BY n.edge_id, n.name`,
    )
    .all() as { id: number; name: string }[];
  const names = new Map<number, string[]>();
  for (const r of rows) {
    const list = names.get(r.id);
    if (list === undefined) names.set(r.id, [r.name]);
    else list.push(r.name);
  }
  return names;
}

/** Every namespace seen with its latest labels (by flow time), sorted by name. */
export function loadNamespaces(db: Database): Namespace[] {
  const rows = db
    .prepare(
      `SELECT n.name, n.labels_json AS labels, max(n.seen_at) AS seenAt FROM namespace_labels n
         JOIN ingest_units u ON u.id = n.unit_id AND u.status = 'committed' GROUP BY n.name ORDER BY n.name`,
    )
    .all() as { name: string; labels: string }[];
  return rows.map((r) => ({ name: r.name, labels: JSON.parse(r.labels) as Record<string, string> }));
}
