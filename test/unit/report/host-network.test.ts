// The report with a cluster inventory treats host-network pods as generate does: NetworkPolicy
// does not isolate them and no podSelector selects them as a peer (their traffic is their
// node's), so an edge to or from a workload whose pods all use the host network is not governed
// (never "would break"), listed with the other end's isolation, and so is an edge to a host-network
// pod's address (its node's) seen as a bare address; a workload with one ordinary pod
// stays evaluated; --world-out writes no host-network pod (the world format has no hostNetwork).
import { describe, expect, it } from 'vitest';
import type { Edge, Identity, NetworkPolicy, Peer, ReportEdge } from '../../../src/model.js';
import { buildBreakageReport, type BreakageResult } from '../../../src/report/breakage.js';
import { DEFAULT_DENY_NAME } from '../../../src/report/default-deny.js';
import { mergeNamespaces } from '../../../src/policy/workload-selectors.js';
import { edgeIdentities, InventoryPods } from '../../../src/report/from-inventory.js';
import { edgeReason } from '../../../src/report/reasons.js';
import { reportWorld } from '../../../src/report/world-out.js';
import { inventory, inventoryPod, INVENTORY_PODS } from './inventory-fixture.js';
import { api, dns, edge, frontend, payments, policy, SEED_NAMESPACES } from './seed-edges.js';

const AGENT: Identity = { namespace: 'production', labels: { app: 'agent' } };
const agent: Peer = { kind: 'workload', identity: AGENT };
const DENY = `production/${DEFAULT_DENY_NAME}`;

const fromAgent = edge(agent, api, 'TCP', 8080, 40);
const toAgent = edge(api, agent, 'TCP', 9100, 30);
const agentDns = edge(agent, dns, 'UDP', 53, 20);
const agentOut = edge(agent, payments, 'TCP', 443, 10);
const control = edge(frontend, api, 'TCP', 8080, 120);
/** The agent pod's address: its node's, seen by Hubble as a bare address. */
const toNode = edge(api, { kind: 'cidr', cidr: '172.18.0.9/32' }, 'TCP', 9100, 6);
const toPayments = edge(api, payments, 'TCP', 443, 5);
const EDGES: readonly Edge[] = [fromAgent, toAgent, agentDns, agentOut, control, toNode, toPayments];
/** The fixture's pods, the host-network agent with its (node's) address. */
const PODS = INVENTORY_PODS.map((p) => (p.hostNetwork ? { ...p, ips: ['172.18.0.9'] } : p));

/** api admits ingress from app=agent pods by podSelector: a host-network pod's traffic never matches it. */
const ADMITS_AGENT: NetworkPolicy = policy('production', 'api-from-agent', {
  podSelector: { matchLabels: { app: 'api-server' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }], ports: [{ port: 8080 }] }],
});

function run(pods = PODS, existing: readonly NetworkPolicy[] = []): BreakageResult {
  const inv = inventory(pods);
  const lookup = new InventoryPods(inv, edgeIdentities(EDGES));
  return buildBreakageReport(
    {
      edges: EDGES, namespaces: mergeNamespaces(SEED_NAMESPACES, inv.namespaces), existing, proposed: [], observation: { lostEvents: 0 },
      podsOf: lookup.podsOf.bind(lookup), isNodeAddress: lookup.isNodeAddress.bind(lookup),
    },
    { defaultDeny: { kind: 'namespaces', namespaces: ['kube-system', 'production'] }, direction: 'both' },
  );
}

function entry(r: BreakageResult, e: Edge): { entry: ReportEdge; workload: string | undefined } {
  for (const ns of r.report.namespaces) for (const w of ns.workloads) for (const x of w.edges) if (x.edge === e) return { entry: x, workload: w.workload };
  throw new Error('edge not in report');
}

