// In-memory aggregation between two flushes: folded edges keyed by edgeKey, counted per hour and
// per observed verdict; the latest endpoint seen per namespace (its labels are parsed only at
// flush time); lost-event totals per source and node. A flush writes it in one transaction.
import { PeerIds } from '../identity/peer-ids.js';
import type { Endpoint, LostEvent, ObservedEdge, ObservedVerdict } from '../model.js';
import { OBSERVED_VERDICTS } from '../model.js';

export const HOUR_MS = 3_600_000;

/** Epoch hour of a time in ms: the granularity of time-window reads. */
export function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS);
}

const VERDICT_SLOTS = OBSERVED_VERDICTS.length;
const VERDICT_INDEX = new Map<ObservedVerdict, number>(OBSERVED_VERDICTS.map((v, i) => [v, i]));

export interface Bucket { hour: number; verdict: ObservedVerdict; count: number; firstSeen: number; lastSeen: number }

export interface EdgeAggregate {
  /** The first observation: its peers, protocol and port identify the edge. */
  edge: ObservedEdge;
  /** Keyed by hour * VERDICT_SLOTS + verdict index. */
  buckets: Map<number, Bucket>;
  names: Set<string>;
}

export interface LostTotal { source: string; node: string; records: number; lost: number }

export class IngestBatch {
  /** Keyed by source and destination peer numbers (see PeerIds), protocol and port. */
  readonly edges = new Map<string, EdgeAggregate>();
  /** Latest (by flow time) endpoint carrying labels, per namespace name. */
  readonly namespaces = new Map<string, { endpoint: Endpoint; time: number }>();
  readonly lost = new Map<string, LostTotal>();
  private readonly peers = new PeerIds();
  private readonly nextPeer = (): number => this.peers.size;

  get isEmpty(): boolean {
    return this.edges.size === 0 && this.namespaces.size === 0 && this.lost.size === 0;
  }

  addEdge(edge: ObservedEdge): void {
    const key = `${this.peers.idOf(edge.source, this.nextPeer)} ${this.peers.idOf(edge.destination, this.nextPeer)} ${edge.protocol}/${edge.port}`;
    let agg = this.edges.get(key);
    if (agg === undefined) {
      agg = { edge, buckets: new Map(), names: new Set() };
      this.edges.set(key, agg);
    }
    const hour = hourOf(edge.time);
    const slot = hour * VERDICT_SLOTS + (VERDICT_INDEX.get(edge.observedVerdict) ?? 0);
    const bucket = agg.buckets.get(slot);
    if (bucket === undefined) {
      agg.buckets.set(slot, { hour, verdict: edge.observedVerdict, count: 1, firstSeen: edge.time, lastSeen: edge.time });
    } else {
      bucket.count++;
      if (edge.time < bucket.firstSeen) bucket.firstSeen = edge.time;
      if (edge.time > bucket.lastSeen) bucket.lastSeen = edge.time;
    }
    for (const name of edge.destinationNames) agg.names.add(name);
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
    this.edges.clear();
    this.namespaces.clear();
    this.lost.clear();
    this.peers.clear();
  }
}
