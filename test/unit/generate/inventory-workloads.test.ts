// What a cluster inventory changes in generate: owner selectors (and when they are refused),
// host-network workloads and node addresses, named ports. Hand-built inventories; the decisions
// are checked both on InventoryWorkloads and on the policies generatePolicies writes.
import { describe, expect, it } from 'vitest';
import type {
  ContainerPort, Edge, Identity, Inventory, InventoryPod, InventoryWorkload, LabelSelector, Namespace, NetworkPolicyPeer, Peer, WorkloadKind,
} from '../../../src/model.js';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { InventoryWorkloads } from '../../../src/policy/inventory-workloads.js';
import { PortCatalog, portCode } from '../../../src/policy/port-sets.js';
import { compileSelector } from '../../../src/policy/selectors.js';
import { identityKey } from '../../../src/identity/identity.js';

const id = (namespace: string, labels: Record<string, string>): Identity => ({ namespace, labels });

interface PodOptions { owner?: [WorkloadKind, string]; hostNetwork?: boolean; ports?: ContainerPort[]; ip?: string }
function pod(namespace: string, name: string, labels: Record<string, string>, o: PodOptions = {}): InventoryPod {
  const ip = o.ip ?? '10.9.9.9';
  return {
    namespace, name, labels, ip, ips: [ip], ports: o.ports ?? [], hostNetwork: o.hostNetwork === true,
    ...(o.owner === undefined ? {} : { owner: { kind: o.owner[0], name: o.owner[1] } }),
  };
}
const workload = (namespace: string, kind: WorkloadKind, name: string, selector: LabelSelector): InventoryWorkload =>
  ({ namespace, kind, name, selector, selectorSource: kind === 'Job' || kind === 'CronJob' ? 'template-labels' : 'spec.selector' });
const inventory = (pods: InventoryPod[], workloads: InventoryWorkload[]): Inventory =>
  ({ source: { kind: 'in-cluster' }, namespaces: [], pods, workloads, externals: [], policies: [] });

const WEB = id('shop', { app: 'web', version: 'v1' });
const webPod = (name: string, extra: PodOptions = {}): InventoryPod =>
  pod('shop', name, { app: 'web', version: 'v1', 'pod-template-hash': 'abc' }, { owner: ['Deployment', 'web'], ...extra });
const WEB_DEPLOYMENT = workload('shop', 'Deployment', 'web', { matchLabels: { app: 'web' } });

function decide(pods: InventoryPod[], workloads: InventoryWorkload[], identities: Identity[]): InventoryWorkloads {
  return new InventoryWorkloads(inventory(pods, workloads), identities);
}
const codes = (w: InventoryWorkloads): string[] => w.notes.map((n) => `${n.code} ${n.identity.namespace}/${Object.keys(n.identity.labels).join(',')}`);

