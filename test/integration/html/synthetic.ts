// A seeded, realistically shaped report for scale tests and `test/bench/html.ts`: workloads in
// namespaces that mostly talk inside their namespace, to DNS in kube-system and to a few shared
// services, plus world addresses (some with DNS names), host probes and a few dropped edges.
// Half the namespaces get a simulated default-deny, so every status shows up.
import type { Edge, Namespace, Peer } from '../../../src/model.js';
import { buildBreakageReport, type BreakageResult } from '../../../src/report/breakage.js';
import { rng } from '../../unit/policy/random.js';

export interface SyntheticSize { namespaces: number; workloads: number; edges: number }

export function syntheticEdges({ namespaces, workloads, edges }: SyntheticSize, seed = 7): { edges: Edge[]; namespaces: Namespace[] } {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const nsNames = ['kube-system', ...Array.from({ length: namespaces - 1 }, (_, i) => `team-${String(i).padStart(2, '0')}`)];
  const perNs = Math.max(1, Math.floor(workloads / namespaces));
  const workload = (ns: string, i: number): Peer => ({ kind: 'workload', identity: { namespace: ns, labels: { app: `${ns}-svc-${i}`, tier: ['fe', 'be', 'db'][i % 3] as string } } });
  const dns = workload('kube-system', 0);
  const externals: Array<{ peer: Peer; names: string[] }> = Array.from({ length: 40 }, (_, i) => ({
    peer: { kind: 'cidr', cidr: `203.0.113.${i}/32` }, names: i % 2 === 0 ? [`api-${i % 10}.example.com`] : [],
  }));
  const out = new Map<string, Edge>();
  const t0 = Date.UTC(2024, 4, 1);
  let guard = 0;
  while (out.size < edges && guard++ < edges * 20) {
    const ns = nsNames[int(nsNames.length)] as string;
    const source = workload(ns, int(perNs));
    const pick = r();
    let destination: Peer;
    let port = [8080, 9090, 5432, 6379, 443][int(5)] as number;
    let protocol: Edge['protocol'] = 'TCP';
    let names: string[] = [];
    if (pick < 0.1) { destination = dns; port = 53; protocol = 'UDP'; }
    else if (pick < 0.7) destination = workload(ns, int(perNs));
    else if (pick < 0.85) destination = workload(nsNames[int(nsNames.length)] as string, int(perNs));
    else if (pick < 0.95) { const e = externals[int(externals.length)] as (typeof externals)[number]; destination = e.peer; names = e.names; port = 443; }
    else destination = { kind: 'reserved', entity: ['host', 'kube-apiserver', 'world'][int(3)] as 'host' };
    const from = pick >= 0.95 && int(2) === 0 ? { kind: 'reserved', entity: 'host' } as Peer : source;
    const key = JSON.stringify([from, destination, protocol, port]);
    if (out.has(key)) continue;
    const count = 1 + Math.floor(Math.exp(r() * 9));
    const dropped = int(50) === 0;
    const first = t0 + int(86_400_000);
    out.set(key, {
      source: from, destination, protocol, port, count, firstSeen: first, lastSeen: first + int(86_400_000 * 2),
      verdicts: dropped ? { DROPPED: count } : { FORWARDED: count }, destinationNames: names,
    });
  }
  return {
    edges: [...out.values()],
    namespaces: nsNames.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } })),
  };
}

/** The report for a synthetic traffic graph, with default-deny in every other namespace. */
export function syntheticReport(size: SyntheticSize, seed = 7): BreakageResult {
  const { edges, namespaces } = syntheticEdges(size, seed);
  const deny = namespaces.filter((_, i) => i % 2 === 0).map((n) => n.name);
  return buildBreakageReport(
    { edges, namespaces, existing: [], proposed: [], observation: { lostEvents: 0 } },
    { defaultDeny: { kind: 'namespaces', namespaces: deny }, direction: 'both' },
  );
}
