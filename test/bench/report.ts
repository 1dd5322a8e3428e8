// Report bench: 1M distinct learned edges (5,000 workload identities in 100 namespaces plus 50
// externals) against 2,000 policies. Measured twice: the pure core in this process
// (buildBreakageReport and renderText as `-o text` runs them, then the streamed build and
// renderJsonChunks as `-o json` runs them, without the output encoding), and `flowpol report` end to end in a
// child process running the built CLI on a real SQLite file (peak RSS from the rss hook).
// Targets: the CLI report < 5 s, peak RSS < 500 MB. BENCH_REPORT_EDGES shortens it.
// Run alone: npx tsx test/bench/report.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Edge, Namespace, NetworkPolicy, Peer } from '../../src/model.js';
import { buildBreakageReport } from '../../src/report/breakage.js';
import { renderJsonChunks } from '../../src/report/render-json.js';
import { renderText } from '../../src/report/render-text.js';
import { IngestBatch } from '../../src/store/batch.js';
import { emptyCounts } from '../../src/store/counts.js';
import { openDatabase } from '../../src/store/database.js';
import { loadEdges } from '../../src/store/edges.js';
import { IngestWriter } from '../../src/store/ingest.js';
import { rng } from '../unit/policy/random.js';
import { STATS_HOOK, childStats } from './child-stats.js';
import type { BenchResult } from './types.js';

const BIN = fileURLToPath(new URL('../../bin/flowpol.js', import.meta.url));
const T0 = Date.UTC(2026, 0, 5);
const APPS = 50;
const NAMESPACES = 100;
const SERVICES: readonly [Edge['protocol'], number][] = [['TCP', 8080], ['TCP', 9090], ['UDP', 53], ['TCP', 443], ['TCP', 5432]];

interface BenchWorld { namespaces: Namespace[]; policies: NetworkPolicy[]; edges: Edge[] }

/**
 * A seeded cluster shaped like a rollout: every namespace has a default-deny, an egress policy to
 * every service port, and per tier an ingress policy; the db tier of every tenth namespace forgot
 * port 8080 (about 1% of the edges break). The rest of the 2,000 policies are narrow per-app
 * scrape rules (more isolation and near misses, no change in decisions). Every edge goes to its
 * destination's service port, so the graph is distinct by construction.
 */