describe('owner selectors', () => {
  it('selects a workload by its owner when its pods (all of them, volatile labels aside) have that one owner', () => {
    const w = decide([webPod('web-1'), webPod('web-2')], [WEB_DEPLOYMENT], [WEB]);
    expect(w.ownerSelector(WEB)).toEqual({ matchLabels: { app: 'web' } });
    expect(w.notes).toEqual([{
      code: 'owner-selector', identity: WEB, pods: ['shop/web-1', 'shop/web-2'],
      message: "shop/app=web,version=v1: selected by Deployment web's selector (app=web, from spec.selector) instead of all its labels [pods: shop/web-1, shop/web-2]",
    }]);
  });

  it('keeps the observed labels for pods with no owner, an owner the inventory lacks, several owners, or no pod at all', () => {
    const bare = id('shop', { run: 'debug' });
    const orphan = id('shop', { app: 'orphan' });
    const worker = id('shop', { app: 'worker' });
    const gone = id('shop', { app: 'legacy' });
    const w = decide([
      pod('shop', 'debug', { run: 'debug' }),
      pod('shop', 'orphan-1', { app: 'orphan' }, { owner: ['ReplicaSet', 'orphan-1'] }),
      pod('shop', 'worker-1', { app: 'worker' }, { owner: ['Deployment', 'worker'] }),
      pod('shop', 'migrate-1', { app: 'worker', 'job-name': 'migrate' }, { owner: ['Job', 'migrate'] }),
      pod('shop', 'stray', { app: 'worker', 'controller-uid': 'x' }),
    ], [workload('shop', 'Deployment', 'worker', { matchLabels: { app: 'worker' } }), workload('shop', 'Job', 'migrate', { matchLabels: { app: 'worker' } })],
    [bare, orphan, worker, gone]);
    for (const identity of [bare, orphan, worker, gone]) expect(w.ownerSelector(identity)).toBeUndefined();
    expect(codes(w)).toEqual(['no-pod shop/app', 'no-owner shop/app', 'several-owners shop/app', 'no-owner shop/run']);
    const message = (code: string): string => w.notes.find((n) => n.code === code)?.message ?? '';
    expect(message('several-owners')).toContain('several owners (no owner, Deployment worker, Job migrate)');
    expect(w.notes.find((n) => n.identity === orphan)?.message).toContain('its owner ReplicaSet orphan-1 is not a workload the inventory lists');
    expect(message('no-pod')).toContain("no inventory pod is this workload's");
  });

  it('matches a pod without an identity of its exact labels to the one most specific identity it carries, and to none when two tie', () => {
    const big = id('shop', { app: 'web', tier: 'fe' });
    const small = id('shop', { app: 'web' });
    const web = workload('shop', 'Deployment', 'web', { matchLabels: { app: 'web', tier: 'fe' } });
    const w = decide([pod('shop', 'web-1', { app: 'web', tier: 'fe', zone: 'a' }, { owner: ['Deployment', 'web'] })], [web], [big, small]);
    expect(w.ownerSelector(big)).toEqual({ matchLabels: { app: 'web', tier: 'fe' } });
    expect(w.notes.map((n) => [n.code, n.identity, n.pods])).toEqual([['no-pod', small, []], ['owner-selector', big, ['shop/web-1']]]);
    const zoned = id('shop', { app: 'web', zone: 'a' });
    const tie = decide([pod('shop', 'web-1', { app: 'web', tier: 'fe', zone: 'a' }, { owner: ['Deployment', 'web'] })], [web], [big, zoned]);
    expect(tie.notes.map((n) => [n.code, n.identity])).toEqual([['no-pod', big], ['no-pod', zoned]]);
  });

  it('keeps the observed labels for pods of two owners, and lists at most three pods in a note', () => {
    const two = decide([webPod('web-1'), webPod('web-2', { owner: ['Deployment', 'web-next'] })], [WEB_DEPLOYMENT], [WEB]);
    expect(two.ownerSelector(WEB)).toBeUndefined();
    expect(two.notes[0]?.message).toContain('several owners (Deployment web, Deployment web-next)');
    const four = decide(['web-1', 'web-2', 'web-3', 'web-4'].map((n) => webPod(n)), [WEB_DEPLOYMENT], [WEB]);
    expect(four.notes[0]?.pods).toHaveLength(4);
    expect(four.notes[0]?.message).toMatch(/\[pods: shop\/web-1, shop\/web-2, shop\/web-3 and 1 more\]$/);
  });

  it('refuses an owner selector that also selects other pods, misses some, or selects another learned workload', () => {
    const canary = id('shop', { app: 'web', version: 'v1', track: 'canary' });
    const tooBroad = decide([webPod('web-1'), pod('shop', 'web-canary-1', { app: 'web', version: 'v1', track: 'canary' }, { owner: ['Deployment', 'web-canary'] })],
      [WEB_DEPLOYMENT, workload('shop', 'Deployment', 'web-canary', { matchLabels: { app: 'web', track: 'canary' } })], [WEB, canary]);
    expect(tooBroad.ownerSelector(WEB)).toBeUndefined();
    expect(tooBroad.ownerSelector(canary)).toEqual({ matchLabels: { app: 'web', track: 'canary' } });
    expect(tooBroad.notes.find((n) => n.identity === WEB)?.message).toContain('also selects pods shop/web-canary-1; kept the narrower selector');

    const unseenPodOfOther = id('shop', { app: 'web', version: 'v2' }); // in the flows, not in the snapshot
    const other = decide([webPod('web-1')], [WEB_DEPLOYMENT], [WEB, unseenPodOfOther]);
    expect(other.ownerSelector(WEB)).toBeUndefined();
    expect(other.notes.find((n) => n.identity === WEB)?.message).toContain('also selects workloads shop/app=web,version=v2');

    const narrow = workload('shop', 'Deployment', 'web', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] });
    const missed = decide([webPod('web-1'), pod('shop', 'web-2', { app: 'web', version: 'v1', zone: 'a' }, { owner: ['Deployment', 'web'] })], [narrow], [WEB]);
    expect(missed.notes.map((n) => n.code)).toEqual(['owner-selector-too-broad']);
    expect(missed.notes[0]?.message).toContain('does not select pods shop/web-1');
  });

  it("says when a workload's namespace is not in the cluster at all (apply would refuse the set), when the inventory lists namespaces", () => {
    const legacy = id('legacy', { app: 'old' });
    const listed = new InventoryWorkloads({ ...inventory([webPod('web-1')], [WEB_DEPLOYMENT]), namespaces: [{ name: 'shop', labels: {} }] }, [WEB, legacy]);
    expect(listed.notes.find((n) => n.identity === legacy)?.message)
      .toBe("legacy/app=old: no inventory pod is this workload's (gone, relabelled, or not in the snapshot); selected by its observed labels; the cluster has no namespace legacy, so its policy cannot be applied there (flowpol apply refuses the whole set)");
    const unlisted = decide([webPod('web-1')], [WEB_DEPLOYMENT], [WEB, legacy]);
    expect(unlisted.notes.find((n) => n.identity === legacy)?.message).not.toContain('no namespace');
  });

  it("a finished pod (a one-off Job's completed run) neither belongs to a workload nor makes its owner's selector too broad", () => {
    const seed = { ...pod('shop', 'web-seed-abcde', { app: 'web', 'job-name': 'web-seed' }, { owner: ['Job', 'web-seed'] }), phase: 'Succeeded' };
    const w = decide([webPod('web-1'), seed], [WEB_DEPLOYMENT], [WEB]);
    expect(w.ownerSelector(WEB)).toEqual({ matchLabels: { app: 'web' } });
    expect(codes(w)).toEqual(['owner-selector shop/app,version']);
  });

  it('refuses an empty owner selector and one naming a label that changes per rollout or run', () => {
    const job = id('batch', { app: 'report' });
    const empty = decide([pod('batch', 'report-1', { app: 'report' }, { owner: ['CronJob', 'report'] })], [workload('batch', 'CronJob', 'report', {})], [job]);
    expect(empty.ownerSelector(job)).toBeUndefined();
    expect(empty.notes[0]?.code).toBe('owner-selector-unsuitable');
    expect(empty.notes[0]?.message).toContain('selects every pod of the namespace');
    const hashed = decide([webPod('web-1')], [workload('shop', 'Deployment', 'web', { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } })], [WEB]);
    expect(hashed.ownerSelector(WEB)).toBeUndefined();
    expect(hashed.notes[0]?.message).toContain('names pod-template-hash, which changes with every rollout or run');
  });

  it('is used in the workload\'s own policy and wherever it is a peer', () => {
    const api = id('shop', { app: 'api' });
    const edges: Edge[] = [edge(WEB, api, 8080), edge(api, WEB, 9000)];
    const inv = inventory([webPod('web-1'), pod('shop', 'api-1', { app: 'api' })], [WEB_DEPLOYMENT]);
    const set = generatePolicies({ edges, namespaces: [], cluster: { inventory: inv, mode: 'cluster mode: test' } }, DEFAULT_GENERATE_OPTIONS);
    const web = set.policies.find((p) => p.identity === WEB || p.identity.labels.app === 'web')?.policy;
    const apiPolicy = set.policies.find((p) => p.identity.labels.app === 'api')?.policy;
    expect(web?.spec.podSelector).toEqual({ matchLabels: { app: 'web' } });
    expect(apiPolicy?.spec.podSelector).toEqual({ matchLabels: { app: 'api' } });
    const peers: NetworkPolicyPeer[] = [...(apiPolicy?.spec.ingress?.[0]?.from ?? []), ...(apiPolicy?.spec.egress?.[0]?.to ?? [])];
    expect(peers).toEqual([{ podSelector: { matchLabels: { app: 'web' } } }, { podSelector: { matchLabels: { app: 'web' } } }]);
    expect(set.inventory?.mode).toBe('cluster mode: test');
    expect(set.inventory?.notes.map((n) => n.code)).toEqual(['no-owner', 'owner-selector']);
    const offline = generatePolicies({ edges, namespaces: [] }, DEFAULT_GENERATE_OPTIONS);
    expect(offline.inventory).toBeUndefined();
    expect(offline.policies.find((p) => p.identity.labels.app === 'web')?.policy.spec.podSelector).toEqual({ matchLabels: { app: 'web', version: 'v1' } });
  });
});

