// The pure report core on the seed three-tier scenario: classification, the denying side, the
// closest rule, world gaps, grouping and order, the simulated default-deny, coverage warnings.
import { describe, expect, it } from 'vitest';
import type { Edge, NetworkPolicy, ReportEdge } from '../../../src/model.js';
import { buildBreakageReport, type BreakageInput, type BreakageOptions } from '../../../src/report/breakage.js';
import { DEFAULT_DENY_NAME, type DefaultDenyScope } from '../../../src/report/default-deny.js';
import { edgeReason, edgeReasons, policiesLine } from '../../../src/report/reasons.js';
import { api, dns, edge, FORGETS_DNS, frontend, host, policy, postgres, prometheus, SEED_EDGES, SEED_NAMESPACES, T0 } from './seed-edges.js';

const NONE: BreakageOptions = { defaultDeny: { kind: 'none' }, direction: 'both' };

function run(existing: readonly NetworkPolicy[], options: BreakageOptions = NONE, more: Partial<BreakageInput> = {}) {
  return buildBreakageReport({ edges: SEED_EDGES, namespaces: SEED_NAMESPACES, existing, proposed: [], observation: { lostEvents: 0 }, ...more }, options);
}

const entries = (r: ReturnType<typeof run>): ReportEdge[] => r.report.namespaces.flatMap((n) => n.workloads.flatMap((w) => w.edges));
const find = (r: ReturnType<typeof run>, e: Edge): ReportEdge => {
  const found = entries(r).find((x) => x.edge === e);
  if (found === undefined) throw new Error('edge not in report');
  return found;
};
const seed = (i: number): Edge => SEED_EDGES[i] as Edge;

describe('a policy set that forgets DNS', () => {
  const r = run(FORGETS_DNS);

  it('breaks every DNS edge on the egress side, at the source, isolated by its policies', () => {
    const dnsEdges = entries(r).filter((e) => e.edge.destination === dns);
    expect(dnsEdges).toHaveLength(2);
    for (const e of dnsEdges) {
      expect(e.status).toBe('breaks');
      if (e.status === 'not-governed') throw new Error('unreachable');
      expect(e.verdict?.egress.kind).toBe('denied');
      expect(e.verdict?.ingress).toEqual({ kind: 'not-isolated' });
      expect(e.verdict?.egress.kind === 'denied' && e.verdict?.egress.isolatedBy).toContain('production/default-deny-all');
    }
  });

  it('lists each break under the workload whose side denies it, DNS first by traffic', () => {
    const [production] = r.report.namespaces;
    expect(production?.namespace).toBe('production');
    expect(production?.workloads.map((w) => w.workload)).toEqual(['production/app=frontend', 'production/app=api-server']);
    expect(production?.workloads[0]?.edges[0]?.edge).toBe(seed(0));
    expect(production?.workloads[1]?.edges.map((e) => e.edge)).toEqual([seed(1), seed(5), seed(7), seed(3), seed(6)]);
    expect(r.report.totals).toEqual({
      breaks: { edges: 3, flows: 510 }, dropped: { edges: 1, flows: 4 }, 'not-governed': { edges: 2, flows: 53 }, allowed: { edges: 4, flows: 340 },
    });
  });

  it('explains a scrape from a namespace whose labels were never seen instead of guessing', () => {
    const e = find(r, seed(5));
    expect(e.status).toBe('breaks');
    if (e.status === 'not-governed') throw new Error('unreachable');
    expect(e.verdict?.egress).toEqual({ kind: 'not-isolated' });
    expect(e.detail?.closest.ingress).toEqual({
      miss: { policy: 'production/api', direction: 'ingress', rule: 1, mismatch: 'peer' }, admits: 'every pod in namespaces purpose=monitoring',
    });
    expect(e.detail?.gaps).toEqual([{ kind: 'namespace-labels-unknown', namespaces: ['staging'] }]);
  });

  it('says a drop seen today that the policies allow is dropped by something else', () => {
    const open = find(run([]), seed(9));
    expect(open.status).toBe('dropped');
    expect(edgeReasons(open)).toEqual([
      'Hubble only saw it DROPPED, yet these policies allow it (allowed: no policy isolates either end on its side): what drops it today is not among them',
    ]);
  });

  it('keeps the drop seen today apart from breaks, and classifies what NetworkPolicy cannot govern', () => {
    expect(find(r, seed(9)).status).toBe('dropped');
    expect(find(r, seed(7))).toMatchObject({ status: 'not-governed', code: 'not-governed-host', isolation: [] });
    expect(find(r, seed(8))).toMatchObject({
      status: 'not-governed', code: 'not-governed-icmp',
      isolation: [
        { direction: 'egress', isolatedBy: ['production/default-deny-all', 'production/frontend'] },
        { direction: 'ingress', isolatedBy: ['production/api', 'production/default-deny-all'] },
      ],
    });
  });
});

