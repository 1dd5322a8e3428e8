// Policy-engine bench: 2,000 policies over 5,000 pods in 100 namespaces (seeded), 1M connection
// checks with the fast path (`allows`) and 200k with explained verdicts (`evaluate`).
// Target: >= 1M checks/s on one core for `allows`. Run alone: npx tsx test/bench/policy-engine.ts
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Connection, Namespace, NetworkPolicy, NetworkPolicyPort, PolicyProtocol, Subject } from '../../src/model.js';
import { PolicyEngine } from '../../src/policy/evaluate.js';
import type { BenchResult } from './types.js';
import { rng } from '../unit/policy/random.js';

function buildWorld(r: () => number) {
  const int = (n: number): number => Math.floor(r() * n);
  const namespaces: Namespace[] = Array.from({ length: 100 }, (_, i) => ({ name: `ns-${i}`, labels: { team: `t${i % 10}`, env: i % 3 === 0 ? 'prod' : 'dev' } }));
  const tiers = ['fe', 'be', 'db'];
  const pods: Subject[] = Array.from({ length: 5000 }, (_, i) => ({
    kind: 'pod', namespace: `ns-${Math.floor(i / 50)}`, name: `pod-${i}`,
    labels: { app: `app-${i % 10}`, tier: tiers[i % 3] as string, version: `v${i % 2}` },
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
  }));
  const externals: Subject[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'external', ip: `203.0.${i}.${(i * 7) % 250}` }));
  const port = (): NetworkPolicyPort => [{ port: 8080 }, { port: 'http' }, { port: 9000, endPort: 9100 }, { protocol: 'UDP' as const, port: 53 }][int(4)] as NetworkPolicyPort;
  const policies: NetworkPolicy[] = Array.from({ length: 2000 }, (_, i) => {
    const ns = `ns-${i % 100}`;
    const egress = i % 4 === 0;
    const peers = [
      { podSelector: { matchLabels: { tier: tiers[int(3)] as string } } },
      { namespaceSelector: { matchLabels: { team: `t${int(10)}` } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In' as const, values: [`app-${int(10)}`, `app-${int(10)}`] }] } },
      ...(i % 7 === 0 ? [{ ipBlock: { cidr: '203.0.0.0/16', except: ['203.0.1.0/24'] } }] : []),
    ];
    const rules = Array.from({ length: 1 + int(3) }, () => ({ peers, ports: [port()] }));
    return {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np-${i}`, namespace: ns },
      spec: {
        podSelector: i % 20 === 0 ? {} : { matchLabels: { app: `app-${int(10)}` } },
        ...(egress ? { policyTypes: ['Egress' as const], egress: rules.map((x) => ({ to: x.peers, ports: x.ports })) } : { ingress: rules.map((x) => ({ from: x.peers, ports: x.ports })) }),
      },
    };
  });
  const protocols: PolicyProtocol[] = ['TCP', 'TCP', 'TCP', 'UDP'];
  const ends = [...pods, ...externals];
  const connections: Connection[] = Array.from({ length: 200_000 }, () => ({
    source: pods[int(pods.length)] as Subject, destination: ends[int(ends.length)] as Subject,
    protocol: protocols[int(4)] as PolicyProtocol, port: [8080, 9090, 9050, 53, 443][int(5)] as number,
  }));
  return { namespaces, policies, connections };
}

export async function run(): Promise<BenchResult> {
  const { namespaces, policies, connections } = buildWorld(rng(7));
  let t = performance.now();
  const engine = new PolicyEngine(policies, namespaces);
  const compileMs = performance.now() - t;

  t = performance.now();
  let allowed = 0;
  for (const c of connections) if (engine.allows(c)) allowed++;
  const coldSeconds = (performance.now() - t) / 1000;

  const total = 1_000_000;
  t = performance.now();
  for (let i = 0; i < total; i++) if (engine.allows(connections[i % connections.length] as Connection)) allowed++;
  const fastRate = total / ((performance.now() - t) / 1000);

  t = performance.now();
  let denied = 0;
  for (const c of connections) if (engine.evaluate(c).decision === 'deny') denied++;
  const explainRate = connections.length / ((performance.now() - t) / 1000);

  return {
    name: 'policy-engine',
    metrics: [
      { label: 'compile 2,000 policies', value: compileMs, unit: 'ms' },
      { label: 'first pass (cold caches), 200k checks', value: Math.round(connections.length / coldSeconds), unit: 'checks/s' },
      { label: 'allows(), 1M checks', value: Math.round(fastRate), unit: 'checks/s', target: '>= 1000000', ok: fastRate >= 1_000_000 },
      { label: 'evaluate() with reasons, 200k checks', value: Math.round(explainRate), unit: 'checks/s' },
    ],
    notes: [`5,000 pods in 100 namespaces + 50 externals; ${denied} of ${connections.length} distinct connections denied (${allowed} allows counted)`],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  for (const m of result.metrics) process.stdout.write(`${m.label.padEnd(40)} ${String(Math.round(m.value)).padStart(10)} ${m.unit}${m.target === undefined ? '' : `  (target ${m.target}: ${m.ok === true ? 'ok' : 'MISSED'})`}\n`);
  for (const n of result.notes) process.stdout.write(`${n}\n`);
}