describe('selectors from observed labels, with a cluster', () => {
  // The recording knows shop/app=web and shop/app=web,version=v1; the cluster's web pod is now
  // app=web,version=v2. Excluding `version` outright would select none of its pods.
  const web = id('shop', { app: 'web' });
  const webV1 = id('shop', { app: 'web', version: 'v1' });
  const api = id('shop', { app: 'api' });
  const podSelectorOf = (pods: InventoryPod[], identity: Identity): LabelSelector | undefined => {
    const inv = inventory([...pods, pod('shop', 'api-1', { app: 'api' })], [WEB_DEPLOYMENT]);
    const set = generatePolicies({ edges: [edge(web, api, 8080), edge(webV1, api, 8080)], namespaces: [], cluster: { inventory: inv, mode: 'm' } }, DEFAULT_GENERATE_OPTIONS);
    return set.policies.find((p) => identityKey(p.identity) === identityKey(identity))?.policy.spec.podSelector;
  };
  const v2 = pod('shop', 'web-2', { app: 'web', version: 'v2', 'pod-template-hash': 'abc' }, { owner: ['Deployment', 'web'] });

  it("excludes a superset by its value when the identity's own pods carry its key, and still selects those pods", () => {
    const selector = podSelectorOf([v2], web);
    expect(selector).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v1'] }] });
    const compiled = compileSelector(selector ?? {});
    expect([compiled.matches(v2.labels), compiled.matches(webV1.labels)]).toEqual([true, false]);
  });

  it('keeps DoesNotExist for a key its pods do not carry, offline as before', () => {
    const plain = pod('shop', 'web-3', { app: 'web' }, { owner: ['Deployment', 'web'] });
    expect(podSelectorOf([plain], web)).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'version', operator: 'DoesNotExist' }] });
    const offline = generatePolicies({ edges: [edge(web, api, 8080), edge(webV1, api, 8080)], namespaces: [] }, DEFAULT_GENERATE_OPTIONS);
    expect(offline.policies.find((p) => identityKey(p.identity) === 'shop/app=web')?.policy.spec.podSelector)
      .toEqual({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'version', operator: 'DoesNotExist' }] });
  });

  it('leaves a superset selected when no label can exclude it without excluding a pod of the identity', () => {
    // app=web's pods carry version=v1 (one) and zone=a (another): each of the superset's extra labels.
    const p1 = pod('shop', 'web-5', { app: 'web', version: 'v1' }, { owner: ['Deployment', 'web'] });
    const p2 = pod('shop', 'web-6', { app: 'web', zone: 'a' }, { owner: ['Deployment', 'web'] });
    const superset = id('shop', { app: 'web', version: 'v1', zone: 'a' });
    const inv = inventory([p1, p2, pod('shop', 'api-1', { app: 'api' })], [WEB_DEPLOYMENT]);
    const set = generatePolicies({ edges: [edge(web, api, 8080), edge(superset, api, 8080)], namespaces: [], cluster: { inventory: inv, mode: 'm' } }, DEFAULT_GENERATE_OPTIONS);
    const selector = set.policies.find((p) => identityKey(p.identity) === 'shop/app=web')?.policy.spec.podSelector;
    expect(selector).toEqual({ matchLabels: { app: 'web' } });
  });
});

