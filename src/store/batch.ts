// In-memory aggregation between two flushes: folded edges keyed by edgeKey, counted per hour and
// per observed verdict; the latest endpoint seen per namespace (its labels are parsed only at
// flush time); lost-event totals per source and node. A flush writes it in one transaction.
import { hourOf } from '../hours.js';
import type { HourCount, Joined, Reclassification } from '../identity/connection-counts.js';
import { PeerIds } from '../identity/peer-ids.js';
import { InternalError } from '../errors.js';
import type { Endpoint, LostEvent, ObservedEdge, ObservedVerdict } from '../model.js';
import { EDGE_PROTOCOL_INDEX, OBSERVED_VERDICTS } from '../model.js';

const VERDICT_SLOTS = OBSERVED_VERDICTS.length;
const VERDICT_INDEX = new Map<ObservedVerdict, number>(OBSERVED_VERDICTS.map((v, i) => [v, i]));

const PORTS = 0x10000;

/** Destination peer number, protocol and port as one number (exact below 2^53 for any peer count). */
function edgeSlot(destination: number, edge: ObservedEdge): number {
  const { port } = edge;
  if (!(port >= 0 && port < PORTS)) throw new InternalError(`edge port ${port} is not a 16-bit port`);
  return (destination * 8 + EDGE_PROTOCOL_INDEX[edge.protocol]) * PORTS + port;
}

/**
 * Observations of one edge in one hour under one verdict; `count` is 0 or -1 only after reclassify,
 * join or widen. `held`: the counts added here less those moved away again from here, so a bucket at 0
 * can tell new observations that cancel an earlier unit's moved count (held > 0: its times must
 * be written) from one whose counts all moved on. `widened`: widen put the span of a count here
 * (another batch's, or moved on since): those times are written even when nothing is counted here.
 */
export interface Bucket {
  hour: number; verdict: ObservedVerdict; count: number; firstSeen: number; lastSeen: number; held: number; widened: boolean;
}

export interface EdgeAggregate {
  /** The first observation: its peers, protocol and port identify the edge. */
  edge: ObservedEdge;
  /** Keyed by hour * VERDICT_SLOTS + verdict index. */
  buckets: Map<number, Bucket>;
  names: Set<string>;
}

export interface LostTotal { source: string; node: string; records: number; lost: number }

export class IngestBatch {
  /** Keyed by source peer number (see PeerIds), then by destination peer number, protocol and port (edgeSlot). */
  private readonly bySource = new Map<number, Map<number, EdgeAggregate>>();
  private edgesHeld = 0;
  private bucketsHeld = 0;
  /** Latest (by flow time) endpoint carrying labels, per namespace name. */
  readonly namespaces = new Map<string, { endpoint: Endpoint; time: number }>();
  readonly lost = new Map<string, LostTotal>();
  private readonly peers = new PeerIds();
  private readonly nextPeer = (): number => this.peers.size;
  private static generations = 1;
  /** Marks the HourCounts this batch holds; new on every clear(), unique over all batches. */
  private generation = IngestBatch.generations++;

  /** Distinct edges held (the pipeline flushes when there are many). */
  get edgeCount(): number {
    return this.edgesHeld;
  }

  /** Hour × verdict buckets held, over all edges. */
  get bucketCount(): number {
    return this.bucketsHeld;
  }

  get isEmpty(): boolean {
    return this.edgesHeld === 0 && this.namespaces.size === 0 && this.lost.size === 0;
  }

  /** The folded edges since the last clear(). */
  *edges(): Generator<EdgeAggregate> {
    for (const byEdge of this.bySource.values()) yield* byEdge.values();
  }

  /** A new count (`count`, when the folder made one: marked as held by this batch for reclassify). */
  addEdge(edge: ObservedEdge, count?: HourCount): void {
    if (count !== undefined) count.batch = this.generation;
    const agg = this.aggregate(edge);
    this.count(agg, edge.observedVerdict, 1, edge.time, edge.time, 1);
    for (const name of edge.destinationNames) agg.names.add(name);
  }

  /**
   * Move a connection's counts from verdict `from` to `to` (a later event of it was more decisive:
   * rule 5 in identity/edge.ts), each with the span of its events. When a count was already
   * flushed (or made by an earlier file of the run), this batch holds -1 (or 0) for `from`, which
   * the flush adds to this unit's rows (IngestWriter), so every sum over units is exact. A moved
   * count keeps its time and so its hour, now under `to`.
   */
  reclassify({ counts, from, to }: Reclassification): void {
    for (const count of counts) {
      this.takeBack(count, from);
      this.count(this.aggregate(count.edge), to, 1, count.first, count.last, 1);
      count.batch = this.generation;
    }
  }

