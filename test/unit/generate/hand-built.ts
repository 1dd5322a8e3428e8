// A hand-built learned graph exercising every rule of `flowpol generate` (issue 5): same- and
// cross-namespace peers, the four namespace-selection cases, label supersets, name collisions,
// merged port sets, world addresses with DNS names (IPv4 and IPv6), DNS to kube-dns, and every
// kind of traffic NetworkPolicy cannot govern or express.
import type { Edge, EdgeProtocol, Identity, Namespace, ObservedVerdict, Peer } from '../../../src/model.js';

export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const MINUTE = 60_000;

const pod = (namespace: string, labels: Record<string, string>): Peer => ({ kind: 'workload', identity: { namespace, labels } });
const reserved = (entity: Extract<Peer, { kind: 'reserved' }>['entity']): Peer => ({ kind: 'reserved', entity });
const cidr = (text: string): Peer => ({ kind: 'cidr', cidr: text });

export const web = pod('shop', { app: 'web' });
export const webCanary = pod('shop', { app: 'web', track: 'canary' });
export const apiV1 = pod('shop', { app: 'api', version: 'v1' });
export const apiV2 = pod('shop', { app: 'api', version: 'v2' });
export const unlabelled = pod('shop', {});
export const billing = pod('payments', { 'app.kubernetes.io/name': 'billing', app: 'billing-svc' });
export const oldBatch = pod('legacy', { app: 'old-batch' });
export const twin = pod('twin-a', { app: 'twin' });
export const kubeDns = pod('kube-system', { 'k8s-app': 'kube-dns' });

export const NAMESPACES: Namespace[] = [
  { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'web' } },
  { name: 'payments', labels: { 'kubernetes.io/metadata.name': 'payments' } },
  // Seen in flows without the name label (a cluster older than 1.21): selected by its own labels.
  { name: 'legacy', labels: { env: 'legacy', team: 'old' } },
  // Two namespaces with the same labels and no name label: neither can be selected alone.
  { name: 'twin-a', labels: { team: 'twins' } },
  { name: 'twin-b', labels: { team: 'twins' } },
  // kube-system: never seen, so kubernetes.io/metadata.name is assumed.
];

let minute = 0;
function edge(source: Peer, destination: Peer, protocol: EdgeProtocol, port: number, count: number, extra: { names?: string[]; verdicts?: Partial<Record<ObservedVerdict, number>> } = {}): Edge {
  minute += 7;
  return {
    source, destination, protocol, port, count,
    firstSeen: T0 + minute * MINUTE, lastSeen: T0 + (minute + 90) * MINUTE,
    verdicts: extra.verdicts ?? { FORWARDED: count },
    destinationNames: extra.names ?? [],
  };
}

/** The graph; `rare` is the one edge seen once (for --min-count 2). */
export function handBuiltEdges(): Edge[] {
  minute = 0;
  return [
    // Same namespace; two peers with identical port sets share one rule; 8080-8082 is a run.
    ...[8080, 8081, 8082].flatMap((port) => [edge(web, apiV1, 'TCP', port, 40), edge(web, apiV2, 'TCP', port, 20)]),
    edge(webCanary, apiV1, 'TCP', 8080, 5),
    // Cross-namespace with the name label seen; two protocols to one peer.
    edge(web, billing, 'TCP', 443, 12),
    edge(web, billing, 'UDP', 8125, 300),
    edge(billing, apiV1, 'TCP', 9090, 8),
    // Cluster DNS observed (kube-system labels never seen).
    edge(web, kubeDns, 'UDP', 53, 900),
    edge(web, kubeDns, 'TCP', 53, 4),
    // World: per address, names into the annotation; IPv6 too; and ingress from outside.
    edge(web, cidr('203.0.113.10/32'), 'TCP', 443, 30, { names: ['api.example.com'] }),
    edge(web, cidr('203.0.113.77/32'), 'TCP', 443, 3, { names: ['cdn.example.net', 'static.example.net'] }),
    edge(web, cidr('2001:db8:0:0:0:0:0:1/128'), 'TCP', 443, 2),
    edge(cidr('198.51.100.7/32'), web, 'TCP', 80, 60),
    // Namespace selection fallbacks.
    edge(oldBatch, apiV1, 'TCP', 8080, 6),
    edge(twin, apiV1, 'TCP', 8080, 2),
    edge(unlabelled, apiV1, 'TCP', 8080, 9),
    // Traffic NetworkPolicy cannot govern or express.
    edge(reserved('host'), web, 'TCP', 8080, 120),
    edge(apiV1, reserved('kube-apiserver'), 'TCP', 443, 14),
    edge(apiV1, reserved('remote-node'), 'TCP', 10250, 3),
    edge(web, apiV1, 'ICMPv4', 8, 2),
    edge(web, { kind: 'fqdn', name: 'files.example.org' }, 'TCP', 443, 4),
    edge(web, reserved('world'), 'TCP', 443, 5),
    edge(reserved('health'), web, 'TCP', 4240, 10),
    edge(reserved('ingress'), web, 'TCP', 80, 25),
    edge(reserved('host'), reserved('world'), 'TCP', 443, 50),
    // Seen only DROPPED: allowed, with a note.
    edge(apiV2, billing, 'TCP', 5432, 3, { verdicts: { DROPPED: 3 } }),
    // Self traffic (gossip between replicas).
    edge(billing, billing, 'TCP', 7000, 44),
    // Rare: seen once.
    edge(webCanary, apiV2, 'TCP', 8080, 1),
  ];
}

export const IDENTITIES: Identity[] = [web, webCanary, apiV1, apiV2, unlabelled, billing, oldBatch, twin, kubeDns].map(
  (p) => (p as Extract<Peer, { kind: 'workload' }>).identity,
);
