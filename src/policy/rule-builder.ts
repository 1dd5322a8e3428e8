// Accumulates, for one workload and one direction, the ports each peer used, then writes rules:
// ports merged per peer, peers with identical port sets merged into one rule, both sorted.
import type { Edge, PolicyProtocol, Rule, RulePeer, TrafficSummary } from '../model.js';
import type { K8sPeer } from './peers-to-k8s.js';
import { PortSet } from './port-sets.js';

/** Traffic behind something, counting each edge once. */
export class Traffic {
  edges = 0;
  flows = 0;
  firstSeen: number | undefined;
  lastSeen: number | undefined;
  private last: Edge | undefined;

  add(edge: Edge): void {
    if (edge === this.last) return;
    this.last = edge;
    this.edges += 1;
    this.flows += edge.count;
    if (this.firstSeen === undefined || edge.firstSeen < this.firstSeen) this.firstSeen = edge.firstSeen;
    if (this.lastSeen === undefined || edge.lastSeen > this.lastSeen) this.lastSeen = edge.lastSeen;
  }

  merge(other: Traffic): void {
    this.edges += other.edges;
    this.flows += other.flows;
    if (other.firstSeen !== undefined && (this.firstSeen === undefined || other.firstSeen < this.firstSeen)) this.firstSeen = other.firstSeen;
    if (other.lastSeen !== undefined && (this.lastSeen === undefined || other.lastSeen > this.lastSeen)) this.lastSeen = other.lastSeen;
  }

  summary(): TrafficSummary {
    const out: TrafficSummary = { edges: this.edges, flows: this.flows };
    if (this.firstSeen !== undefined) out.firstSeen = this.firstSeen;
    if (this.lastSeen !== undefined) out.lastSeen = this.lastSeen;
    return out;
  }
}

interface PeerUse { peer: K8sPeer; ports: PortSet; names: Set<string>; traffic: Traffic; addedForDns: boolean }

/** One direction of one workload's policy. */
export class RuleBuilder {
  private readonly peers = new Map<string, PeerUse>();

  get size(): number {
    return this.peers.size;
  }

  /** Observed traffic: `edge` reached `peer` on protocol/port. */
  observe(peer: K8sPeer, protocol: PolicyProtocol, port: number, edge: Edge, names: readonly string[]): void {
    const use = this.use(peer);
    use.ports.add(protocol, port);
    use.traffic.add(edge);
    for (const name of names) use.names.add(name);
  }

  /** Ports added without observed traffic (`--always-dns`); `peer`'s selector wins over an observed one. */
  add(peer: K8sPeer, ports: readonly [PolicyProtocol, number][]): void {
    const use = this.use(peer);
    use.peer = peer;
    use.addedForDns = true;
    for (const [protocol, port] of ports) use.ports.add(protocol, port);
  }

  rules(portRanges: boolean): Rule[] {
    const groups = new Map<string, PeerUse[]>();
    for (const use of this.peers.values()) {
      const key = use.ports.key();
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [use]);
      else group.push(use);
    }
    const rules: { sortKey: string; rule: Rule }[] = [];
    for (const group of groups.values()) {
      group.sort((a, b) => (a.peer.sortKey < b.peer.sortKey ? -1 : 1));
      const traffic = new Traffic();
      for (const use of group) traffic.merge(use.traffic);
      const peers = group.map((use): RulePeer => ({ peer: use.peer.peer, selector: use.peer.selector, names: [...use.names].sort() }));
      const first = group[0] as PeerUse;
      rules.push({
        sortKey: first.peer.sortKey,
        rule: { peers, ports: first.ports.toPolicyPorts(portRanges), traffic: traffic.summary(), addedForDns: group.some((u) => u.addedForDns) },
      });
    }
    return rules.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1)).map((r) => r.rule);
  }

  private use(peer: K8sPeer): PeerUse {
    let use = this.peers.get(peer.key);
    if (use === undefined) {
      use = { peer, ports: new PortSet(), names: new Set(), traffic: new Traffic(), addedForDns: false };
      this.peers.set(peer.key, use);
    }
    return use;
  }
}