describe('a namespaceSelector on a label the monitoring namespace lacks', () => {
  const narrow = policy('production', 'api-scrape', {
    podSelector: { matchLabels: { app: 'api-server' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { team: 'observability' } } }], ports: [{ port: 9090 }] },
    ],
  });
  const r = run([narrow]);

  it('breaks the scrape at the destination ingress, naming the selector, with no world gap (monitoring labels are known)', () => {
    const e = find(r, seed(4));
    expect(e.status).toBe('breaks');
    if (e.status === 'not-governed') throw new Error('unreachable');
    expect(e.verdict?.ingress).toMatchObject({ kind: 'denied', isolatedBy: ['production/api-scrape'] });
    expect(e.detail).toEqual({
      closest: {
        ingress: {
          miss: { policy: 'production/api-scrape', direction: 'ingress', rule: 1, mismatch: 'peer' }, admits: 'every pod in namespaces team=observability',
          peerNamespace: { name: 'monitoring', labels: { 'kubernetes.io/metadata.name': 'monitoring', purpose: 'monitoring' } },
        },
      },
      gaps: [],
    });
    expect(r.report.namespaces[0]?.workloads[0]?.workload).toBe('production/app=api-server');
  });

  it('shows the peer namespace\'s labels as selectors see them: kubernetes.io/metadata.name is its name, whatever was recorded', () => {
    const recorded = SEED_NAMESPACES.map((n) => (n.name === 'monitoring' ? { name: 'monitoring', labels: { purpose: 'monitoring', 'kubernetes.io/metadata.name': 'mon' } } : n));
    const e = find(run([narrow], NONE, { namespaces: recorded }), seed(4));
    expect(edgeReasons(e)).toContain(
      'ingress at the destination denied: isolated by production/api-scrape; closest: production/api-scrape ingress[1] admits the port but only for every pod in namespaces team=observability (namespace monitoring carries kubernetes.io/metadata.name=monitoring, purpose=monitoring)',
    );
  });

  it('keeps exactly the traffic the policy admits working', () => {
    expect(find(r, seed(2)).status).toBe('allowed');
    expect(entries(r).filter((e) => e.status === 'breaks').map((e) => e.edge)).toEqual([seed(4), seed(5)]);
  });
});