function edge(from: Identity | Peer, to: Identity | Peer, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): Edge {
  const peer = (p: Identity | Peer): Peer => ('kind' in p ? p : { kind: 'workload', identity: p });
  return { source: peer(from), destination: peer(to), protocol, port, count: 3, firstSeen: 1_000, lastSeen: 2_000, verdicts: { FORWARDED: 3 }, destinationNames: [] };
}

describe('host network', () => {
  const exporter = id('monitoring', { app: 'node-exporter' });
  const prometheus = id('monitoring', { app: 'prometheus' });
  const hostPods = [
    pod('monitoring', 'node-exporter-a', { app: 'node-exporter', 'controller-revision-hash': '1' }, { owner: ['DaemonSet', 'node-exporter'], hostNetwork: true, ip: '172.18.0.2' }),
    pod('monitoring', 'node-exporter-b', { app: 'node-exporter', 'controller-revision-hash': '1' }, { owner: ['DaemonSet', 'node-exporter'], hostNetwork: true, ip: '172.18.0.3' }),
    pod('kube-system', 'kube-proxy-a', { 'k8s-app': 'kube-proxy' }, { owner: ['DaemonSet', 'kube-proxy'], hostNetwork: true, ip: '172.18.0.2' }),
  ];
  const inv = inventory([...hostPods, pod('monitoring', 'prometheus-0', { app: 'prometheus' }, { owner: ['StatefulSet', 'prometheus'] })],
    [workload('monitoring', 'DaemonSet', 'node-exporter', { matchLabels: { app: 'node-exporter' } }), workload('monitoring', 'StatefulSet', 'prometheus', { matchLabels: { app: 'prometheus' } })]);

  it('recognises host-network workloads, their node addresses, and host-network pods no flow showed', () => {
    const w = new InventoryWorkloads(inv, [exporter, prometheus]);
    expect(w.isHostNetwork(exporter)).toBe(true);
    expect(w.isHostNetwork(prometheus)).toBe(false);
    expect(w.isNodeAddress('172.18.0.3')).toBe(true);
    expect(w.isNodeAddress('10.9.9.9')).toBe(false);
    expect(codes(w)).toEqual(['host-network kube-system/k8s-app', 'host-network monitoring/app', 'owner-selector monitoring/app']);
    expect(w.notes[0]?.message).toContain('host-network pods no flow showed as a workload');
  });

  it('treats a workload as host-network only when every one of its pods is', () => {
    const mixed = new InventoryWorkloads(inventory([
      pod('monitoring', 'exporter-a', { app: 'node-exporter' }, { owner: ['DaemonSet', 'node-exporter'], hostNetwork: true, ip: '172.18.0.3' }),
      pod('monitoring', 'exporter-b', { app: 'node-exporter' }, { owner: ['DaemonSet', 'node-exporter'] }),
    ], [workload('monitoring', 'DaemonSet', 'node-exporter', { matchLabels: { app: 'node-exporter' } })]), [exporter]);
    expect(mixed.isHostNetwork(exporter)).toBe(false);
    expect(codes(mixed)).toEqual(['owner-selector monitoring/app']);
  });

  it('writes no policy for them and no rule to them, only notes', () => {
    const edges = [edge(prometheus, exporter, 9100), edge(prometheus, { kind: 'cidr', cidr: '172.18.0.3/32' }, 9100), edge(exporter, prometheus, 9090)];
    const set = generatePolicies({ edges, namespaces: [], cluster: { inventory: inv, mode: 'm' } }, DEFAULT_GENERATE_OPTIONS);
    expect(set.policies.map((p) => p.identity.labels.app)).toEqual(['prometheus']);
    const [policy] = set.policies;
    expect(policy?.egress).toEqual([]);
    expect(policy?.ingress).toEqual([]);
    expect(set.notes.map((n) => `${n.code} ${n.edge.port}`).sort()).toEqual([
      'not-governed-host-network 9090', 'not-governed-host-network 9100', 'not-governed-host-network 9100',
    ]);
    // whichever side --direction restricts, a host-network end on it is noted, not dropped (the
    // node address only matters to prometheus's egress)
    const portsNoted = (direction: 'egress' | 'ingress'): string[] =>
      generatePolicies({ edges, namespaces: [], cluster: { inventory: inv, mode: 'm' } }, { ...DEFAULT_GENERATE_OPTIONS, direction })
        .notes.map((n) => `${n.code} ${n.edge.port}`).sort();
    expect(portsNoted('egress')).toEqual(['not-governed-host-network 9090', 'not-governed-host-network 9100', 'not-governed-host-network 9100']);
    expect(portsNoted('ingress')).toEqual(['not-governed-host-network 9090', 'not-governed-host-network 9100']);
    // -n scopes the inventory notes like the policies
    const scoped = generatePolicies({ edges, namespaces: [], cluster: { inventory: inv, mode: 'm' } }, { ...DEFAULT_GENERATE_OPTIONS, namespaces: ['monitoring'] });
    expect(scoped.inventory?.notes.map((n) => n.identity.namespace)).toEqual(['monitoring', 'monitoring']);
  });
});

