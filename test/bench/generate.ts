// Generate bench: 10k workload identities / 200k learned edges (seeded) → PolicySet → YAML
// stream. Target: generation + YAML rendering < 3 s. Run alone: npx tsx test/bench/generate.ts
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../src/policy/generate.js';
import { renderManifests } from '../../src/policy/manifests.js';
import { randomGraph } from '../unit/generate/random-graph.js';
import type { BenchResult } from './types.js';

const TARGET_MS = 3000;

export async function run(): Promise<BenchResult> {
  const identities = Number(process.env.BENCH_IDENTITIES ?? 10_000);
  const edgeCount = Number(process.env.BENCH_EDGES ?? 200_000);
  const { edges, namespaces } = randomGraph(2026, { identities, edges: edgeCount, addresses: 2000, ports: 40 });
  const t0 = performance.now();
  const set = generatePolicies({ edges, namespaces }, DEFAULT_GENERATE_OPTIONS);
  const t1 = performance.now();
  const yaml = renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml');
  const t2 = performance.now();
  const json = renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'json');
  const t3 = performance.now();
  const total = t2 - t0;
  return {
    name: 'generate',
    metrics: [
      { label: `generate ${identities} identities / ${edges.length} edges`, value: t1 - t0, unit: 'ms' },
      { label: 'render YAML', value: t2 - t1, unit: 'ms' },
      { label: 'generate + render YAML', value: total, unit: 'ms', target: `< ${TARGET_MS} ms`, ok: total < TARGET_MS },
      { label: 'render JSON (informative)', value: t3 - t2, unit: 'ms' },
    ],
    notes: [
      `${set.policies.length} policies, ${set.notes.length} notes, YAML ${(yaml.length / 1e6).toFixed(1)} MB, JSON ${(json.length / 1e6).toFixed(1)} MB`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  for (const m of r.metrics) console.log(`${m.label}: ${m.value.toFixed(0)} ${m.unit}${m.target ? ` (target ${m.target}: ${m.ok ? 'ok' : 'MISSED'})` : ''}`);
  for (const n of r.notes) console.log(n);
}