describe('an inventory whose app=agent pods all use the host network, with a default-deny', () => {
  const r = run();

  it('the inventory view of the identity says hostNetwork; an ordinary one does not', () => {
    const pods = new InventoryPods(inventory(), edgeIdentities(EDGES));
    expect(pods.podsOf(AGENT)?.hostNetwork).toBe(true);
    expect(pods.podsOf({ namespace: 'production', labels: { app: 'api-server' } })?.hostNetwork).toBe(false);
  });

  it('no edge of the host-network workload would break: each is not governed, for that reason', () => {
    for (const e of [fromAgent, toAgent, agentDns, agentOut]) {
      const { entry: x } = entry(r, e);
      expect(x.status).toBe('not-governed');
      expect(x.status === 'not-governed' && x.code).toBe('not-governed-host-network');
    }
    // The ordinary edges beside them still break: the default-deny is in force.
    expect(entry(r, control).entry.status).toBe('breaks');
    expect(entry(r, toPayments).entry.status).toBe('breaks');
    expect(r.report.totals.breaks).toEqual({ edges: 2, flows: 125 });
    expect(r.report.totals['not-governed']).toEqual({ edges: 5, flows: 106 });
  });

  it('an address of a host-network pod is its node\'s: not governed either, as generate notes it', () => {
    expect(new InventoryPods(inventory(PODS), []).isNodeAddress('172.18.0.9')).toBe(true);
    expect(new InventoryPods(inventory(PODS), []).isNodeAddress('203.0.113.10')).toBe(false);
    const { entry: x, workload } = entry(r, toNode);
    expect(x.status === 'not-governed' && x.code).toBe('not-governed-host-network');
    expect(x.status === 'not-governed' && x.isolation).toEqual([{ direction: 'egress', isolatedBy: [DENY] }]);
    expect(workload).toBe('production/app=api-server');
  });

  it('says why, and that the other end\'s isolation is the CNI\'s call', () => {
    expect(edgeReason(entry(r, fromAgent).entry)).toBe(
      'a host-network pod (the inventory says so, or the address is a node\'s); it uses its node\'s network, NetworkPolicy does not apply to it and no podSelector selects it — if a default-deny blocks it, allow its nodes yourself (Cilium: the host/remote-node entities in a CiliumNetworkPolicy, or an ipBlock of the node addresses with policy-cidr-match-mode=nodes); ' +
      `the destination pod is isolated for ingress by ${DENY}: the CNI decides, check it`,
    );
    const out = entry(r, toAgent).entry;
    expect(out.status === 'not-governed' && out.isolation).toEqual([{ direction: 'egress', isolatedBy: [DENY] }]);
    const external = entry(r, agentOut).entry;
    expect(external.status === 'not-governed' && external.isolation).toEqual([]);
  });

  it('lists an edge under its ordinary pod end, else under the host-network workload (not as "no pod")', () => {
    expect(entry(r, fromAgent).workload).toBe('production/app=api-server');
    expect(entry(r, toAgent).workload).toBe('production/app=api-server');
    expect(entry(r, agentDns).workload).toBe('kube-system/k8s-app=kube-dns');
    expect(entry(r, agentOut).workload).toBe('production/app=agent');
  });

  it('a podSelector peer naming its labels does not admit it: still not governed, not allowed', () => {
    const x = entry(run(PODS, [ADMITS_AGENT]), fromAgent).entry;
    expect(x.status).toBe('not-governed');
  });

  it('--world-out writes no pod and no probe for it, so `flowpol check` cannot take it for a governed pod', () => {
    const world = reportWorld(r, 'host-network') as { pods: { namespace: string; name: string }[]; externals: unknown[]; probes: unknown[] };
    expect(world.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['kube-system/kube-dns', 'production/api-server', 'production/frontend']);
    expect(world.externals).toEqual([{ name: '203.0.113.10', ip: '203.0.113.10' }]); // not the node's address
    expect(world.probes).toEqual([
      { from: 'production/frontend', to: 'production/api-server', port: 8080, protocol: 'TCP', expected: 'deny' },
      { from: 'production/api-server', to: 'ext:203.0.113.10', port: 443, protocol: 'TCP', expected: 'deny' },
    ]);
  });
});

describe('a workload with one ordinary pod beside host-network ones', () => {
  it('is evaluated as ordinary pods are: the default-deny breaks it', () => {
    const mixed = [...PODS, inventoryPod('production', 'agent-standalone', { app: 'agent' })];
    expect(new InventoryPods(inventory(mixed), [AGENT]).podsOf(AGENT)?.hostNetwork).toBe(false);
    // Only the ordinary pod is judged: NetworkPolicy does not apply to the others (QA: a host-network pod's variant was said to break).
    expect(new InventoryPods(inventory(mixed), [AGENT]).podsOf(AGENT)?.variants.map((v) => v.pods)).toEqual([['agent-standalone']]);
    const r = run(mixed);
    expect(entry(r, fromAgent).entry.status).toBe('breaks');
    expect(entry(r, agentOut).entry.status).toBe('breaks');
  });
});
