// Workload peers cached by what decides them: whether and which workload an endpoint is depends
// on its namespace and labels only, and computing it (parsing and filtering every label) is most
// of folding's cost, while a recording repeats the same few hundred label sets.
import type { Endpoint, Peer } from '../model.js';
import type { IdentityOptions } from './identity.js';
import { peerOf } from './peer.js';
import { sameStrings } from '../order.js';

/** Workload peers remembered by namespace + labels, and by Cilium identity number. */
const PEER_CACHE_SIZE = 10_000;

/** A workload peer remembered under its Cilium identity number, with what it was computed from. */
interface NumberedPeer { namespace: string | undefined; labels: readonly string[]; peer: Peer }

export class PeerCache {
  private readonly workloads = new Map<string, Peer>();
  private readonly numbered = new Map<number, NumberedPeer>();

  constructor(private readonly opts: IdentityOptions) {}

  /**
   * peerOf, cached for workloads. First by the Cilium identity number, which is only a hint: the
   * entry is used when namespace and every label are equal too (no string to build), else by
   * namespace and labels as JSON (exact whatever characters they hold, which a join with a
   * separator is not). Each table is cleared when it reaches PEER_CACHE_SIZE.
   */
  peer(ep: Endpoint, names: readonly string[]): Peer {
    const num = ep.identity;
    if (num !== undefined) {
      const hit = this.numbered.get(num);
      if (hit !== undefined && hit.namespace === ep.namespace && sameStrings(hit.labels, ep.labels)) return hit.peer;
    }
    const key = JSON.stringify([ep.namespace ?? null, ep.labels]);
    let peer = this.workloads.get(key);
    if (peer === undefined) {
      peer = peerOf(ep, this.opts, names);
      if (peer.kind !== 'workload') return peer;
      if (this.workloads.size >= PEER_CACHE_SIZE) this.workloads.clear();
      this.workloads.set(key, peer);
    }
    if (num !== undefined) {
      if (this.numbered.size >= PEER_CACHE_SIZE) this.numbered.clear();
      this.numbered.set(num, { namespace: ep.namespace, labels: ep.labels, peer });
    }
    return peer;
  }
}
