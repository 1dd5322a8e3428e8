// What an inventory adds to the report's world: the cluster's namespace labels, pods matched to
// flow identities by namespace + labels, their container ports (named ports then resolve).
import { describe, expect, it } from 'vitest';
import type { Identity, ReportEdge } from '../../../src/model.js';
import { buildBreakageReport } from '../../../src/report/breakage.js';
import { mergeNamespaces } from '../../../src/policy/workload-selectors.js';
import { edgeIdentities, InventoryPods } from '../../../src/report/from-inventory.js';
import type { PodDistinctions } from '../../../src/report/pod-variants.js';
import { inventory, inventoryPod } from './inventory-fixture.js';
import { api, edge, frontend, policy, prometheus, SEED_NAMESPACES } from './seed-edges.js';

const id = (namespace: string, labels: Record<string, string>): Identity => ({ namespace, labels });
const by = (labelKeys: string[], namedPorts = false): PodDistinctions => ({ labelKeys: new Set(labelKeys), namedPorts });

describe('mergeNamespaces', () => {
  it('takes the cluster\'s labels over the flows\', keeps namespaces only flows saw, adds the cluster\'s, sorted', () => {
    const merged = mergeNamespaces(SEED_NAMESPACES, inventory().namespaces);
    expect(merged.map((n) => n.name)).toEqual(['kube-system', 'monitoring', 'production', 'staging']);
    expect(merged.find((n) => n.name === 'monitoring')?.labels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring', team: 'observability' });
    expect(merged.find((n) => n.name === 'kube-system')?.labels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
  });
});

describe('--default-deny all with the cluster\'s namespaces', () => {
  it('covers every namespace the cluster has, not only those flows showed', () => {
    const namespaces = mergeNamespaces(SEED_NAMESPACES, inventory().namespaces);
    const r = buildBreakageReport({ edges: [edge(frontend, api, 'TCP', 8080, 1)], namespaces, existing: [], proposed: [], observation: { lostEvents: 0 } }, { defaultDeny: { kind: 'all' }, direction: 'both' });
    expect(r.report.defaultDeny.namespaces).toEqual(['kube-system', 'monitoring', 'production', 'staging']);
  });
});

describe('InventoryPods', () => {
  const SEED_IDS = ['worker', 'api-server', 'frontend', 'ghost', 'backup'].map((app) => id('production', { app }));
  const pods = new InventoryPods(inventory(), SEED_IDS);

  it('an identity\'s pods are those with exactly its labels (bar volatile ones) when there are any', () => {
    const web = inventoryPod('shop', 'web-1', { app: 'web', 'pod-template-hash': 'h1' });
    const cleanup = inventoryPod('shop', 'cleanup-1', { app: 'web', job: 'cleanup', 'job-name': 'cleanup-1' });
    const shop = new InventoryPods(inventory([web, cleanup]), [id('shop', { app: 'web' }), id('shop', { app: 'web', job: 'cleanup' })]);
    expect(shop.match(id('shop', { app: 'web' }))).toEqual([web]);
    expect(shop.match(id('shop', { app: 'web', job: 'cleanup' }))).toEqual([cleanup]);
  });

  it('else the pods whose most specific carried identity it is (identities collected with fewer labels)', () => {
    const v1 = inventoryPod('shop', 'web-v1', { app: 'web', version: 'v1' });
    const v2 = inventoryPod('shop', 'web-v2', { app: 'web', version: 'v2' });
    const shop = new InventoryPods(inventory([v1, v2]), [id('shop', { app: 'web' })]);
    expect(shop.match(id('shop', { app: 'web' }))).toEqual([v1, v2]);
    expect(shop.podsOf(id('shop', { app: 'web' }), by([]))?.variants.map((v) => v.labels)).toEqual([{ app: 'web' }]);
  });

  it("a pod is one identity's, as generate decides: a gone app=web does not take app=web,tier=fe's pod, a label-less identity takes none", () => {
    const fe = inventoryPod('shop', 'web-1', { app: 'web', tier: 'fe' });
    const other = inventoryPod('shop', 'cron-1', { 'job-name': 'cron-1' });
    const shop = new InventoryPods(inventory([fe, other]), [id('shop', { app: 'web' }), id('shop', { app: 'web', tier: 'fe' }), id('shop', {})]);
    expect(shop.match(id('shop', { app: 'web', tier: 'fe' }))).toEqual([fe]);
    expect(shop.match(id('shop', { app: 'web' }))).toEqual([]);
    expect(shop.match(id('shop', {}))).toEqual([other]); // its stable labels are exactly none
    const alone = new InventoryPods(inventory([fe]), [id('shop', {})]);
    expect(alone.match(id('shop', {}))).toEqual([]);
  });

  it('reads the identities of edges, both ends, workloads only', () => {
    const identityOf = (p: typeof frontend) => (p.kind === 'workload' ? p.identity : undefined);
    expect(edgeIdentities([edge(frontend, api, 'TCP', 8080, 1), edge(prometheus, { kind: 'reserved', entity: 'world' }, 'TCP', 443, 1)]))
      .toEqual([identityOf(frontend), identityOf(api), identityOf(prometheus)]);
  });

  it('remembers the identities it found no pod for, sorted by key', () => {
    const asked = new InventoryPods(inventory(), [id('production', { app: 'api-server' })]);
    asked.podsOf(id('production', { app: 'zz' }));
    asked.podsOf(id('production', { app: 'api-server' }));
    asked.podsOf(id('nowhere', { app: 'a' }));
    expect(asked.unmatched()).toEqual(['nowhere/app=a', 'production/app=zz']);
  });

  it('finds the pods of an identity', () => {
    expect(pods.match(id('production', { app: 'worker' })).map((p) => p.name)).toEqual(['worker-b', 'worker-a']);
    expect(pods.match(id('nowhere', { app: 'worker' }))).toEqual([]);
  });

  it('ports: each variant\'s, deduplicated and sorted; where policies name ports, pods that declare others are another variant; [] for pods without ports; undefined without pods', () => {
    // api-1 and api-2 (a rollout) declare different ports: where policies name ports, one may resolve on one and not the other.
    expect(pods.podsOf(id('production', { app: 'api-server' }), by([], true))?.variants).toEqual([
      { labels: { app: 'api-server' }, pods: ['api-2'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'grpc', port: 9000, protocol: 'TCP' }] },
      { labels: { app: 'api-server' }, pods: ['api-1'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] },
    ]);
    // No policy names a port: ports tell no pods apart, and the one variant has them all.
    expect(pods.podsOf(id('production', { app: 'api-server' }), by([]))?.variants).toEqual([{
      labels: { app: 'api-server' }, pods: ['api-1', 'api-2'],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'grpc', port: 9000, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
    }]);
    expect(pods.podsOf(id('production', { app: 'frontend' }))?.variants.map((v) => v.ports)).toEqual([[]]);
    expect(pods.podsOf(id('production', { app: 'ghost' }))).toBeUndefined();
  });

  it('labels: those every pod of the identity carries with one value, plus its own values of the keys the policies select on', () => {
    const a = inventoryPod('shop', 'web-a', { app: 'web', 'pod-template-hash': 'h1', tier: 'front' });
    const b = inventoryPod('shop', 'web-b', { app: 'web', 'pod-template-hash': 'h2', tier: 'back' });
    const c = inventoryPod('shop', 'web-c', { app: 'web', 'pod-template-hash': 'h2', tier: 'front' });
    const shop = new InventoryPods(inventory([a, b, c]), [id('shop', { app: 'web' })]);
    const variants = (distinctions?: PodDistinctions) => shop.podsOf(id('shop', { app: 'web' }), distinctions)?.variants.map((v) => [v.labels, v.pods]);
    expect(variants(by(['app', 'version']))).toEqual([[{ app: 'web' }, ['web-a', 'web-b', 'web-c']]]);
    expect(variants(by(['tier']))).toEqual([[{ app: 'web', tier: 'back' }, ['web-b']], [{ app: 'web', tier: 'front' }, ['web-a', 'web-c']]]);
    expect(variants()?.length).toBe(3); // no policies given: every label tells pods apart
    // The CronJob's one pod keeps its job-name.
    expect(pods.podsOf(id('production', { app: 'backup' }), by([]))?.variants.map((v) => v.labels)).toEqual([{ app: 'backup', 'job-name': 'backup-29' }]);
  });
});

describe('the report with inventory ports and namespaces', () => {
  // api-server admits the scrape on the named port `metrics` from namespaces team=observability.
  const scrape = policy('production', 'api-scrape', {
    podSelector: { matchLabels: { app: 'api-server' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'observability' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] }],
  });
  const edges = [edge(prometheus, api, 'TCP', 9090, 100), edge(frontend, api, 'TCP', 8080, 10)];
  const run = (withInventory: boolean): ReportEdge[] => {
    const inv = inventory();
    const pods = new InventoryPods(inv, edgeIdentities(edges));
    const namespaces = withInventory ? mergeNamespaces(SEED_NAMESPACES, inv.namespaces) : SEED_NAMESPACES;
    const input = { edges, namespaces, existing: [scrape], proposed: [], observation: { lostEvents: 0 }, ...(withInventory ? { podsOf: pods.podsOf.bind(pods) } : {}) };
    const r = buildBreakageReport(input, { defaultDeny: { kind: 'none' }, direction: 'both' });
    return r.report.namespaces.flatMap((n) => n.workloads.flatMap((w) => w.edges));
  };

  it('flows only: the named port matches nothing and the label is missing, so the scrape breaks, saying so', () => {
    const scrapeEdge = run(false).find((e) => e.edge.source === prometheus);
    expect(scrapeEdge?.status).toBe('breaks');
    expect(scrapeEdge?.status !== 'not-governed' && scrapeEdge?.detail?.gaps).toEqual([{ kind: 'named-ports-unresolved', policies: ['production/api-scrape'] }]);
  });

  it('with the inventory a policy selecting a label flows drop (job-name) selects the pod', () => {
    const backup = { kind: 'workload', identity: id('production', { app: 'backup' }) } as const;
    const denyRun = policy('production', 'deny-this-run', { podSelector: { matchLabels: { 'job-name': 'backup-29' } }, policyTypes: ['Egress'] });
    const inv = inventory();
    const pods = new InventoryPods(inv, edgeIdentities([edge(backup, api, 'TCP', 8080, 1)]));
    const status = (podsOf: boolean): string | undefined => {
      const input = { edges: [edge(backup, api, 'TCP', 8080, 1)], namespaces: SEED_NAMESPACES, existing: [denyRun], proposed: [], observation: { lostEvents: 0 }, ...(podsOf ? { podsOf: pods.podsOf.bind(pods) } : {}) };
      return buildBreakageReport(input, { defaultDeny: { kind: 'none' }, direction: 'both' }).report.namespaces[0]?.workloads[0]?.edges[0]?.status;
    };
    expect(status(false)).toBe('allowed');
    expect(status(true)).toBe('breaks');
  });

  it('with the inventory: the named port resolves on the pods that declare it, so the scrape breaks only for the others, saying which', () => {
    const r = run(true);
    const scrapeEdge = r.find((e) => e.edge.source === prometheus);
    expect(scrapeEdge?.status).toBe('breaks');
    expect(scrapeEdge?.status !== 'not-governed' && scrapeEdge?.detail?.gaps).toEqual([{ kind: 'pods-differ', destination: ['api-2'], allowed: 1, pairs: 2 }]);
    // 8080 is `http`, not `metrics`: still denied, and no named-port gap since the ports are known.
    const other = r.find((e) => e.edge.source === frontend);
    expect(other?.status).toBe('breaks');
    expect(other?.status !== 'not-governed' && other?.detail?.gaps).toEqual([]);
  });
});