describe('named ports', () => {
  const api = id('shop', { app: 'api' });
  const apiPod = (name: string, ports: ContainerPort[]): InventoryPod => pod('shop', name, { app: 'api' }, { owner: ['Deployment', 'api'], ports });
  const http: ContainerPort = { name: 'http', port: 8080, protocol: 'TCP' };
  const apiDeployment = workload('shop', 'Deployment', 'api', { matchLabels: { app: 'api' } });

  it('names a port only when every pod of the workload declares it under one name', () => {
    const agree = decide([apiPod('api-1', [http]), apiPod('api-2', [http, { port: 8081, protocol: 'TCP' }])], [apiDeployment], [api]);
    expect(agree.portName(api, 'TCP', 8080)).toBe('http');
    expect(agree.portName({ ...api }, 'TCP', 8080)).toBe('http'); // by key, not by object
    expect(agree.portName(api, 'UDP', 8080)).toBeUndefined();
    expect(agree.portName(api, 'TCP', 8081)).toBeUndefined();
    const differ = decide([apiPod('api-1', [http]), apiPod('api-2', [{ name: 'web', port: 8080, protocol: 'TCP' }])], [apiDeployment], [api]);
    expect(differ.portName(api, 'TCP', 8080)).toBeUndefined();
    const missing = decide([apiPod('api-1', [http]), apiPod('api-2', [])], [apiDeployment], [api]);
    expect(missing.portName(api, 'TCP', 8080)).toBeUndefined();
    expect(decide([], [], [api]).portName(api, 'TCP', 8080)).toBeUndefined();
  });

  it('writes names on both sides with --named-ports, never inside a range, and numbers without it', () => {
    const web = id('shop', { app: 'web' });
    const inv = inventory([apiPod('api-1', [http, { port: 8081, protocol: 'TCP' }, { name: 'admin', port: 8083, protocol: 'TCP' }]), pod('shop', 'web-1', { app: 'web' })], [apiDeployment]);
    const edges = [8079, 8080, 8081, 8082, 8083, 8084].map((port) => edge(web, api, port));
    const options = { ...DEFAULT_GENERATE_OPTIONS, portRanges: true, namedPorts: true };
    const set = generatePolicies({ edges, namespaces: [], cluster: { inventory: inv, mode: 'm' } }, options);
    const expected = [ // by number; a named port splits the run 8079..8084
      { protocol: 'TCP', port: 8079 }, { protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8081, endPort: 8082 },
      { protocol: 'TCP', port: 'admin' }, { protocol: 'TCP', port: 8084 },
    ];
    const byApp = (app: string) => set.policies.find((p) => p.identity.labels.app === app)?.policy.spec;
    expect(byApp('api')?.ingress?.[0]?.ports).toEqual(expected);
    expect(byApp('web')?.egress?.[0]?.ports).toEqual(expected);
    const numbers = generatePolicies({ edges, namespaces: [], cluster: { inventory: inv, mode: 'm' } }, { ...options, namedPorts: false });
    expect(numbers.policies.find((p) => p.identity.labels.app === 'api')?.policy.spec.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 8079, endPort: 8084 }]);
  });

  it('PortCatalog keeps equal codes with different names apart', () => {
    const catalog = new PortCatalog(true);
    const codes = [portCode('TCP', 80), portCode('TCP', 81)];
    expect(catalog.ports(codes)).toEqual([{ protocol: 'TCP', port: 80, endPort: 81 }]);
    expect(catalog.ports(codes, ['http', undefined])).toEqual([{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 81 }]);
    expect(catalog.ports(codes, [undefined, 'alt'])).toEqual([{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 'alt' }]);
  });
});

