import { describe, expect, it } from 'vitest';
import { assembleInventory, workloadSelector } from '../../../src/k8s/inventory.js';
import { podFromApi } from '../../../src/k8s/from-api.js';
import type { ClusterPod, ClusterWorkload } from '../../../src/k8s/cluster.js';

const pod = (name: string, controller?: { kind: string; name: string }, extra: Partial<ClusterPod> = {}): ClusterPod => ({
  namespace: 'prod', name, labels: { b: '2', a: '1' }, ips: ['10.0.0.1', 'fd00::1'], ports: [], hostNetwork: false,
  ...(controller ? { controller } : {}), ...extra,
});
const w = (kind: ClusterWorkload['kind'], name: string, extra: Partial<ClusterWorkload> = {}): ClusterWorkload => ({
  namespace: 'prod', kind, name, templateLabels: {}, ...extra,
});

describe('assembleInventory', () => {
  const inv = assembleInventory({
    source: { kind: 'cluster', context: 'c', cluster: 'k' },
    namespaces: [{ name: 'z', labels: {} }, { name: 'prod', labels: { y: '1', x: '2' } }],
    pods: [
      pod('web-1', { kind: 'ReplicaSet', name: 'web-rs' }, { ports: [{ port: 8080, protocol: 'TCP', name: 'http' }, { port: 53, protocol: 'UDP' }, { port: 8080, protocol: 'TCP', name: 'http' }] }),
      pod('job-1', { kind: 'Job', name: 'backup-1' }),
      pod('mirror', { kind: 'Node', name: 'node-1' }),
      pod('alone'),
      pod('argo-1', { kind: 'ReplicaSet', name: 'roll-rs' }),
    ],
    owners: [
      w('ReplicaSet', 'web-rs', { controller: { kind: 'Deployment', name: 'web' }, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'h' } } }),
      w('Deployment', 'web', { selector: { matchLabels: { app: 'web' } } }),
      w('Job', 'backup-1', { controller: { kind: 'CronJob', name: 'backup' }, selector: { matchLabels: { 'controller-uid': 'u' } }, templateLabels: { app: 'backup', 'controller-uid': 'u', 'job-name': 'backup-1' } }),
      w('CronJob', 'backup', { templateLabels: { app: 'backup' } }),
      w('ReplicaSet', 'roll-rs', { controller: { kind: 'Rollout', name: 'roll' }, selector: { matchLabels: { app: 'roll' } } }),
    ],
    policies: [],
  });
  const byName = (n: string) => inv.pods.find((p) => p.name === n);

  it('resolves Pod→ReplicaSet→Deployment and Pod→Job→CronJob', () => {
    expect(byName('web-1')?.owner).toEqual({ kind: 'Deployment', name: 'web' });
    expect(byName('web-1')?.ownerChain).toEqual([{ kind: 'ReplicaSet', name: 'web-rs' }, { kind: 'Deployment', name: 'web' }]);
    expect(byName('job-1')?.owner).toEqual({ kind: 'CronJob', name: 'backup' });
  });

  it('stops at kinds it does not list, and leaves unowned pods without owner', () => {
    expect(byName('mirror')?.owner).toEqual({ kind: 'Node', name: 'node-1' });
    expect(byName('argo-1')?.owner).toEqual({ kind: 'Rollout', name: 'roll' });
    expect(byName('alone')?.owner).toBeUndefined();
  });

  it('lists only top-level workloads, sorted', () => {
    expect(inv.workloads.map((x) => `${x.kind}/${x.name}`)).toEqual(['CronJob/backup', 'Deployment/web', 'ReplicaSet/roll-rs']);
  });

  it('sorts namespaces, pods and labels, dedupes ports, sets ip to the first address', () => {
    expect(inv.namespaces.map((n) => n.name)).toEqual(['prod', 'z']);
    expect(Object.keys(inv.namespaces[0]?.labels ?? {})).toEqual(['x', 'y']);
    expect(inv.pods.map((p) => p.name)).toEqual(['alone', 'argo-1', 'job-1', 'mirror', 'web-1']);
    expect(byName('web-1')?.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 8080, protocol: 'TCP', name: 'http' }]);
    expect(byName('web-1')?.ip).toBe('10.0.0.1');
    expect(Object.keys(byName('web-1')?.labels ?? {})).toEqual(['a', 'b']);
  });

  it('keeps one port under each of its names (a policy\'s named port resolves by name)', () => {
    const ports = [{ port: 8080, protocol: 'TCP' as const, name: 'web' }, { port: 8080, protocol: 'TCP' as const, name: 'http' }, { port: 8080, protocol: 'TCP' as const }];
    const one = assembleInventory({ source: { kind: 'in-cluster' }, namespaces: [], pods: [pod('p', undefined, { ports })], owners: [], policies: [] });
    expect(one.pods[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 8080, protocol: 'TCP', name: 'http' }, { port: 8080, protocol: 'TCP', name: 'web' }]);
  });
});

describe('workloadSelector', () => {
  it('uses spec.selector for Deployments and template labels minus generated ones for Jobs', () => {
    expect(workloadSelector(w('Deployment', 'd', { selector: { matchLabels: { app: 'd' } } }))).toEqual({ selector: { matchLabels: { app: 'd' } }, selectorSource: 'spec.selector' });
    expect(workloadSelector(w('Job', 'j', { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, templateLabels: { app: 'j', 'batch.kubernetes.io/controller-uid': 'u', 'batch.kubernetes.io/job-name': 'j' } })))
      .toEqual({ selector: { matchLabels: { app: 'j' } }, selectorSource: 'template-labels' });
  });
  it('keeps a Job selector the user set with manualSelector', () => {
    expect(workloadSelector(w('Job', 'j', { manualSelector: true, selector: { matchLabels: { app: 'j' } } })).selectorSource).toBe('spec.selector');
  });
});

describe('readInventory', () => {
  it('aborts the other requests when one list fails, and rethrows that failure', async () => {
    const { readInventory } = await import('../../../src/k8s/inventory.js');
    let closed = 0;
    const boom = new Error('forbidden');
    const never = new Promise<never>(() => undefined);
    const cluster = {
      source: { kind: 'in-cluster' as const }, description: 'fake',
      listNamespaces: () => never, listPods: () => Promise.reject(boom), listOwners: () => never, listNetworkPolicies: () => never,
      getNetworkPolicy: () => Promise.resolve(undefined), applyPolicy: () => Promise.reject(boom),
      close: () => { closed++; },
    };
    await expect(readInventory(cluster)).rejects.toBe(boom);
    expect(closed).toBe(1);
  });
});

describe('podFromApi', () => {
  it('takes the owner reference marked controller, not the first one', () => {
    const pod = podFromApi({
      metadata: { namespace: 'prod', name: 'web-1', ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', uid: 'u1' },
        { apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'u2', controller: false },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', uid: 'u3', controller: true },
      ] },
    });
    expect(pod.controller).toEqual({ kind: 'ReplicaSet', name: 'web-rs' });
    expect(podFromApi({ metadata: { namespace: 'prod', name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 's', uid: 'u' }] } }).controller).toBeUndefined();
  });
});