  /**
   * Two spans of one connection became one (identity/connection-spans.ts): take back the counts
   * of hours they were both counted in (as reclassify takes back a moved count: -1 here when it was
   * already flushed or made by an earlier file), move counts to the joined verdict, and widen the
   * counts that took the taken-back ones' spans in.
   */
  join({ retracted, moved, widened, verdict }: Joined): void {
    for (const { count, verdict: was } of retracted) this.takeBack(count, was);
    for (const move of moved) this.reclassify(move);
    for (const count of widened) this.widen(count, verdict);
  }

  /** -1 for `count` under `verdict`, in its hour (no times: they stay where they were written). */
  private takeBack(count: HourCount, verdict: ObservedVerdict): void {
    this.count(this.aggregate(count.edge), verdict, -1, count.edge.time, count.edge.time, count.batch === this.generation ? -1 : 0);
  }

  /**
   * Widen the bucket of a count (its edge's hour, under `verdict`) to the span of its
   * connection's events in that hour (rule 4 in identity/edge.ts). No count is added: when the
   * bucket was already flushed, the flush widens the stored row's times only.
   */
  widen(count: HourCount, verdict: ObservedVerdict): void {
    this.count(this.aggregate(count.edge), verdict, 0, count.first, count.last);
  }

  /** The aggregate of the edge `edge` is an observation of (made when new). */
  private aggregate(edge: ObservedEdge): EdgeAggregate {
    const source = this.peers.idOf(edge.source, this.nextPeer);
    const key = edgeSlot(this.peers.idOf(edge.destination, this.nextPeer), edge);
    let byEdge = this.bySource.get(source);
    if (byEdge === undefined) this.bySource.set(source, (byEdge = new Map()));
    let agg = byEdge.get(key);
    if (agg === undefined) {
      agg = { edge, buckets: new Map(), names: new Set() };
      byEdge.set(key, agg);
      this.edgesHeld++;
    }
    return agg;
  }

  /**
   * Add `delta` observations seen from `first` to `last` (one clock hour: a count's span) to the
   * edge's bucket of that hour and verdict (below 1 after reclassify or widen).
   */
  private count(agg: EdgeAggregate, verdict: ObservedVerdict, delta: number, first: number, last: number, held = 0): void {
    const hour = hourOf(first);
    const slot = hour * VERDICT_SLOTS + (VERDICT_INDEX.get(verdict) ?? 0);
    const bucket = agg.buckets.get(slot);
    if (bucket === undefined) {
      agg.buckets.set(slot, { hour, verdict, count: delta, firstSeen: first, lastSeen: last, held, widened: delta === 0 });
      this.bucketsHeld++;
    } else {
      bucket.count += delta;
      bucket.held += held;
      if (delta === 0) bucket.widened = true; // only widen adds nothing
      if (first < bucket.firstSeen) bucket.firstSeen = first;
      if (last > bucket.lastSeen) bucket.lastSeen = last;
    }
  }

  /** Remember the endpoint as the namespace's newest sighting (labels are read at flush). */
  addEndpoint(endpoint: Endpoint, time: number): void {
    const name = endpoint.namespace;
    if (name === undefined || endpoint.labels.length === 0) return;
    const seen = this.namespaces.get(name);
    if (seen === undefined) this.namespaces.set(name, { endpoint, time });
    else if (time >= seen.time) {
      seen.endpoint = endpoint;
      seen.time = time;
    }
  }

  addLost(event: LostEvent): void {
    const node = event.nodeName ?? '';
    const key = `${event.source}\u0000${node}`;
    const total = this.lost.get(key);
    if (total === undefined) this.lost.set(key, { source: event.source, node, records: 1, lost: event.numEventsLost });
    else {
      total.records++;
      total.lost += event.numEventsLost;
    }
  }

  clear(): void {
    this.generation = IngestBatch.generations++;
    this.bySource.clear();
    this.edgesHeld = 0;
    this.bucketsHeld = 0;
    this.namespaces.clear();
    this.lost.clear();
    this.peers.clear();
  }
}