describe('the simulated default-deny', () => {
  it('isolates every namespace seen (labels known or not) and breaks every evaluated edge', () => {
    const r = run([], { defaultDeny: { kind: 'all' }, direction: 'both' });
    expect(r.report.defaultDeny.namespaces).toEqual(['kube-system', 'monitoring', 'production', 'staging']);
    expect(r.report.policies).toEqual(['kube-system', 'monitoring', 'production', 'staging'].map((ns) => ({ ref: `${ns}/${DEFAULT_DENY_NAME}`, provenance: 'default-deny' })));
    expect(r.report.totals.allowed.edges).toBe(0);
    expect(find(r, seed(6))).toMatchObject({ status: 'breaks', verdict: { egress: { kind: 'denied' }, ingress: { kind: 'not-governed' } } });
    expect(r.report.namespaces[0]?.workloads[0]?.edges[0]?.edge).toBe(seed(0));
  });

  it('names the listed namespaces nothing shows (a typo) as unknown: not those of an edge end, of known labels, or "all"', () => {
    const quiet = { name: 'quiet', labels: { 'kubernetes.io/metadata.name': 'quiet' } }; // labels known (flows, a cluster), no edge
    const listed: DefaultDenyScope = { kind: 'namespaces', namespaces: ['kube-sytem', 'production', 'quiet', 'staging'] }; // as parseDefaultDenyScope gives them
    const r = run([], { defaultDeny: listed, direction: 'both' }, { namespaces: [...SEED_NAMESPACES, quiet] });
    expect(r.report.defaultDeny).toEqual({ namespaces: ['kube-sytem', 'production', 'quiet', 'staging'], direction: 'both', unknown: ['kube-sytem'] });
    expect(r.report.policies.filter((p) => p.provenance === 'default-deny')).toHaveLength(4); // still simulated, as asked
    expect(run([], { defaultDeny: { kind: 'namespaces', namespaces: ['staging'] }, direction: 'both' }).report.defaultDeny).toEqual({ namespaces: ['staging'], direction: 'both' });
    expect(run([], { defaultDeny: { kind: 'all' }, direction: 'both' }).report.defaultDeny.unknown).toBeUndefined();
    // Streaming (-o json) sees every edge end in its first pass too.
    expect(run([], { defaultDeny: listed, direction: 'both', allowedEdges: 'stream' }).report.defaultDeny.unknown).toEqual(['kube-sytem', 'quiet']);
  });

  it('says both directions in words in the policies line', () => {
    const r = run([], { defaultDeny: { kind: 'namespaces', namespaces: ['production'] }, direction: 'both' });
    expect(policiesLine(r.report)).toBe('0 existing, 0 proposed, 1 simulated default-deny (ingress and egress) in production');
  });

  it('with "all" covers namespaces seen only as a destination, and leaves out names Kubernetes refuses', () => {
    const sink = { kind: 'workload', identity: { namespace: 'sink', labels: { app: 'sink' } } } as const;
    const bad = { kind: 'workload', identity: { namespace: 'Not_A_Namespace', labels: { app: 'x' } } } as const;
    const r = run([], { defaultDeny: { kind: 'all' }, direction: 'both' }, { edges: [edge(frontend, sink, 'TCP', 80, 1), edge(frontend, bad, 'TCP', 80, 1)] });
    expect(r.report.defaultDeny).toEqual({ namespaces: ['production', 'sink'].concat(['kube-system', 'monitoring']).sort(), direction: 'both', unnamable: ['Not_A_Namespace'] });
    expect(r.report.policies.map((p) => p.ref)).toContain(`sink/${DEFAULT_DENY_NAME}`);
  });

  it('with --direction egress leaves ingress open', () => {
    const r = run([], { defaultDeny: { kind: 'namespaces', namespaces: ['production'] }, direction: 'egress' });
    const scrape = find(r, seed(4));
    expect(scrape.status).toBe('allowed');
    expect(find(r, seed(0))).toMatchObject({ status: 'breaks', verdict: { egress: { kind: 'denied', isolatedBy: [`production/${DEFAULT_DENY_NAME}`] } } });
  });

  it('says what proposed policies replace: same namespace/name wins over the existing one', () => {
    const allowAll = policy('production', 'default-deny-all', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const r = buildBreakageReport(
      { edges: SEED_EDGES, namespaces: SEED_NAMESPACES, existing: FORGETS_DNS, proposed: [allowAll], observation: { lostEvents: 0 } }, NONE,
    );
    expect(r.report.policies.find((p) => p.ref === 'production/default-deny-all')).toEqual({ ref: 'production/default-deny-all', provenance: 'proposed' });
    // The replacement admits every egress; policies add up, so frontend's DNS works again.
    expect(find(r, seed(0))).toMatchObject({ status: 'allowed', verdict: { egress: { kind: 'allowed', allowedBy: [{ policy: 'production/default-deny-all' }] } } });
  });
});

describe('world gaps and peers without a subject', () => {
  it('flags named ports the flows cannot resolve and prefixes evaluated at their first address', () => {
    const named = policy('production', 'named', {
      podSelector: { matchLabels: { app: 'postgres' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'postgres' }] }],
    });
    const prefix = edge(api, { kind: 'cidr', cidr: '198.51.100.0/24' }, 'TCP', 443, 1);
    const r = run([named], NONE, { edges: [seed(3), prefix] });
    expect(find(r, seed(3))).toMatchObject({ status: 'breaks', detail: { gaps: [{ kind: 'named-ports-unresolved', policies: ['production/named'] }] } });
    expect(r.report.namespaces[0]?.workloads.map((w) => w.workload)).toEqual(['production/app=postgres', 'production/app=api-server']);
    expect(find(r, prefix)).toMatchObject({
      status: 'allowed', detail: { gaps: [{ kind: 'address-is-prefix', cidr: '198.51.100.0/24', evaluatedAt: '198.51.100.0' }] },
    });
  });

  it('classifies externals without an address, edges with no pod and bad ports', () => {
    const world: Edge = edge(api, { kind: 'reserved', entity: 'world' }, 'TCP', 443, 2);
    const name: Edge = edge(api, { kind: 'fqdn', name: 'example.com' }, 'TCP', 443, 2);
    const noPod: Edge = edge({ kind: 'cidr', cidr: '192.0.2.1/32' }, { kind: 'cidr', cidr: '192.0.2.2/32' }, 'TCP', 80, 1);
    const apiServer: Edge = edge(host, { kind: 'reserved', entity: 'kube-apiserver' }, 'TCP', 6443, 1);
    const ownNode: Edge = edge(frontend, host, 'TCP', 10250, 1);
    const zero: Edge = edge(frontend, postgres, 'UDP', 0, 1);
    const r = run(FORGETS_DNS, NONE, { edges: [world, name, noPod, apiServer, ownNode, zero] });
    // api's ipBlock rule has 443: whether it covers the unrecorded address is not known, so the CNI and the address decide.
    expect([world, name, noPod, apiServer, ownNode, zero].map((e) => (find(r, e) as { code?: string }).code)).toEqual([
      'not-expressible-world-without-ip', 'not-expressible-fqdn', 'not-governed-no-pod', 'not-governed-host', 'not-governed-host', 'not-expressible-port',
    ]);
    expect(find(r, world)).toMatchObject({ isolation: [{ direction: 'egress', isolatedBy: ['production/api', 'production/default-deny-all'] }] });
    expect(r.report.namespaces.at(-1)).toMatchObject({ namespace: '', workloads: [{ edges: [{ edge: noPod }, { edge: apiServer }] }] });
  });

  it('a peer with no pod and no known address (remote node, kube-apiserver, unrecorded or named external) that no isolating rule could admit: breaks, saying why', () => {
    const world: Edge = edge(frontend, { kind: 'reserved', entity: 'world' }, 'TCP', 443, 2);
    const name: Edge = edge(frontend, { kind: 'fqdn', name: 'example.com' }, 'TCP', 443, 2);
    const toApiServer: Edge = edge(api, { kind: 'reserved', entity: 'kube-apiserver' }, 'TCP', 6443, 3);
    const webhook: Edge = edge({ kind: 'reserved', entity: 'kube-apiserver' }, api, 'TCP', 9443, 4, { DROPPED: 4 });
    const kubelet: Edge = edge(api, { kind: 'reserved', entity: 'remote-node' }, 'TCP', 10250, 5);
    const r = run(FORGETS_DNS, NONE, { edges: [world, name, toApiServer, webhook, kubelet] });
    expect([world, name, toApiServer, webhook, kubelet].map((e) => find(r, e)?.status)).toEqual(['breaks', 'breaks', 'breaks', 'dropped', 'breaks']);
    expect(find(r, toApiServer)).toMatchObject({
      decision: 'deny', verdict: { egress: { kind: 'denied', isolatedBy: ['production/api', 'production/default-deny-all'] }, ingress: { kind: 'not-governed' } },
      detail: { gaps: [{ kind: 'peer-unaddressed', peer: 'reserved:kube-apiserver', code: 'not-governed-kube-apiserver' }] },
    });
    expect(find(r, webhook)).toMatchObject({ verdict: { ingress: { kind: 'denied' }, egress: { kind: 'not-governed' } } });
    expect(edgeReason(find(r, name) as ReportEdge)).toContain('example.com is no pod and has no address flowpol knows, and no rule of the isolating policies admits every peer, nor names an ipBlock, on this port: denied whatever its address, on any CNI');
    // A rule that names no peers admits them all: not governed, as before.
    const open = policy('production', 'frontend-out', { podSelector: { matchLabels: { app: 'frontend' } }, egress: [{ ports: [{ port: 443 }] }] });
    expect(find(run([...FORGETS_DNS, open], NONE, { edges: [world] }), world)?.status).toBe('not-governed');
  });
});

