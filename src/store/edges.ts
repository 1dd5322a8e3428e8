// Reads the learned graph for later stages. Only committed units count.
//
// Time windows have hour granularity: an hour bucket (epoch hour) is included when it overlaps
// [since, until], so counts are exact per clock hour and firstSeen/lastSeen are the exact first
// and last observation inside the included hours. Destination DNS names are not bucketed: an
// edge lists every name seen with it.
import type { Edge, EdgeProtocol, Namespace, ObservedVerdict, Peer } from '../model.js';
import { NO_NAMES } from '../model.js';
import { hourOf } from '../hours.js';
import type { Database } from './database.js';
import { type EdgeColumns, MIXED, readEdgeColumns } from './edge-columns.js';

export interface EdgeQuery {
  /** Epoch ms; the hour containing it is the first included. */
  since?: number;
  /** Epoch ms; the hour containing it is the last included. */
  until?: number;
  /** Keep edges with either end a workload in one of these namespaces; empty/undefined = all. */
  namespaces?: readonly string[];
}

/** Committed edges, sorted by source key, destination key, protocol, port (byte order). */
export function loadEdges(db: Database, query: EdgeQuery = {}): Edge[] {
  return [...selectEdges(db, query)];
}

/**
 * The edges `loadEdges` returns, in its order, held as columns: each pass builds its Edge objects
 * as it goes (peers are shared, one object per stored peer), so a reader that keeps few of them
 * never holds a million.
 */
export interface EdgeSelection extends Iterable<Edge> {
  readonly length: number;
  /** The edge at this position of the order, built anew (undefined outside 0..length-1). */
  at(index: number): Edge | undefined;
}

export function selectEdges(db: Database, query: EdgeQuery = {}): EdgeSelection {
  const columns = readEdgeColumns(db, {
    fromHour: query.since === undefined ? null : hourOf(query.since),
    toHour: query.until === undefined ? null : hourOf(query.until),
  });
  const peers = readPeers(db);
  const only = query.namespaces !== undefined && query.namespaces.length > 0 ? new Set(query.namespaces) : undefined;
  const inScope = (peer: number): boolean => {
    const ns = peers.namespace[peer];
    return ns !== undefined && (only as Set<string>).has(ns);
  };
  const ids: number[] = [];
  for (let id = 1; id < columns.size; id++) {
    // No row, or rows that add up to nothing: another file's amendments (count 0 for times, -1
    // for a verdict moved on) of a count that a --force re-ingest took away.
    if (columns.verdict[id] === 0 || (columns.count[id] as number) <= 0) continue;
    if (only !== undefined && !inScope(columns.source[id] as number) && !inScope(columns.destination[id] as number)) continue;
    ids.push(id);
  }
  const order = Float64Array.from(sortByPeers(ids, columns, peers.rank));
  const names = loadEdgeNames(db);
  const { count, first, last, source, destination, protocol, port, protocols } = columns;
  const edgeAt = (id: number): Edge => ({
    source: peers.peer(source[id] as number), destination: peers.peer(destination[id] as number),
    protocol: protocols[protocol[id] as number] as EdgeProtocol, port: port[id] as number,
    count: count[id] as number, firstSeen: first[id] as number, lastSeen: last[id] as number,
    verdicts: verdictsOf(columns, id), destinationNames: names.get(id) ?? NO_NAMES,
  });
  return {
    length: order.length,
    at: (index) => (Number.isInteger(index) && index >= 0 && index < order.length ? edgeAt(order[index] as number) : undefined),
    [Symbol.iterator]: (): Iterator<Edge> => {
      let i = 0;
      // One result object per pass: for-of reads it before asking for the next.
      const result: { value: Edge | undefined; done: boolean } = { value: undefined, done: false };
      return {
        next: () => {
          if (i < order.length) result.value = edgeAt(order[i++] as number);
          else Object.assign(result, { value: undefined, done: true });
          return result as IteratorResult<Edge>;
        },
      };
    },
  };
}

