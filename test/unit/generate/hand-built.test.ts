import { NetworkPolicy as K8sNetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Edge, Peer, PolicySet } from '../../../src/model.js';
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions, generatePolicies } from '../../../src/policy/generate.js';
import { renderManifests, renderNamespaceFiles } from '../../../src/policy/manifests.js';
import { expectGolden } from './golden.js';
import { NAMESPACES, T0, handBuiltEdges, kubeDns } from './hand-built.js';
import { ProofWorld, leastPrivilege, selfConsistency } from './proof.js';

const generate = (options: Partial<GenerateOptions> = {}, edges = handBuiltEdges()): PolicySet =>
  generatePolicies({ edges, namespaces: NAMESPACES }, { ...DEFAULT_GENERATE_OPTIONS, ...options });

const byName = (set: PolicySet, ns: string, prefix: string) => {
  const found = set.policies.filter((p) => p.policy.metadata.namespace === ns && p.policy.metadata.name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one policy ${ns}/${prefix}*, found ${found.length}`);
  return found[0]!;
};

describe('generate on the hand-built graph', () => {
  const edges = handBuiltEdges();
  const set = generate({}, edges);

  it('renders the golden YAML stream and JSON List', () => {
    expectGolden('hand-built.yaml', renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml'));
    expectGolden('hand-built.json', renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'json'));
  });

  it('renders the golden YAML with every option switched on', () => {
    const options: GenerateOptions = {
      ...DEFAULT_GENERATE_OPTIONS, minCount: 2, portRanges: true, alwaysDns: true, cidrPrefix: { v4: 24, v6: 64 },
    };
    expectGolden('hand-built-options.yaml', renderManifests(generate(options), options, 'yaml'));
  });

  it('writes one policy per labelled workload identity, named stably, sorted', () => {
    expect(set.policies.map((p) => `${p.policy.metadata.namespace}/${p.policy.metadata.name}`)).toEqual([
      'kube-system/kube-dns-flowpol',
      'legacy/old-batch-flowpol',
      'payments/billing-flowpol',
      expect.stringMatching(/^shop\/api-[0-9a-f]{8}-flowpol$/),
      expect.stringMatching(/^shop\/api-[0-9a-f]{8}-flowpol$/),
      expect.stringMatching(/^shop\/web-[0-9a-f]{8}-flowpol$/),
      expect.stringMatching(/^shop\/web-[0-9a-f]{8}-flowpol$/),
      'twin-a/twin-flowpol',
    ]);
    for (const p of set.policies) expect(p.policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('selects same-namespace peers by podSelector and narrows label supersets with DoesNotExist', () => {
    const web = set.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === 'shop/app=web')!;
    expect(web.policy.spec.podSelector).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'DoesNotExist' }] });
    const first = web.policy.spec.egress?.[0];
    expect(first?.to).toEqual([
      { podSelector: { matchLabels: { app: 'api', version: 'v1' } } },
      { podSelector: { matchLabels: { app: 'api', version: 'v2' } } },
    ]);
    expect(first?.ports).toEqual([8080, 8081, 8082].map((port) => ({ protocol: 'TCP', port })));
  });

  it('selects cross-namespace peers by namespaceSelector AND podSelector, per namespace basis', () => {
    expect(set.namespaces.map((s) => [s.namespace, s.basis])).toEqual([
      ['kube-system', 'name-label-assumed'], ['legacy', 'observed-labels'], ['payments', 'name-label'],
      ['shop', 'name-label'], ['twin-a', 'unselectable'],
    ]);
    const billing = byName(set, 'payments', 'billing');
    const fromWeb = billing.policy.spec.ingress?.flatMap((r) => r.from ?? []).find((p) => p.podSelector?.matchLabels?.app === 'web');
    expect(fromWeb).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'DoesNotExist' }] },
    });
    const apiV1 = set.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === 'shop/app=api,version=v1')!;
    const legacyPeer = apiV1.policy.spec.ingress?.flatMap((r) => r.from ?? []).find((p) => p.podSelector?.matchLabels?.app === 'old-batch');
    expect(legacyPeer?.namespaceSelector).toEqual({ matchLabels: { env: 'legacy', team: 'old' } });
    const fromTwin = apiV1.policy.spec.ingress?.flatMap((r) => r.from ?? []).find((p) => p.podSelector?.matchLabels?.app === 'twin');
    expect(fromTwin).toBeUndefined();
  });

  it('merges ports per peer with explicit, sorted protocols, and writes world addresses as /32 and /128 with names', () => {
    const web = set.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === 'shop/app=web')!;
    const billingRule = web.policy.spec.egress?.find((r) => r.to?.[0]?.podSelector?.matchLabels?.app === 'billing-svc');
    expect(billingRule?.ports).toEqual([{ protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 8125 }]);
    const world = web.policy.spec.egress?.find((r) => r.to?.[0]?.ipBlock !== undefined);
    expect(world?.to?.map((p) => p.ipBlock?.cidr)).toEqual(['203.0.113.10/32', '203.0.113.77/32', '2001:db8::1/128']);
    expect(web.policy.metadata.annotations?.['flowpol.io/destination-names']).toBe(
      '203.0.113.10/32 api.example.com\n203.0.113.77/32 cdn.example.net,static.example.net',
    );
    expect(web.policy.spec.ingress?.flatMap((r) => r.from ?? []).map((p) => p.ipBlock?.cidr).filter(Boolean)).toEqual(['198.51.100.7/32']);
  });

  it('lists every edge it could not turn into a rule, with a code, and never widens', () => {
    const codes = set.notes.map((n) => `${n.code} ${n.workloads.length}`).sort();
    expect(codes).toEqual([
      'allowed-despite-drops 2',
      'not-expressible-fqdn 1',
      'not-expressible-namespace 1',
      'not-expressible-unlabelled 1',
      'not-expressible-world-without-ip 1',
      'not-governed-health 1',
      'not-governed-host 1',
      'not-governed-icmp 2',
      'not-governed-ingress 1',
      'not-governed-kube-apiserver 1',
      'not-governed-no-pod 0',
      'not-governed-remote-node 1',
    ]);
    const yaml = renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml');
    for (const note of set.notes) expect(yaml).toContain(`[${note.code}] ${note.message}`);
  });

  it('honours --direction, --min-count, the window, --always-dns, --port-ranges and --cidr-prefix', () => {
    const ingressOnly = generate({ direction: 'ingress' });
    for (const p of ingressOnly.policies) {
      expect(p.policy.spec.policyTypes).toEqual(['Ingress']);
      expect(p.policy.spec.egress).toBeUndefined();
    }
    const egressOnly = generate({ direction: 'egress' });
    for (const p of egressOnly.policies) expect(p.policy.spec.ingress).toBeUndefined();

    const rare = generate({ minCount: 2 });
    expect(rare.notes.filter((n) => n.code === 'left-out-min-count').map((n) => n.message)).toEqual([
      'shop/app=web,track=canary -> shop/app=api,version=v2 TCP/8080 (1 flow): left out: seen fewer times than --min-count',
    ]);

    const edges = handBuiltEdges();
    const old = edges.filter((e) => e.lastSeen < T0 + 200 * 60_000);
    const windowed = generatePolicies({ edges: edges.filter((e) => !old.includes(e)), outsideWindow: old, namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS);
    expect(windowed.notes.filter((n) => n.code === 'left-out-window')).toHaveLength(old.length);

    const wide = generate({ alwaysDns: true, portRanges: true, cidrPrefix: { v4: 24, v6: 64 } });
    for (const p of wide.policies) {
      const dns = p.policy.spec.egress?.find((r) => r.to?.some((t) => t.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns'));
      expect(dns?.ports).toEqual(expect.arrayContaining([{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }]));
    }
    const web = wide.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === 'shop/app=web')!;
    const cidrs = web.policy.spec.egress?.flatMap((r) => r.to ?? []).flatMap((t) => t.ipBlock?.cidr ?? []);
    expect(cidrs).toEqual(['203.0.113.0/24', '2001:db8::/64']);
    expect(web.policy.spec.egress?.flatMap((r) => r.ports ?? [])).toContainEqual({ protocol: 'TCP', port: 8080, endPort: 8082 });
  });

  it('--always-dns: every workload with a policy reaches the cluster DNS on UDP and TCP 53, through kube-dns\'s own policy too', () => {
    const edges = handBuiltEdges();
    const wide = generate({ alwaysDns: true }, edges);
    const world = new ProofWorld(wide, edges, NAMESPACES);
    const server = world.subject(kubeDns)!;
    // A namespace no selector can name (twin-a and twin-b carry the same labels) cannot be admitted by kube-dns's policy.
    const unselectable = new Set(wide.namespaces.filter((n) => n.basis === 'unselectable').map((n) => n.namespace));
    expect(unselectable.has('twin-a')).toBe(true);
    const clients = wide.policies.filter((p) => !unselectable.has(p.identity.namespace)).map((p) => world.subject({ kind: 'workload', identity: p.identity })!);
    expect(clients.length).toBeGreaterThan(3);
    for (const source of clients) {
      for (const protocol of ['UDP', 'TCP'] as const) {
        const v = world.engine.evaluate({ source, destination: server, protocol, port: 53 });
        expect(v.decision, `${JSON.stringify(source)} ${protocol}`).toBe('allow');
      }
    }
    // Without the option, kube-dns admits only the clients and protocol observed.
    const plain = new ProofWorld(generate({}, edges), edges, NAMESPACES);
    const denied = clients.filter((source) => plain.engine.evaluate({ source, destination: server, protocol: 'TCP', port: 53 }).decision === 'deny');
    expect(denied.length).toBeGreaterThan(0);
  });

  it('--always-dns notes each DNS edge to another server when none went to kube-dns (a differently labelled cluster DNS)', () => {
    const openshiftDns: Peer = { kind: 'workload', identity: { namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } };
    const elsewhere = handBuiltEdges().map((e) => (e.destination === kubeDns ? { ...e, destination: openshiftDns } : e));
    const notes = (set: PolicySet) => set.notes.filter((n) => n.code === 'always-dns-other-server');
    const noted = notes(generate({ alwaysDns: true }, elsewhere));
    expect(noted.map((n) => n.message.split(':')[0])).toEqual([
      'shop/app=web -> openshift-dns/dns.operator.openshift.io/daemonset-dns=default TCP/53 (4 flows)',
      'shop/app=web -> openshift-dns/dns.operator.openshift.io/daemonset-dns=default UDP/53 (900 flows)',
    ]);
    expect(noted.map((n) => n.workloads)).toEqual([[{ namespace: 'shop', labels: { app: 'web' } }], [{ namespace: 'shop', labels: { app: 'web' } }]]);
    // Only with --always-dns, only for policies -n makes, and not when some DNS went to kube-dns.
    expect(notes(generate({}, elsewhere))).toEqual([]);
    expect(notes(generate({ alwaysDns: true, namespaces: ['payments'] }, elsewhere))).toEqual([]);
    expect(notes(generate({ alwaysDns: true }))).toEqual([]);
  });

  it('is deterministic: shuffled input gives the same bytes', () => {
    const edges = handBuiltEdges();
    const shuffled = [...edges].reverse();
    shuffled.push(...shuffled.splice(0, 7));
    const a = renderManifests(generate({}, edges), DEFAULT_GENERATE_OPTIONS, 'yaml');
    const b = renderManifests(generate({}, shuffled), DEFAULT_GENERATE_OPTIONS, 'yaml');
    expect(b).toBe(a);
  });

  it('produces manifests that kubectl can read and the NetworkPolicy OpenAPI schema accepts', () => {
    const docs = parseAllDocuments(renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml'));
    expect(docs).toHaveLength(set.policies.length);
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      expect(() => new K8sNetworkPolicy(doc.toJS()).validate()).not.toThrow();
    }
    const list = JSON.parse(renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'json')) as { kind: string; items: unknown[] };
    expect(list.kind).toBe('List');
    for (const item of list.items) expect(() => new K8sNetworkPolicy(item as never).validate()).not.toThrow();
  });

  it('rejects nothing the schema would reject: a broken manifest does fail validation', () => {
    const broken = structuredClone(set.policies[0]!.policy) as unknown as { spec: { policyTypes: string[] } };
    broken.spec.policyTypes = ['Sideways'];
    expect(() => new K8sNetworkPolicy(broken as never).validate()).toThrow();
  });

  it('splits per namespace for --out-dir, with the notes no policy carries in a text file', () => {
    const files = renderNamespaceFiles(set, DEFAULT_GENERATE_OPTIONS, 'yaml');
    expect(files.map((f) => f.name)).toEqual(['flowpol-notes.txt', 'kube-system.yaml', 'legacy.yaml', 'payments.yaml', 'shop.yaml', 'twin-a.yaml']);
    expect(files[0]?.content).toContain('[not-governed-no-pod] reserved:host -> reserved:world TCP/443');
    const shop = parseAllDocuments(files.find((f) => f.name === 'shop.yaml')!.content);
    expect(shop).toHaveLength(4);
  });

  it('is proven by the policy engine: learned edges allowed, noted ones denied, nothing unobserved allowed', () => {
    const world = new ProofWorld(set, edges, NAMESPACES);
    const self = selfConsistency(world);
    expect(self.failures).toEqual([]);
    expect(self.allowed).toBe(20); // the edges between two pods or a pod and an address, not noted
    expect(self.denied).toBe(2); // unlabelled → api v1, twin-a → api v1 (noted as not expressible)
    const least = leastPrivilege(world);
    expect(least.failures).toEqual([]);
    expect(least.checked).toBeGreaterThan(5000);
  });

  it('the proof can fail: a policy missing one port is caught', () => {
    const broken = generate({}, edges);
    const web = broken.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === 'shop/app=web')!;
    web.policy.spec.egress![0]!.ports = web.policy.spec.egress![0]!.ports!.slice(1);
    expect(selfConsistency(new ProofWorld(broken, edges, NAMESPACES)).failures).toHaveLength(2);
    // Ingress from an address outside the cluster has no egress side to fall back on.
    const wide = generate({}, edges);
    const webToo = wide.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === 'shop/app=web')!;
    delete webToo.policy.spec.ingress![0]!.ports;
    const failures = leastPrivilege(new ProofWorld(wide, edges, NAMESPACES)).failures;
    expect(failures).toContain('198.51.100.7 -> shop/app=web TCP/8080: expected deny');
  });
});

describe('generate: what each edge is read as', () => {
  const web: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } };
  const dnsCanary: Peer = { kind: 'workload', identity: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', track: 'canary' } } };
  const outside: Peer = { kind: 'cidr', cidr: '198.51.100.7/32' };
  const edge = (source: Peer, destination: Peer, protocol: 'TCP' | 'UDP', port: number, extra: Partial<Edge> = {}): Edge => ({
    source, destination, protocol, port, count: 5, firstSeen: T0, lastSeen: T0 + 60_000, verdicts: { FORWARDED: 5 }, destinationNames: [], ...extra,
  });
  const policyOf = (set: PolicySet, identity: string) => set.policies.find((p) => p.policy.metadata.annotations?.['flowpol.io/identity'] === identity)!;

  it('--always-dns writes the cluster DNS peer as plain matchLabels even where an observed DNS pod has a label superset', () => {
    const set = generate({ alwaysDns: true }, [edge(web, kubeDns, 'UDP', 53), edge(web, dnsCanary, 'UDP', 53)]);
    const dns = policyOf(set, 'shop/app=web').policy.spec.egress?.find((r) => r.ports?.some((p) => p.protocol === 'TCP' && p.port === 53));
    expect(dns).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }],
    });
  });

  it('--always-dns with --direction egress gives no policy ingress rules, kube-dns\'s included', () => {
    const set = generate({ alwaysDns: true, direction: 'egress' });
    expect(set.policies.some((p) => p.identity.namespace === 'kube-system')).toBe(true);
    for (const p of set.policies) {
      expect(p.policy.spec.policyTypes).toEqual(['Egress']);
      expect(p.policy.spec.ingress, p.policy.metadata.name).toBeUndefined();
    }
  });

  it('notes allowed-despite-drops only for edges Hubble never saw pass', () => {
    const codes = (verdicts: Edge['verdicts']) => generate({}, [edge(web, kubeDns, 'UDP', 53, { verdicts })]).notes.map((n) => n.code);
    expect(codes({ DROPPED: 5 })).toEqual(['allowed-despite-drops']);
    expect(codes({ DROPPED: 4, FORWARDED: 1 })).toEqual([]);
    expect(codes({ DROPPED: 4, AUDIT: 1 })).toEqual([]);
  });

  it('keeps DNS names for the addresses a workload reaches, never for one it is reached from', () => {
    const set = generate({}, [edge(outside, web, 'TCP', 80, { destinationNames: ['web.shop.example'] })]);
    const generated = policyOf(set, 'shop/app=web');
    expect(generated.ingress.flatMap((r) => r.peers.map((p) => p.names))).toEqual([[]]);
    expect(renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml')).not.toContain('web.shop.example');
  });
});