describe('the world built from edges', () => {
  it('keeps an unlabelled workload and a labelled one of its namespace apart, whatever order they come in', () => {
    const unlabelled: Edge['source'] = { kind: 'workload', identity: { namespace: 'production', labels: {} } };
    const frontendIn = policy('production', 'frontend-in', {
      podSelector: { matchLabels: { app: 'frontend' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api-server' } } }] }],
    });
    const probe = edge(unlabelled, frontend, 'TCP', 8080, 1);
    const r = run([frontendIn], NONE, { edges: [probe, edge(frontend, unlabelled, 'TCP', 80, 1)] });
    expect(find(r, probe)).toMatchObject({ status: 'breaks', verdict: { ingress: { kind: 'denied', isolatedBy: ['production/frontend-in'] } } });
    expect(r.world.pods().pods.map((p) => p.labels)).toEqual([{ app: 'frontend' }, {}]);
  });

  it('says of a denied edge that an end no podSelector can name alone is why (QA: "no rule comes close" under its own generated policies)', () => {
    const unlabelled: Edge['source'] = { kind: 'workload', identity: { namespace: 'production', labels: {} } };
    const denied = edge(unlabelled, frontend, 'TCP', 8080, 1);
    const labelled = edge(frontend, api, 'TCP', 8080, 1);
    const r = run([], { defaultDeny: { kind: 'all' }, direction: 'both' }, { edges: [denied, labelled] });
    expect(find(r, denied)).toMatchObject({ status: 'breaks', detail: { gaps: [{ kind: 'peer-unselectable', peer: 'production/(no labels)', code: 'not-expressible-unlabelled' }] } });
    expect(edgeReason(find(r, denied) as ReportEdge)).toContain('production/(no labels): not expressible: the workload has no stable labels, and selecting it would mean every pod of its namespace; flowpol generate writes no rule or policy naming it');
    expect(find(r, labelled)).toMatchObject({ status: 'breaks', detail: { gaps: [] } });
  });
});

describe('verdicts and closest rules', () => {
  it('keeps each allowed side\'s own unknown namespaces, also where the same rule allows another edge', () => {
    // NotIn matches a namespace without the label: staging's labels were never seen, so its allow rests on an assumption.
    const scrape = policy('production', 'scrape', {
      podSelector: { matchLabels: { app: 'api-server' } },
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'purpose', operator: 'NotIn', values: ['blocked'] }] } }], ports: [{ port: 9090 }] }],
    });
    const r = run([scrape], NONE, { edges: [seed(4), seed(5)] });
    const allowedBy = [{ policy: 'production/scrape', direction: 'ingress', rule: 0 }];
    expect(find(r, seed(4))).toMatchObject({ status: 'allowed', verdict: { ingress: { kind: 'allowed', allowedBy, namespaceLabelsUnknown: [] } } });
    expect(find(r, seed(5))).toMatchObject({ status: 'allowed', verdict: { ingress: { kind: 'allowed', allowedBy, namespaceLabelsUnknown: ['staging'] } } });
  });

  it('names as closest the rule that matched the peer but not the port, before one that matched only the port', () => {
    const apiIn = policy('production', 'api-in', {
      podSelector: { matchLabels: { app: 'api-server' } },
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ port: 8080 }] },
        { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 9999 }] },
      ],
    });
    const e = find(run([apiIn], NONE, { edges: [seed(2)] }), seed(2));
    expect(e).toMatchObject({ status: 'breaks', verdict: { ingress: { kind: 'denied' } } });
    if (e.status === 'not-governed') throw new Error('unreachable');
    expect(e.detail?.closest.ingress?.miss).toEqual({ policy: 'production/api-in', direction: 'ingress', rule: 1, mismatch: 'port' });
  });
});