/** Every peer's rank in key order and namespace by id; each peer's JSON parsed once, when first asked for. */
function readPeers(db: Database): { rank: Float64Array; namespace: (string | undefined)[]; peer(id: number): Peer } {
  const rows = db.prepare('SELECT id, namespace, json FROM peers ORDER BY key').raw().all() as [number, string | null, string][];
  const size = rows.reduce((max, [id]) => Math.max(max, id), 0) + 1;
  const rank = new Float64Array(size);
  const namespace: (string | undefined)[] = new Array<string | undefined>(size);
  const json: string[] = new Array<string>(size);
  rows.forEach(([id, ns, text], i) => {
    rank[id] = i;
    namespace[id] = ns ?? undefined;
    json[id] = text;
  });
  const parsed: (Peer | undefined)[] = new Array<Peer | undefined>(size);
  const peer = (id: number): Peer => (parsed[id] ??= JSON.parse(json[id] as string) as Peer);
  return { rank, namespace, peer };
}

/** The edge ids by source rank, destination rank, protocol (byte order), port: a counting sort on the source, then each source's few edges. */
function sortByPeers(ids: readonly number[], c: EdgeColumns, rank: Float64Array): number[] {
  const protocolRank = c.protocols.map((p) => c.protocols.filter((q) => q < p).length);
  const bucket = new Int32Array(rank.length + 1);
  const sourceRank = (id: number): number => rank[c.source[id] as number] as number;
  for (const id of ids) bucket[sourceRank(id) + 1] = (bucket[sourceRank(id) + 1] as number) + 1;
  for (let i = 1; i < bucket.length; i++) bucket[i] = (bucket[i] as number) + (bucket[i - 1] as number);
  const out = new Array<number>(ids.length);
  for (const id of ids) {
    const r = sourceRank(id);
    out[bucket[r] as number] = id;
    bucket[r] = (bucket[r] as number) + 1;
  }
  const byDestination = (a: number, b: number): number =>
    (rank[c.destination[a] as number] as number) - (rank[c.destination[b] as number] as number) ||
    (protocolRank[c.protocol[a] as number] as number) - (protocolRank[c.protocol[b] as number] as number) ||
    (c.port[a] as number) - (c.port[b] as number);
  for (let start = 0; start < out.length;) {
    const r = sourceRank(out[start] as number);
    let end = start + 1;
    while (end < out.length && sourceRank(out[end] as number) === r) end++;
    if (end - start > 1) {
      const run = out.slice(start, end).sort(byDestination);
      for (let i = 0; i < run.length; i++) out[start + i] = run[i] as number;
    }
    start = end;
  }
  return out;
}

/** The Hubble verdict counts of one edge, in verdict name order. */
function verdictsOf(c: EdgeColumns, id: number): Edge['verdicts'] {
  const slot = c.verdict[id] as number;
  if (slot !== MIXED) return { [c.verdictNames[slot - 1] as ObservedVerdict]: c.count[id] as number };
  const split = c.mixed.get(id) as Map<string, number>;
  const out: Edge['verdicts'] = {};
  // A count moved to another verdict by a later file leaves 0 behind (IngestWriter.writeBucket).
  for (const name of [...split.keys()].sort()) if (split.get(name) !== 0) out[name as ObservedVerdict] = split.get(name) as number;
  return out;
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

/**
 * Every namespace flows showed labels for, with its latest labels (by flow time), sorted by name.
 * A namespace whose pods' flows carry no namespace labels (older Cilium, or an identity label
 * filter, leaves them out) is not listed: its labels are unknown, not empty.
 */
export function loadNamespaces(db: Database): Namespace[] {
  const rows = db
    .prepare(
      `SELECT n.name, n.labels_json AS labels, max(n.seen_at) AS seenAt FROM namespace_labels n
         JOIN ingest_units u ON u.id = n.unit_id AND u.status = 'committed'
         WHERE n.labels_json <> '{}' GROUP BY n.name ORDER BY n.name`,
    )
    .all() as { name: string; labels: string }[];
  return rows.map((r) => ({ name: r.name, labels: JSON.parse(r.labels) as Record<string, string> }));
}