export function benchWorld(edgeCount: number): BenchWorld {
  const r = rng(11);
  const int = (n: number): number => Math.floor(r() * n);
  const tiers = ['fe', 'be', 'db'] as const;
  const namespaces: Namespace[] = Array.from({ length: NAMESPACES }, (_, i) => ({ name: `ns-${i}`, labels: { 'kubernetes.io/metadata.name': `ns-${i}`, team: `t${i % 10}` } }));
  const pods: Peer[] = Array.from({ length: NAMESPACES * APPS }, (_, i) => ({
    kind: 'workload', identity: { namespace: `ns-${Math.floor(i / APPS)}`, labels: { app: `app-${i % APPS}`, tier: tiers[i % 3] as string } },
  }));
  const ends: Peer[] = [...pods, ...Array.from({ length: 50 }, (_, i): Peer => ({ kind: 'cidr', cidr: `203.0.${i}.${(i * 7) % 250}/32` }))];
  const servicePorts = SERVICES.map(([protocol, port]) => ({ protocol: protocol as 'TCP', port }));
  const policy = (namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy =>
    ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
  const policies: NetworkPolicy[] = [];
  namespaces.forEach(({ name: ns }, i) => {
    policies.push(policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    policies.push(policy(ns, 'egress', {
      podSelector: {}, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '203.0.0.0/16' } }], ports: [...servicePorts, { protocol: 'TCP', port: 443 }] }],
    }));
    for (const tier of tiers) {
      const ports = tier === 'db' && i % 10 === 0 ? servicePorts.filter((p) => p.port !== 8080) : servicePorts;
      policies.push(policy(ns, `ingress-${tier}`, { podSelector: { matchLabels: { tier } }, ingress: [{ from: [{ namespaceSelector: {} }], ports }] }));
    }
  });
  for (let i = 0; policies.length < 2000; i++) {
    policies.push(policy(`ns-${i % NAMESPACES}`, `scrape-${i}`, {
      podSelector: { matchLabels: { app: `app-${int(APPS)}` } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${int(10)}` } }, podSelector: { matchLabels: { tier: 'be' } } }], ports: [{ port: 9100 }] }],
    }));
  }
  // Edge i joins pod i / 200 to end (src + 1 + 25k) % 5050, k = i % 200: distinct pairs, in
  // source order as the store returns them.
  const perSource = Math.ceil(edgeCount / pods.length);
  const edges: Edge[] = [];
  for (let i = 0; i < edgeCount; i++) {
    const src = Math.floor(i / perSource);
    const dst = (src + 1 + 25 * (i % perSource)) % ends.length;
    const [protocol, port] = dst < pods.length ? SERVICES[(dst % APPS) % SERVICES.length] as [Edge['protocol'], number] : ['TCP', 443] as const;
    const count = 1 + int(100);
    edges.push({
      source: pods[src] as Peer, destination: ends[dst] as Peer, protocol, port, count,
      firstSeen: T0 + int(3_600_000), lastSeen: T0 + 86_400_000 + int(3_600_000), verdicts: { FORWARDED: count }, destinationNames: [],
    });
  }
  return { namespaces, policies, edges };
}

export function writeDatabase(file: string, world: BenchWorld): void {
  const db = openDatabase(file, { create: true });
  try {
    const writer = new IngestWriter(db);
    const run = writer.startRun(T0);
    const unit = writer.startUnit(run.runId, { kind: 'file', name: 'bench', atomic: true, fingerprint: 'bench' }, T0);
    const batch = new IngestBatch();
    for (const e of world.edges) {
      const base = { source: e.source, destination: e.destination, protocol: e.protocol, port: e.port, observedVerdict: 'FORWARDED' as const, destinationNames: [] };
      batch.addEdge({ ...base, time: e.firstSeen });
      batch.addEdge({ ...base, time: e.lastSeen });
    }
    for (const ns of world.namespaces) {
      batch.addEndpoint({ namespace: ns.name, labels: Object.entries(ns.labels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`), workloads: [] }, T0);
    }
    writer.commitUnit(unit, batch, { ...emptyCounts(), flowsRead: world.edges.length * 2, flowsKept: world.edges.length * 2, firstFlow: T0, lastFlow: T0 + 90_000_000 }, T0);
    writer.finishRun(run.runId, 'completed', T0);
  } finally {
    db.close();
  }
}

function runCli(args: string[]): Promise<{ seconds: number; cpuSeconds: number; maxRssKb: number; bytes: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', STATS_HOOK, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (bytes += b.length));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const stats = childStats(stderr);
      if (code !== 0 || stats === undefined) return reject(new Error(`flowpol ${args.join(' ')} failed (${code}): ${stderr}`));
      resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: stats.cpuMs / 1000, maxRssKb: stats.maxRssKb, bytes, code });
    });
  });
}