describe('what the closest rule admits', () => {
  const closest = (rules: NonNullable<NetworkPolicy['spec']['ingress']>) => {
    const apiIn = policy('production', 'api-in', { podSelector: { matchLabels: { app: 'api-server' } }, ingress: rules });
    const e = find(run([apiIn], NONE, { edges: [seed(2)] }), seed(2));
    if (e.status === 'not-governed') throw new Error('unreachable');
    return e.detail?.closest.ingress;
  };

  it('names the one port or the port range of a rule that matched the peer', () => {
    const frontendOnly = [{ podSelector: { matchLabels: { app: 'frontend' } } }];
    expect(closest([{ from: frontendOnly, ports: [{ port: 9999 }] }])?.admits).toBe('TCP/9999');
    expect(closest([{ from: frontendOnly, ports: [{ protocol: 'UDP', port: 8000, endPort: 8100 }] }])?.admits).toBe('UDP/8000-8100');
  });

  it('names the peers of a rule that admits the port, ipBlock exceptions and namespace labels included', () => {
    const ipBlock = closest([{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } }], ports: [{ port: 8080 }] }]);
    expect(ipBlock?.admits).toBe('ipBlock 10.0.0.0/8 except 10.1.0.0/16,10.2.0.0/16');
    // One peer of the rule selects namespaces: the peer's namespace labels are shown.
    const mixed = closest([{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }, { namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ port: 8080 }] }]);
    expect(mixed?.admits).toBe('pods app=nobody (same namespace); every pod in namespaces purpose=monitoring');
    expect(mixed?.peerNamespace?.name).toBe('production');
  });
});

