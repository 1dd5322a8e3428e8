// Seeded random learned graphs for the proof tests and the bench: label supersets, four
// namespaces (name label seen, seen with other labels, seen without it, never seen), world
// addresses, reserved and DNS-only peers, TCP/UDP/SCTP/ICMP.
import { identityKey } from '../../../src/identity/identity.js';
import type { Edge, EdgeProtocol, Identity, Namespace, Peer } from '../../../src/model.js';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const RANDOM_NAMESPACES: Namespace[] = [
  { name: 'alpha', labels: { 'kubernetes.io/metadata.name': 'alpha' } },
  { name: 'beta', labels: { 'kubernetes.io/metadata.name': 'beta', team: 'b' } },
  { name: 'gamma', labels: { env: 'old' } },
  // delta: never seen
];

export interface GraphSize { identities: number; edges: number; addresses: number; ports: number }

export function randomGraph(seed: number, size: GraphSize = { identities: 30, edges: 250, addresses: 3, ports: 6 }): { edges: Edge[]; namespaces: Namespace[] } {
  const rnd = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const apps = Math.max(8, Math.ceil(size.identities / 3));
  const ids = new Map<string, Identity>();
  while (ids.size < size.identities) {
    const labels: Record<string, string> = { app: `a${Math.floor(rnd() * apps)}` };
    if (rnd() < 0.4) labels.tier = pick(['fe', 'be', '']);
    if (rnd() < 0.2) labels.track = 'canary';
    const id = { namespace: pick(['alpha', 'beta', 'gamma', 'delta']), labels };
    ids.set(identityKey(id), id);
  }
  const pods: Peer[] = [...ids.values()].map((identity) => ({ kind: 'workload', identity }));
  const addresses: Peer[] = Array.from({ length: size.addresses }, (_, i) =>
    i % 3 === 2 ? { kind: 'cidr', cidr: `2001:db8::${(i + 1).toString(16)}/128` } : { kind: 'cidr', cidr: `203.0.${(i >> 8) & 255}.${i & 255}/32` },
  );
  const others: Peer[] = [...addresses, { kind: 'reserved', entity: 'host' }, { kind: 'reserved', entity: 'world' }, { kind: 'fqdn', name: 'example.org' }];
  const ports = [53, 80, 443, 8080, 8081, 9090, ...Array.from({ length: Math.max(0, size.ports - 6) }, (_, i) => 10_000 + i)];
  const out = new Map<string, Edge>();
  let t = Date.UTC(2026, 1, 1);
  while (out.size < size.edges) {
    const source = rnd() < 0.9 ? pick(pods) : pick(others);
    const destination = source.kind !== 'workload' || rnd() < 0.8 ? pick(pods) : pick(others);
    const protocol: EdgeProtocol = pick(['TCP', 'TCP', 'TCP', 'UDP', 'SCTP', 'ICMPv4']);
    const port = pick(ports);
    const count = 1 + Math.floor(rnd() * 50);
    t += 60_000;
    const names = destination.kind === 'cidr' && rnd() < 0.5 ? [`host${port}.example.com`] : [];
    const e: Edge = { source, destination, protocol, port, count, firstSeen: t, lastSeen: t + count * 1000, verdicts: { FORWARDED: count }, destinationNames: names };
    out.set(`${JSON.stringify(source)} ${JSON.stringify(destination)} ${protocol} ${port}`, e);
  }
  return { edges: [...out.values()], namespaces: RANDOM_NAMESPACES };
}

/**
 * A cluster-shaped learned graph for the bench: 100 namespaces of services, each listening on
 * one to three ports; clients call services mostly in their own namespace, some in others and
 * some addresses outside; every workload uses kube-dns and is scraped by Prometheus.
 */
export function clusteredGraph(seed: number, identities: number, edges: number): { edges: Edge[]; namespaces: Namespace[] } {
  const rnd = mulberry32(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const perNs = Math.max(1, Math.ceil(identities / 100));
  const namespaces: Namespace[] = Array.from({ length: Math.ceil(identities / perNs) }, (_, i) => ({ name: `ns-${i}`, labels: { 'kubernetes.io/metadata.name': `ns-${i}`, team: `t${i % 7}` } }));
  const portPool = [80, 443, 5432, 6379, 8080, 8443, 9000, 9092, 50051];
  const pods = Array.from({ length: identities }, (_, i) => ({
    peer: { kind: 'workload', identity: { namespace: `ns-${Math.floor(i / perNs)}`, labels: { app: `svc-${i % perNs}`, ...(i % 5 === 0 ? { tier: 'db' } : {}) } } } as Peer,
    ports: [...new Set(Array.from({ length: 1 + int(3) }, () => portPool[int(portPool.length)] as number))],
  }));
  const dns: Peer = { kind: 'workload', identity: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } };
  const prometheus: Peer = { kind: 'workload', identity: { namespace: 'monitoring', labels: { app: 'prometheus' } } };
  const out = new Map<string, Edge>();
  let t = Date.UTC(2026, 1, 1);
  const add = (source: Peer, destination: Peer, key: string, protocol: EdgeProtocol, port: number, names: string[] = []): void => {
    if (out.size >= edges || out.has(`${key} ${protocol} ${port}`)) return;
    const count = 1 + int(500);
    t += 1000;
    out.set(`${key} ${protocol} ${port}`, { source, destination, protocol, port, count, firstSeen: t, lastSeen: t + count * 60_000, verdicts: { FORWARDED: count }, destinationNames: names });
  };
  pods.forEach((p, i) => {
    add(p.peer, dns, `${i} dns`, 'UDP', 53);
    if (i % 3 === 0) add(p.peer, dns, `${i} dns`, 'TCP', 53);
    add(prometheus, p.peer, `prom ${i}`, 'TCP', 9090);
  });
  while (out.size < edges) {
    const c = int(identities);
    const client = pods[c] as (typeof pods)[number];
    const roll = rnd();
    if (roll < 0.1) {
      const a = int(500);
      add(client.peer, { kind: 'cidr', cidr: `203.0.${a >> 8}.${a & 255}/32` }, `${c} ext ${a}`, 'TCP', 443, [`api${a}.example.com`]);
      continue;
    }
    const s = roll < 0.8 ? Math.floor(c / perNs) * perNs + int(perNs) : int(identities);
    const server = pods[Math.min(s, identities - 1)] as (typeof pods)[number];
    for (const port of server.ports) add(client.peer, server.peer, `${c} ${s}`, 'TCP', port);
  }
  return { edges: [...out.values()], namespaces };
}
