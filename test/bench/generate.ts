// Generate bench: 10k workload identities / 200k learned edges (seeded) → PolicySet → YAML
// stream. Target: generation + YAML rendering < 3 s, on a cluster-shaped graph (services with
// a few ports each, clients mostly in their namespace, DNS and Prometheus everywhere). The
// uniform random graph (every edge a new peer: the most rules possible) is reported alongside,
// informative, and so is the cluster-shaped graph with a cluster inventory (3 pods per workload,
// owners' selectors, named ports). Run alone: npx tsx test/bench/generate.ts
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../src/policy/generate.js';
import { renderManifests } from '../../src/policy/manifests.js';
import { identityKey } from '../../src/identity/identity.js';
import type { Edge, Inventory, InventoryPod, InventoryWorkload, Namespace } from '../../src/model.js';
import { clusteredGraph, randomGraph } from '../unit/generate/random-graph.js';
import type { BenchResult } from './types.js';

const TARGET_MS = 3000;

interface Measured { cpu: number; generate: number; yaml: number; json: number; policies: number; notes: number; yamlBytes: number; edges: number }

/** Every workload of the graph as a Deployment selecting `app` only, with 3 pods naming the ports they receive. */
function inventoryOf(edges: readonly Edge[], namespaces: Namespace[]): Inventory {
  const pods: InventoryPod[] = [];
  const workloads: InventoryWorkload[] = [];
  const ports = new Map<string, Set<number>>();
  for (const e of edges) {
    if (e.destination.kind !== 'workload' || (e.protocol !== 'TCP' && e.protocol !== 'UDP')) continue;
    const key = identityKey(e.destination.identity);
    ports.set(key, (ports.get(key) ?? new Set()).add(e.port));
  }
  const seen = new Set<string>();
  for (const e of edges) {
    for (const end of [e.source, e.destination]) {
      if (end.kind !== 'workload' || seen.has(identityKey(end.identity))) continue;
      const { namespace, labels } = end.identity;
      const key = identityKey(end.identity);
      seen.add(key);
      const name = `w${seen.size}`;
      const selector = labels.app === undefined ? { matchLabels: { ...labels } } : { matchLabels: { app: labels.app } };
      workloads.push({ namespace, kind: 'Deployment', name, selector, selectorSource: 'spec.selector' });
      const declared = [...(ports.get(key) ?? [])].map((port) => ({ name: `p${port}`, port, protocol: 'TCP' as const }));
      for (let i = 0; i < 3; i++) {
        pods.push({ namespace, name: `${name}-${i}`, labels: { ...labels, 'pod-template-hash': 'h' }, ips: [], ports: declared, hostNetwork: false, owner: { kind: 'Deployment', name } });
      }
    }
  }
  return { source: { kind: 'in-cluster' }, namespaces, pods, workloads, externals: [], policies: [] };
}

function measure(edges: Edge[], namespaces: Namespace[], inventory?: Inventory): Measured {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const cluster = inventory === undefined ? {} : { cluster: { inventory, mode: 'cluster mode: bench' } };
  const set = generatePolicies({ edges, namespaces, ...cluster }, { ...DEFAULT_GENERATE_OPTIONS, namedPorts: inventory !== undefined });
  const t1 = performance.now();
  const yaml = renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml');
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'json');
  const t3 = performance.now();
  return { cpu: (cpu.user + cpu.system) / 1000, generate: t1 - t0, yaml: t2 - t1, json: t3 - t2, policies: set.policies.length, notes: set.notes.length, yamlBytes: yaml.length, edges: edges.length };
}

export async function run(): Promise<BenchResult> {
  const identities = Number(process.env.BENCH_IDENTITIES ?? 10_000);
  const edgeCount = Number(process.env.BENCH_EDGES ?? 200_000);
  const clustered = clusteredGraph(2026, identities, edgeCount);
  const c = measure(clustered.edges, clustered.namespaces);
  const inventory = inventoryOf(clustered.edges, clustered.namespaces);
  const k = measure(clustered.edges, clustered.namespaces, inventory);
  const uniform = randomGraph(2026, { identities, edges: edgeCount, addresses: 2000, ports: 40 });
  const u = measure(uniform.edges, uniform.namespaces);
  const total = c.generate + c.yaml;
  const describe = (m: Measured): string =>
    `${m.edges} edges → ${m.policies} policies, ${m.notes} notes, YAML ${(m.yamlBytes / 1e6).toFixed(1)} MB`;
  return {
    name: 'generate',
    metrics: [
      { label: `cluster-shaped ${identities} identities: generate`, value: c.generate, unit: 'ms' },
      { label: 'cluster-shaped: render YAML', value: c.yaml, unit: 'ms' },
      { label: 'cluster-shaped: generate + render YAML', value: total, unit: 'ms', target: `< ${TARGET_MS} ms`, ok: total < TARGET_MS },
      { label: 'cluster-shaped: generate + render YAML, CPU time', value: c.cpu, unit: 'ms' },
      { label: 'cluster-shaped: render JSON', value: c.json, unit: 'ms' },
      { label: 'uniform random (worst case): generate + render YAML', value: u.generate + u.yaml, unit: 'ms' },
      { label: `cluster-shaped + inventory (${inventory.pods.length} pods, --named-ports): generate + render YAML`, value: k.generate + k.yaml, unit: 'ms' },
      { label: 'cluster-shaped: CPU time with inventory, relative to without (same run)', value: (100 * k.cpu) / c.cpu, unit: '%' },
    ],
    notes: [
      `cluster-shaped: ${describe(c)}`, `uniform random: ${describe(u)}`,
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall times above include waiting for a busy CPU; CPU time does not)`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  for (const m of r.metrics) console.log(`${m.label}: ${m.value.toFixed(0)} ${m.unit}${m.target ? ` (target ${m.target}: ${m.ok ? 'ok' : 'MISSED'})` : ''}`);
  for (const n of r.notes) console.log(n);
}