describe('coverage warnings', () => {
  it('calls a window short only when it is shorter than a day', () => {
    const day = { first: T0, last: T0 + 24 * 3_600_000 };
    expect(run([], NONE, { observation: { window: day, lostEvents: 0 } }).report.coverage).toEqual([]);
    const short = { first: T0, last: day.last - 1 };
    expect(run([], NONE, { observation: { window: short, lostEvents: 0 } }).report.coverage).toEqual([{ kind: 'short-window', ...short }]);
  });

  it('warns about a window shorter than a day and about lost events', () => {
    const window = { first: T0, last: T0 + 5 * 3_600_000 };
    expect(run([], NONE, { observation: { window, lostEvents: 12 } }).report.coverage).toEqual([
      { kind: 'short-window', ...window }, { kind: 'lost-events', lost: 12 },
    ]);
    expect(run([]).report.coverage).toEqual([]);
    expect(run([], NONE, { edges: [] }).report.coverage).toEqual([{ kind: 'no-traffic' }]);
  });

  it('uses the observed edges for the window when the store gives none', () => {
    expect(run([]).report.window).toEqual({ first: T0 + 3_600_000, last: T0 + 26 * 3_600_000 });
    expect(prometheus.kind).toBe('workload');
  });
});

describe("explain: 'denied' (the engine's fast path for allowed edges)", () => {
  it('gives every edge the same status and decision as full verdicts, and full verdicts for every denial', () => {
    const policies = [...FORGETS_DNS, policy('monitoring', 'prom', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 9090 }] }] })];
    for (const defaultDeny of [{ kind: 'none' } as const, { kind: 'all' } as const]) {
      const all = run(policies, { defaultDeny, direction: 'both', explain: 'all' });
      const fast = run(policies, { defaultDeny, direction: 'both', explain: 'denied' });
      const strip = (e: ReportEdge) => (e.status === 'not-governed' ? e : { status: e.status, decision: e.decision, detail: e.detail, denied: e.decision === 'deny' ? e.verdict : undefined });
      expect(entries(fast).map(strip)).toEqual(entries(all).map(strip));
      expect(entries(fast).filter((e) => e.status !== 'not-governed' && e.decision === 'allow').every((e) => !('verdict' in e))).toBe(true);
    }
  });
});

describe('grouping and order', () => {
  const workload = (namespace: string): Edge['source'] => ({ kind: 'workload', identity: { namespace, labels: { app: 'x' } } });
  const cidr = (n: number): Edge['destination'] => ({ kind: 'cidr', cidr: `192.0.2.${n}/32` });
  const order = (edges: Edge[], options: BreakageOptions) =>
    buildBreakageReport({ edges, namespaces: [], existing: [], proposed: [], observation: { lostEvents: 0 } }, options).report.namespaces.map((n) => n.namespace);

  it('with nothing breaking: by all traffic, then name; the edges with no pod last, however many flows they have', () => {
    const edges = [edge(workload('aaa'), cidr(1), 'TCP', 80, 10), edge(workload('bbb'), cidr(2), 'TCP', 80, 100), edge(cidr(3), cidr(4), 'TCP', 80, 1000), edge(workload('ccc'), cidr(5), 'TCP', 80, 10)];
    expect(order(edges, NONE)).toEqual(['bbb', 'aaa', 'ccc', '']);
  });

  it('breaks by flows first, then by breaking edges, before all traffic and name', () => {
    const edges = [
      edge(workload('big'), cidr(1), 'TCP', 80, 10), // 1 breaking edge, 10 flows
      edge(workload('many'), cidr(2), 'TCP', 80, 5), edge(workload('many'), cidr(2), 'TCP', 81, 5), // 2 breaking edges, 10 flows
      edge(workload('most'), cidr(3), 'TCP', 80, 11),
      edge(cidr(3), cidr(4), 'TCP', 80, 1000), // not governed: no pod
    ];
    expect(order(edges, { defaultDeny: { kind: 'all' }, direction: 'both' })).toEqual(['most', 'many', 'big', '']);
  });
});
