// Numbers for peers, without rebuilding their key text for every edge: the folder hands out one
// object per workload (its peer cache), so workload peers are found by object first; every other
// peer (and a workload object not seen before) by its peerKey.
import type { Peer } from '../model.js';
import { peerKey } from './peer.js';

export class PeerIds {
  private byObject = new WeakMap<Peer, number>();
  private readonly byKey = new Map<string, number>();

  /** The number of `peer`; `create` gives one to a peer key seen for the first time. */
  idOf(peer: Peer, create: (peer: Peer, key: string) => number): number {
    const workload = peer.kind === 'workload';
    if (workload) {
      const known = this.byObject.get(peer);
      if (known !== undefined) return known;
    }
    const key = peerKey(peer);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = create(peer, key);
      this.byKey.set(key, id);
    }
    if (workload) this.byObject.set(peer, id);
    return id;
  }

  /** Number of distinct peer keys known. */
  get size(): number {
    return this.byKey.size;
  }

  clear(): void {
    this.byObject = new WeakMap();
    this.byKey.clear();
  }
}