describe('namespace labels', () => {
  it('come from the cluster where it knows the namespace, and say so', () => {
    const web = id('shop', { app: 'web' });
    const edges = [edge(web, id('legacy', { app: 'db' }), 5432), edge(web, id('payments', { app: 'api' }), 443), edge(web, id('gone', { app: 'x' }), 80)];
    // flows: legacy without the name label, payments never seen, gone seen with its name label
    const flows: Namespace[] = [{ name: 'legacy', labels: { env: 'old' } }, { name: 'gone', labels: { 'kubernetes.io/metadata.name': 'gone' } }];
    const inv: Inventory = { ...inventory([], []), namespaces: [{ name: 'legacy', labels: { env: 'old', team: 'data' } }, { name: 'payments', labels: { 'kubernetes.io/metadata.name': 'payments' } }, { name: 'bare', labels: {} }] };
    const set = generatePolicies({ edges: [...edges, edge(web, id('bare', { app: 'y' }), 81)], namespaces: flows, cluster: { inventory: inv, mode: 'm' } }, DEFAULT_GENERATE_OPTIONS);
    expect(set.namespaces).toEqual([
      { namespace: 'bare', basis: 'unselectable', labelsFrom: 'cluster' },
      { namespace: 'gone', basis: 'name-label', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'gone' } } },
      { namespace: 'legacy', basis: 'observed-labels', selector: { matchLabels: { env: 'old', team: 'data' } }, labelsFrom: 'cluster' },
      { namespace: 'payments', basis: 'name-label', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, labelsFrom: 'cluster' },
      { namespace: 'shop', basis: 'name-label-assumed', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }, // in neither
    ]);
    expect(set.notes.filter((n) => n.code === 'not-expressible-namespace').map((n) => n.edge.port)).toEqual([81]);
    const offline = generatePolicies({ edges, namespaces: flows }, DEFAULT_GENERATE_OPTIONS);
    expect(offline.namespaces.map((s) => `${s.namespace} ${s.basis} ${s.labelsFrom ?? 'flows'}`)).toEqual([
      'gone name-label flows', 'legacy observed-labels flows', 'payments name-label-assumed flows', 'shop name-label-assumed flows',
    ]);
  });
});