export async function run(): Promise<BenchResult> {
  const edgeCount = Number(process.env.BENCH_REPORT_EDGES ?? 1_000_000);
  const world = benchWorld(edgeCount);
  const input = { edges: world.edges, namespaces: world.namespaces, existing: world.policies, proposed: [], observation: { lostEvents: 0 } };
  // As the CLI does: -o text explains denials only and counts the edges that keep working ...
  let t = performance.now();
  const result = buildBreakageReport(input, { defaultDeny: { kind: 'none' }, direction: 'both', explain: 'denied', allowedEdges: 'count' });
  const coreMs = performance.now() - t;
  t = performance.now();
  const text = renderText(result.report, { allowed: 'summary' });
  const textMs = performance.now() - t;
  // ... -o json streams: a first pass over every edge, then each written in report order through edgesOf.
  t = performance.now();
  const streamed = buildBreakageReport(input, { defaultDeny: { kind: 'none' }, direction: 'both', explain: 'all', allowedEdges: 'stream' });
  let jsonBytes = 0;
  for (const chunk of renderJsonChunks(streamed.report, streamed.edgesOf)) jsonBytes += chunk.length;
  const jsonMs = performance.now() - t;
  const { totals } = result.report;

  const dir = mkdtempSync(join(tmpdir(), 'flowpol-report-bench-'));
  try {
    const db = join(dir, 'bench.db');
    const policies = join(dir, 'policies.json');
    writeDatabase(db, world);
    writeFileSync(policies, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: world.policies }));
    const store = openDatabase(db, { readonly: true });
    t = performance.now();
    const loaded = loadEdges(store).length;
    const loadSeconds = (performance.now() - t) / 1000;
    store.close();
    const cli = await runCli(['report', '--db', db, '--existing', policies]);
    const cliJson = await runCli(['report', '--db', db, '--existing', policies, '-o', 'json']);
    const rssMb = Math.max(cli.maxRssKb, cliJson.maxRssKb) / 1024;
    return {
      name: 'report',
      metrics: [
        { label: `core (text): ${edgeCount} edges x 2,000 policies`, value: coreMs, unit: 'ms' },
        { label: 'render text', value: textMs, unit: 'ms' },
        { label: 'json streamed: both passes + render', value: jsonMs, unit: 'ms' },
        { label: `store: loadEdges of ${loaded} edges (in the CLI time)`, value: loadSeconds, unit: 's' },
        { label: 'flowpol report (CLI, -o text)', value: cli.seconds, unit: 's', target: '< 5', ok: cli.seconds < 5 },
        { label: 'flowpol report (CLI, -o json: every edge)', value: cliJson.seconds, unit: 's', target: '< 5 stretch', ok: cliJson.seconds < 5 },
        { label: 'report peak RSS', value: rssMb, unit: 'MB', target: '< 500', ok: rssMb < 500 },
        { label: 'flowpol report -o text: CPU time', value: cli.cpuSeconds, unit: 's' },
        { label: 'flowpol report -o text: peak RSS', value: cli.maxRssKb / 1024, unit: 'MB', target: '< 500', ok: cli.maxRssKb / 1024 < 500 },
        { label: 'flowpol report -o json: CPU time', value: cliJson.cpuSeconds, unit: 's' },
        { label: 'flowpol report -o json: peak RSS', value: cliJson.maxRssKb / 1024, unit: 'MB' },
      ],
      notes: [
        `${totals.breaks.edges} break, ${totals.allowed.edges} allowed, ${totals['not-governed'].edges} not governed; text ${(text.length / 1e6).toFixed(1)} MB (${textMs.toFixed(0)} ms), json ${(jsonBytes / 1e6).toFixed(0)} MB (${jsonMs.toFixed(0)} ms)`,
        `CLI wall time includes start-up, loading the edges from SQLite and parsing the policy file; json output ${(cliJson.bytes / 1e6).toFixed(0)} MB`,
        'issue #6 targets `flowpol report` (< 5 s, < 500 MB); -o json, which writes every edge with its verdict, is held to the same 5 s as a stretch goal',
        'the machine may be shared: CPU time is what each CLI run cost, wall time includes waiting for a core',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  for (const m of result.metrics) process.stdout.write(`${m.label.padEnd(44)} ${m.value.toFixed(1).padStart(10)} ${m.unit}${m.target === undefined ? '' : `  (target ${m.target}: ${m.ok === true ? 'ok' : 'MISSED'})`}\n`);
  for (const n of result.notes) process.stdout.write(`${n}\n`);
}
