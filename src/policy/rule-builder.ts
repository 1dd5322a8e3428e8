// Accumulates, for one workload and one direction, the ports each peer used, then writes rules:
// ports merged per peer, peers with identical port sets merged into one rule, both sorted.
// Hot path of `generate` (two peer uses per learned edge): flat records, no per-peer sets.
import type { Edge, Peer, PolicyProtocol, Rule, RulePeer, TrafficSummary } from '../model.js';
import type { K8sPeer } from './peers-to-k8s.js';
import { type PortCatalog, type PortNames, namedPortsKey, normalizeCodes, portCode } from './port-sets.js';

/** `--named-ports`: the container port name to write for a port code of a rule peer, if any. */
export type PortNamer = (peer: Peer, code: number) => string | undefined;

function portNames(use: PeerUse, namer: PortNamer | undefined): PortNames | undefined {
  if (namer === undefined) return undefined;
  const names = use.codes.map((code) => namer(use.peer.peer, code));
  return names.some((n) => n !== undefined) ? names : undefined;
}

/** Traffic behind something, counting each edge once. */
export class Traffic {
  edges = 0;
  flows = 0;
  firstSeen = Infinity;
  lastSeen = -Infinity;
  private last: Edge | undefined;

  add(edge: Edge): void {
    if (edge === this.last) return;
    this.last = edge;
    this.edges += 1;
    this.flows += edge.count;
    if (edge.firstSeen < this.firstSeen) this.firstSeen = edge.firstSeen;
    if (edge.lastSeen > this.lastSeen) this.lastSeen = edge.lastSeen;
  }

  summary(): TrafficSummary {
    return summary(this);
  }
}

function summary(t: { edges: number; flows: number; firstSeen: number; lastSeen: number }): TrafficSummary {
  if (t.edges === 0) return { edges: 0, flows: 0 };
  return { edges: t.edges, flows: t.flows, firstSeen: t.firstSeen, lastSeen: t.lastSeen };
}

interface PeerUse {
  peer: K8sPeer;
  /** Port codes, in the order seen (normalized when rules are written). */
  codes: number[];
  names: Set<string> | undefined;
  edges: number;
  flows: number;
  firstSeen: number;
  lastSeen: number;
  addedForDns: boolean;
}

/** Shared by every builder of one generate run: port lists and name-less peers are reused. */
export class RuleContext {
  private readonly plain = new WeakMap<K8sPeer, RulePeer>();
  constructor(readonly ports: PortCatalog) {}

  rulePeer(use: PeerUse): RulePeer {
    if (use.names !== undefined) return { peer: use.peer.peer, selector: use.peer.selector, names: [...use.names].sort() };
    let found = this.plain.get(use.peer);
    if (found === undefined) this.plain.set(use.peer, (found = { peer: use.peer.peer, selector: use.peer.selector, names: [] }));
    return found;
  }
}

const bySortKey = (a: PeerUse, b: PeerUse): number => (a.peer.sortKey < b.peer.sortKey ? -1 : 1);

/** One direction of one workload's policy. */
export class RuleBuilder {
  private readonly peers = new Map<string, PeerUse>();

  /** Observed traffic: `edge` reached `peer` on protocol/port. */
  observe(peer: K8sPeer, protocol: PolicyProtocol, port: number, edge: Edge, names: readonly string[]): void {
    const use = this.use(peer);
    use.codes.push(portCode(protocol, port));
    use.edges += 1;
    use.flows += edge.count;
    if (edge.firstSeen < use.firstSeen) use.firstSeen = edge.firstSeen;
    if (edge.lastSeen > use.lastSeen) use.lastSeen = edge.lastSeen;
    if (names.length > 0) {
      use.names ??= new Set();
      for (const name of names) use.names.add(name);
    }
  }

  /** Ports added without observed traffic (`--always-dns`); `peer`'s selector wins over an observed one. */
  add(peer: K8sPeer, ports: readonly [PolicyProtocol, number][]): void {
    const use = this.use(peer);
    use.peer = peer;
    use.addedForDns = true;
    for (const [protocol, port] of ports) use.codes.push(portCode(protocol, port));
  }

  /** The rules; with `namer`, peers are grouped by equal ports AND equal port names. */
  rules(context: RuleContext, namer?: PortNamer): Rule[] {
    const groups = new Map<string | number, { uses: PeerUse[]; names: PortNames | undefined }>();
    for (const use of this.peers.values()) {
      if (use.codes.length > 1) use.codes = normalizeCodes(use.codes);
      const names = portNames(use, namer);
      const key = namedPortsKey(use.codes, names);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { uses: [use], names });
      else group.uses.push(use);
    }
    const sorted = [...groups.values()];
    for (const { uses } of sorted) if (uses.length > 1) uses.sort(bySortKey);
    sorted.sort((a, b) => bySortKey(a.uses[0] as PeerUse, b.uses[0] as PeerUse));
    return sorted.map(({ uses: group, names }): Rule => {
      const traffic = { edges: 0, flows: 0, firstSeen: Infinity, lastSeen: -Infinity };
      let addedForDns = false;
      for (const use of group) {
        traffic.edges += use.edges;
        traffic.flows += use.flows;
        if (use.firstSeen < traffic.firstSeen) traffic.firstSeen = use.firstSeen;
        if (use.lastSeen > traffic.lastSeen) traffic.lastSeen = use.lastSeen;
        addedForDns ||= use.addedForDns;
      }
      const peers = group.map((use) => context.rulePeer(use));
      return { peers, ports: context.ports.ports((group[0] as PeerUse).codes, names), traffic: summary(traffic), addedForDns };
    });
  }

  private use(peer: K8sPeer): PeerUse {
    let use = this.peers.get(peer.key);
    if (use === undefined) {
      use = { peer, codes: [], names: undefined, edges: 0, flows: 0, firstSeen: Infinity, lastSeen: -Infinity, addedForDns: false };
      this.peers.set(peer.key, use);
    }
    return use;
  }
}
