// The seed three-tier scenario (shared/examples/seed-three-tier.json) as learned edges: web → api
// :8080 → db :5432, prometheus in `monitoring` scraping api :9090, DNS to kube-dns, api → an
// external payments API, kubelet probes from the host, one ping, one drop seen today.
import type { Edge, EdgeProtocol, Namespace, NetworkPolicy, ObservedVerdict, Peer } from '../../../src/model.js';

export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const H = 3_600_000;

const pod = (namespace: string, labels: Record<string, string>): Peer => ({ kind: 'workload', identity: { namespace, labels } });
export const frontend = pod('production', { app: 'frontend' });
export const api = pod('production', { app: 'api-server' });
export const postgres = pod('production', { app: 'postgres' });
export const prometheus = pod('monitoring', { app: 'prometheus' });
export const stagingPrometheus = pod('staging', { app: 'prometheus' });
export const dns = pod('kube-system', { 'k8s-app': 'kube-dns' });
export const payments: Peer = { kind: 'cidr', cidr: '203.0.113.10/32' };
export const host: Peer = { kind: 'reserved', entity: 'host' };

export function edge(
  source: Peer, destination: Peer, protocol: EdgeProtocol, port: number, count: number, verdicts: Partial<Record<ObservedVerdict, number>> = { FORWARDED: count },
): Edge {
  return { source, destination, protocol, port, count, firstSeen: T0 + H, lastSeen: T0 + 26 * H, verdicts, destinationNames: [] };
}

export const SEED_EDGES: readonly Edge[] = [
  edge(frontend, dns, 'UDP', 53, 300),
  edge(api, dns, 'UDP', 53, 200),
  edge(frontend, api, 'TCP', 8080, 120),
  edge(api, postgres, 'TCP', 5432, 96),
  edge(prometheus, api, 'TCP', 9090, 100),
  edge(stagingPrometheus, api, 'TCP', 9090, 10),
  edge(api, payments, 'TCP', 443, 24),
  edge(host, api, 'TCP', 8080, 50),
  edge(frontend, api, 'ICMPv4', 8, 3),
  edge(frontend, postgres, 'TCP', 5432, 4, { DROPPED: 4 }),
];

/** Namespaces whose labels flows showed; staging's were never seen. */
export const SEED_NAMESPACES: readonly Namespace[] = [
  { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  { name: 'monitoring', labels: { 'kubernetes.io/metadata.name': 'monitoring', purpose: 'monitoring' } },
  { name: 'production', labels: { 'kubernetes.io/metadata.name': 'production' } },
];

export function policy(namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The guide's policies for production, except allow-dns: every egress to DNS is forgotten. */
export const FORGETS_DNS: readonly NetworkPolicy[] = [
  policy('production', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('production', 'frontend', {
    podSelector: { matchLabels: { app: 'frontend' } },
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'api-server' } } }], ports: [{ port: 8080 }] }],
  }),
  policy('production', 'api', {
    podSelector: { matchLabels: { app: 'api-server' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ port: 9090 }] },
    ],
    egress: [
      { to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports: [{ port: 5432 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] },
    ],
  }),
  policy('production', 'postgres', {
    podSelector: { matchLabels: { app: 'postgres' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api-server' } } }], ports: [{ port: 5432 }] }],
  }),
];
