// "Silent in the window": inventory pods no observed edge touches that the policies isolate,
// grouped by workload owner, with the isolating policies per side; and its rendering.
import { describe, expect, it } from 'vitest';
import type { BreakageReport, Edge, NetworkPolicy } from '../../../src/model.js';
import { PolicyEngine } from '../../../src/policy/evaluate.js';
import { clusterJson, clusterLine, silentMarkdown, silentText } from '../../../src/report/silent-render.js';
import { silentPods, silentWorkloads } from '../../../src/report/silent.js';
import { inventory, inventoryPod } from './inventory-fixture.js';
import { api, edge, frontend, policy } from './seed-edges.js';

const DENY_ALL = policy('production', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const WORKER_INGRESS = policy('production', 'worker-ingress', { podSelector: { matchLabels: { app: 'worker' } }, ingress: [{ from: [{ podSelector: {} }] }] });
const EDGES: Edge[] = [edge(frontend, api, 'TCP', 8080, 10)];

function silent(policies: NetworkPolicy[], namespaces: string[] = [], edges: Edge[] = EDGES) {
  const inv = inventory();
  return silentWorkloads(inv, edges, new PolicyEngine(policies, inv.namespaces), namespaces);
}

describe('silentWorkloads', () => {
  it('lists the isolated workloads with no observed traffic, grouped by owner, sorted by namespace, kind, name', () => {
    const out = silent([DENY_ALL]);
    // api and frontend had traffic; the host-network agent is not governed; staging has no policy.
    expect(out.map((w) => `${w.namespace}/${w.owner.kind}/${w.owner.name}`)).toEqual([
      'production/CronJob/backup', 'production/Deployment/worker', 'production/Pod/debug',
    ]);
    expect(out[1]?.pods).toEqual(['worker-a', 'worker-b']);
    expect(out[0]?.isolation).toEqual([
      { direction: 'ingress', isolatedBy: ['production/default-deny-all'] },
      { direction: 'egress', isolatedBy: ['production/default-deny-all'] },
    ]);
  });

  it('gives the silent pods as world pods sorted by namespace and name, whatever order the inventory lists them in', () => {
    const inv = inventory();
    const out = silentWorkloads(inv, EDGES, new PolicyEngine([DENY_ALL], inv.namespaces), []);
    const sorted = silentPods(inv, out).map((p) => `${p.namespace}/${p.name}`);
    expect(sorted.length).toBeGreaterThan(1);
    expect(sorted).toEqual([...sorted].sort());
    expect(silentPods({ ...inv, pods: [...inv.pods].reverse() }, out).map((p) => `${p.namespace}/${p.name}`)).toEqual(sorted);
  });

  it('gives each side only when isolated, with every isolating policy sorted', () => {
    const worker = silent([WORKER_INGRESS]);
    expect(worker).toEqual([{ namespace: 'production', owner: { kind: 'Deployment', name: 'worker' }, pods: ['worker-a', 'worker-b'], isolation: [{ direction: 'ingress', isolatedBy: ['production/worker-ingress'] }] }]);
    const both = silent([WORKER_INGRESS, DENY_ALL]).find((w) => w.owner.name === 'worker');
    expect(both?.isolation[0]).toEqual({ direction: 'ingress', isolatedBy: ['production/default-deny-all', 'production/worker-ingress'] });
  });

  it('is empty when nothing isolates a silent pod; -n limits it to those namespaces', () => {
    expect(silent([])).toEqual([]);
    const deny = [DENY_ALL, policy('staging', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })];
    expect(silent(deny).map((w) => w.namespace)).toContain('staging');
    expect(silent(deny, ['staging']).map((w) => w.owner.name)).toEqual(['idle']);
  });

  it('a CronJob whose pods add a label to an observed Deployment\'s is still silent', () => {
    const web = inventoryPod('shop', 'web-1', { app: 'web', 'pod-template-hash': 'h1' }, { owner: { kind: 'Deployment', name: 'web' } });
    const cleanup = inventoryPod('shop', 'cleanup-1', { app: 'web', job: 'cleanup' }, { owner: { kind: 'CronJob', name: 'cleanup' } });
    const inv = inventory([web, cleanup]);
    const deny = policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
    const webPeer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } } as const;
    const out = silentWorkloads(inv, [edge(frontend, webPeer, 'TCP', 80, 1)], new PolicyEngine([deny], inv.namespaces), []);
    expect(out.map((w) => `${w.namespace}/${w.owner.kind}/${w.owner.name}`)).toEqual(['shop/CronJob/cleanup']);
  });

  it('a finished pod (a Job\'s completed run, phase Succeeded or Failed) is never silent', () => {
    const done = { ...inventoryPod('shop', 'seed-1', { app: 'seed' }, { owner: { kind: 'Job', name: 'seed' } }), phase: 'Succeeded' };
    const failed = { ...inventoryPod('shop', 'seed-2', { app: 'seed' }, { owner: { kind: 'Job', name: 'seed' } }), phase: 'Failed' };
    const running = { ...inventoryPod('shop', 'batch-1', { app: 'batch' }, { owner: { kind: 'Job', name: 'batch' } }), phase: 'Running' };
    const inv = inventory([done, failed, running]);
    const deny = policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
    const out = silentWorkloads(inv, [], new PolicyEngine([deny], inv.namespaces), []);
    expect(out.map((w) => `${w.owner.kind}/${w.owner.name}`)).toEqual(['Job/batch']);
  });

  it('a pod seen at either end of an edge is not silent (matched by namespace + labels)', () => {
    const worker = { kind: 'workload', identity: { namespace: 'production', labels: { app: 'worker' } } } as const;
    expect(silent([DENY_ALL], [], [...EDGES, edge(frontend, worker, 'TCP', 80, 1)]).map((w) => w.owner.name)).toEqual(['backup', 'debug']);
  });
});

describe('rendering the connected parts', () => {
  const base = { window: undefined } as unknown as BreakageReport;
  const connected = { ...base, cluster: { mode: 'snapshot', description: 'snapshot, inventory read from w.yaml', policies: 'existing' }, silent: silent([DENY_ALL]) } as BreakageReport;

  it('offline reports have neither the header line nor the section', () => {
    expect(clusterLine(base)).toBeUndefined();
    expect(silentText(base)).toEqual([]);
    expect(silentMarkdown(base)).toEqual([]);
    expect(clusterJson(base)).toEqual({});
  });

  it('text: the header line and the section, one entry per workload with its pods and sides', () => {
    expect(clusterLine(connected)).toBe('snapshot, inventory read from w.yaml; its NetworkPolicies are the existing policies');
    expect(silentText(connected).slice(0, 5)).toEqual([
      '',
      'silent in the window: 3 workloads of the cluster had no observed traffic in the window and are isolated: nothing was seen to break, but whatever they do at runtime (cron jobs, failover) is denied on the isolated sides unless a policy admits it',
      '  production/CronJob/backup  (1 pod: backup-29-x)',
      '    ingress isolated by production/default-deny-all',
      '    egress isolated by production/default-deny-all',
    ]);
    expect(silentMarkdown(connected)).toContain('| `production/Deployment/worker` | `worker-a`, `worker-b` | ingress isolated by production/default-deny-all; egress isolated by production/default-deny-all |');
  });

  it('says so when nothing is silent', () => {
    const none = { ...connected, silent: [] };
    expect(silentText(none)).toEqual(['', 'silent in the window: every pod of the cluster had observed traffic in the window or is not isolated by these policies']);
    expect(clusterJson(none)).toEqual({ cluster: connected.cluster, silent: [] });
  });
});
