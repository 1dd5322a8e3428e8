// A workload whose pods differ in what the policies select on (a label its flow identity lacks, a
// named port some pods lack): the report judges every pairing of the ends' pods and gives the worst,
// naming the pods it is about, and --world-out writes a pod per variant and a probe per pairing
// that `check` decides as the report did. (QA: a policy isolating tier=back pods of app=web, whose
// identity had no tier label, was ignored: "0 would break".)
import { describe, expect, it } from 'vitest';
import type { Edge, Identity, NetworkPolicy, ReportEdge } from '../../../src/model.js';
import { parseWorld, runProbes } from '../../../src/policy/world-file.js';
import { buildBreakageReport } from '../../../src/report/breakage.js';
import { edgeIdentities, InventoryPods } from '../../../src/report/from-inventory.js';
import { podDistinctions } from '../../../src/report/pod-variants.js';
import { edgeReason } from '../../../src/report/reasons.js';
import { reportWorld } from '../../../src/report/world-out.js';
import { inventory, inventoryPod } from './inventory-fixture.js';
import { edge, policy, SEED_NAMESPACES } from './seed-edges.js';

const workload = (labels: Record<string, string>) => ({ kind: 'workload', identity: { namespace: 'production', labels } as Identity }) as const;
const web = workload({ app: 'web' });
const api = workload({ app: 'api' });
const PODS = [
  inventoryPod('production', 'web-a', { app: 'web', tier: 'front', 'pod-template-hash': 'h1' }),
  inventoryPod('production', 'web-b', { app: 'web', tier: 'back', 'pod-template-hash': 'h1' }),
  inventoryPod('production', 'api-a', { app: 'api', 'pod-template-hash': 'h2' }, { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
  inventoryPod('production', 'api-b', { app: 'api', 'pod-template-hash': 'h3' }, { ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] }),
];
/** Isolates web's tier=back pods for egress, admitting nothing. */
const BACK_EGRESS = policy('production', 'back-eg', { podSelector: { matchLabels: { tier: 'back' } }, policyTypes: ['Egress'] });
/** Isolates api for ingress, admitting port `http` only (api-b calls 8080 `web`). */
const API_HTTP = policy('production', 'api-http', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] });

function run(edges: Edge[], existing: NetworkPolicy[]) {
  const pods = new InventoryPods(inventory(PODS), edgeIdentities(edges));
  return buildBreakageReport(
    { edges, namespaces: SEED_NAMESPACES, existing, proposed: [], observation: { lostEvents: 0 }, podsOf: pods.podsOf.bind(pods) },
    { defaultDeny: { kind: 'none' }, direction: 'both' },
  );
}
const entries = (r: ReturnType<typeof run>): ReportEdge[] => r.report.namespaces.flatMap((n) => n.workloads.flatMap((w) => w.edges));
const only = (r: ReturnType<typeof run>): Extract<ReportEdge, { decision: unknown }> => entries(r)[0] as Extract<ReportEdge, { decision: unknown }>;

describe('podDistinctions', () => {
  it('the label keys of every podSelector (the policies\' own and their peers\'), and whether a rule names a port', () => {
    const peers = policy('production', 'p', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'x' } }, namespaceSelector: { matchLabels: { team: 'a' } } }] }],
      egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }], ports: [{ port: 53 }] }],
    });
    expect(podDistinctions([peers])).toEqual({ labelKeys: new Set(['tier', 'role', 'zone']), namedPorts: false });
    expect(podDistinctions([API_HTTP]).namedPorts).toBe(true);
  });
});