describe('names the cluster already uses', () => {
  it('notes a generated policy whose namespace/name a policy flowpol does not manage has; one flowpol manages is its own', () => {
    const api = id('shop', { app: 'api' });
    const edges: Edge[] = [edge(WEB, api, 8080)];
    const existing = (name: string, labels?: Record<string, string>) => ({
      apiVersion: 'networking.k8s.io/v1' as const, kind: 'NetworkPolicy' as const,
      metadata: { name, namespace: 'shop', ...(labels === undefined ? {} : { labels }) }, spec: { podSelector: {} },
    });
    const run = (policies: ReturnType<typeof existing>[]) => generatePolicies(
      { edges, namespaces: [], cluster: { inventory: { ...inventory([], []), policies }, mode: 'm' } }, DEFAULT_GENERATE_OPTIONS,
    ).inventory?.notes.filter((n) => n.code === 'name-taken') ?? [];
    const taken = run([existing('api-flowpol'), existing('web-flowpol', { 'app.kubernetes.io/managed-by': 'flowpol' }), existing('other')]);
    expect(taken.map((n) => [n.identity, n.message.split(':')[0]])).toEqual([
      [api, 'the cluster already has a NetworkPolicy shop/api-flowpol that flowpol does not manage (no app.kubernetes.io/managed-by=flowpol label)'],
    ]);
    expect(run([])).toEqual([]);
  });
});