describe('the report of a workload whose pods differ in what the policies select on', () => {
  it('a policy selecting some of its pods by a label its identity lacks: the edge breaks for them, and says for which', () => {
    const r = only(run([edge(web, api, 'TCP', 8080, 10)], [BACK_EGRESS]));
    expect(r.status).toBe('breaks');
    expect(r.detail?.gaps).toEqual([{ kind: 'pods-differ', source: ['web-b'], allowed: 1, pairs: 2 }]);
    expect(edgeReason(r)).toContain('this verdict is for the source pods web-b (1 of the 2 pairings of the ends\' pods would keep working)');
  });

  it('a named port declared by some pods only: breaks for the others; both ends differing make four pairings', () => {
    expect(only(run([edge(api, api, 'TCP', 8080, 10)], [API_HTTP])).detail?.gaps).toEqual([{ kind: 'pods-differ', source: ['api-a'], destination: ['api-b'], allowed: 1, pairs: 2 }]); // api-a -> api-a and api-b -> api-b are each a pod to itself
    const both = only(run([edge(web, api, 'TCP', 8080, 10)], [BACK_EGRESS, API_HTTP]));
    expect(both.detail?.gaps).toEqual([{ kind: 'pods-differ', source: ['web-b'], destination: ['api-a'], allowed: 1, pairs: 4 }]); // the first denied pairing; only web-a -> api-a is allowed
  });

  it('an edge within the workload never pairs a one-pod group with itself: that is the pod\'s traffic to itself (QA: a false BREAKS)', () => {
    const admits = (name: string, tier: string, from: string) => policy('production', name, {
      podSelector: { matchLabels: { tier } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: from } } }] }],
    });
    const denyIn = policy('production', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] });
    const r = run([edge(web, web, 'TCP', 80, 10)], [denyIn, admits('front-in', 'front', 'back'), admits('back-in', 'back', 'front')]);
    expect(only(r)).toMatchObject({ status: 'allowed', decision: 'allow' });
    const world = parseWorld(JSON.stringify(reportWorld(r, 'self')), 'world.json');
    expect(world.probes.map((p) => `${p.from} -> ${p.to} ${p.expected}`)).toEqual(['production/web -> production/web-2 allow', 'production/web-2 -> production/web allow']);
    expect(runProbes(world).filter((x) => x.verdict.decision !== x.expected)).toEqual([]);
  });

  it('to a peer with no pod and no address, names the pods it breaks for when the others are allowed (QA: it named none)', () => {
    const apiServer = { kind: 'reserved', entity: 'kube-apiserver' } as const;
    expect(only(run([edge(web, apiServer, 'TCP', 443, 10)], [BACK_EGRESS]))).toMatchObject({
      status: 'breaks',
      detail: { gaps: [{ kind: 'peer-unaddressed', peer: 'reserved:kube-apiserver' }, { kind: 'pods-differ', source: ['web-b'], allowed: 1, pairs: 2 }] },
    });
  });

  it('a pod of the same owner that carries a label the identity lacks is that workload\'s too, not silent (QA: its break was missed)', () => {
    const owner = { kind: 'Deployment', name: 'web' };
    const pods = [
      inventoryPod('production', 'web-a', { app: 'web', tier: 'front' }, { owner }), // a rollout added tier
      inventoryPod('production', 'web-b', { app: 'web' }, { owner }),
      inventoryPod('production', 'cron-1', { app: 'web', job: 'cleanup' }, { owner: { kind: 'CronJob', name: 'cleanup' } }),
    ];
    const edges = [edge(api, web, 'TCP', 80, 10)];
    const found = new InventoryPods(inventory(pods), edgeIdentities(edges));
    expect(found.match(web.identity).map((p) => p.name)).toEqual(['web-b', 'web-a']); // not cron-1: another owner
    const tierIn = policy('production', 'tier-in', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, policyTypes: ['Ingress'] });
    const r = buildBreakageReport(
      { edges, namespaces: SEED_NAMESPACES, existing: [tierIn], proposed: [], observation: { lostEvents: 0 }, podsOf: found.podsOf.bind(found) },
      { defaultDeny: { kind: 'none' }, direction: 'both' },
    );
    expect(only(r)).toMatchObject({ status: 'breaks', detail: { gaps: [{ kind: 'pods-differ', destination: ['web-a'], allowed: 1, pairs: 2 }] } });
  });

  it('pods that differ only in what no policy selects on are one pod: no pairings, no gap', () => {
    const r = run([edge(web, api, 'TCP', 8080, 10)], []);
    expect(only(r).status).toBe('allowed');
    expect(only(r).detail).toBeUndefined();
    expect(r.world.pods().pods.map((p) => `${p.name} ${JSON.stringify(p.labels)}`)).toEqual(['api {"app":"api"}', 'web {"app":"web","pod-template-hash":"h1"}']);
  });

  it('--world-out: a pod per variant, a probe per pairing with its own verdict, all decided by `check` as the report did', () => {
    const r = run([edge(web, api, 'TCP', 8080, 10)], [BACK_EGRESS]);
    const doc = reportWorld(r, 'variants');
    const world = parseWorld(JSON.stringify(doc), 'world.json');
    expect(world.pods.map((p) => `${p.name} ${p.labels.tier ?? ''}`)).toEqual(['api ', 'web back', 'web-2 front']);
    expect(world.probes.map((p) => `${p.from} -> ${p.to} ${p.expected}`)).toEqual([
      'production/web -> production/api deny', 'production/web-2 -> production/api allow',
    ]);
    expect(runProbes(world).filter((x) => x.verdict.decision !== x.expected)).toEqual([]);
    expect(doc.note).toContain('a pod per such group');
  });
});
