// Learned edges → least-privilege NetworkPolicies, one per workload identity with observed
// traffic (how each edge is read: learner.ts). Pure: no I/O, no clock; the same edges and
// options give the same PolicySet, byte for byte once rendered, whatever the input order.
import type {
  Edge, EdgeNote, EdgeNoteCode, GenerateDirection, GeneratedPolicy, Identity, Inventory, InventoryNote, Namespace, NetworkPolicy, PolicySet, PolicyType,
} from '../model.js';
import { DEFAULT_NAMESPACE } from './validate.js';
import { InventoryWorkloads } from './inventory-workloads.js';
import { makeNote } from './edge-notes.js';
import { EdgeLearner, type Target, Workloads } from './learner.js';
import { policyNames } from './names.js';
import { CLUSTER_DNS, type CidrPrefixes, PeerTranslator } from './peers-to-k8s.js';
import { PortCatalog, decodePort } from './port-sets.js';
import { type PortNamer, RuleContext } from './rule-builder.js';
import { NamespaceSelectors, PodSelectors } from './workload-selectors.js';
import { containsLabels } from '../identity/labels.js';
import { compareText } from '../order.js';
import { printableLine } from '../printable.js';

/** What generate learns from. */
export interface GenerateInput {
  /** Edges inside the time window (all edges when there is none). */
  edges: readonly Edge[];
  /** Edges seen only outside the `--since/--until` window: left out, and said so. */
  outsideWindow?: readonly Edge[];
  /** Namespaces with the labels flows showed them carrying. */
  namespaces: readonly Namespace[];
  /** A cluster inventory (live or snapshot) and the mode line that says where it came from. */
  cluster?: { inventory: Inventory; mode: string };
}

export interface GenerateOptions {
  direction: GenerateDirection;
  /** Edges seen fewer times are left out (1 keeps all). */
  minCount: number;
  /** The window `input.edges` were selected for (echoed in the output; the store applies it). */
  since?: number;
  until?: number;
  /** Namespaces whose workloads get policies; empty = all. Peers may be anywhere. */
  namespaces: readonly string[];
  portRanges: boolean;
  alwaysDns: boolean;
  cidrPrefix: CidrPrefixes;
  /** Write ports by the container port name every destination pod declares (needs an inventory). */
  namedPorts?: boolean;
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  direction: 'both', minCount: 1, namespaces: [], portRanges: false, alwaysDns: false, cidrPrefix: { v4: 32, v6: 128 },
};

const MANAGED_BY_KEY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_LABEL = { [MANAGED_BY_KEY]: 'flowpol' } as const;
export const IDENTITY_ANNOTATION = 'flowpol.io/identity';
export const DESTINATION_NAMES_ANNOTATION = 'flowpol.io/destination-names';

const DNS_PORTS: readonly ['UDP' | 'TCP', number][] = [['UDP', 53], ['TCP', 53]];

export function generatePolicies(input: GenerateInput, options: GenerateOptions): PolicySet {
  const outside = input.outsideWindow ?? [];
  const edges = outside.length === 0 ? input.edges : [...input.edges, ...outside];
  const workloads = new Workloads();
  const sources = edges.map((e) => workloads.intern(e.source));
  const destinations = edges.map((e) => workloads.intern(e.destination));
  const identities = workloads.identities();
  const names = policyNames(identities);
  const cluster = input.cluster === undefined ? undefined : new InventoryWorkloads(input.cluster.inventory, identities);
  const pods = new PodSelectors(identities, cluster);
  const namespaceSelectors = new NamespaceSelectors(input.namespaces, input.cluster?.inventory.namespaces);
  const translator = new PeerTranslator(pods, namespaceSelectors, options.cidrPrefix, cluster);
  const learner = new EdgeLearner(workloads, translator, options.direction, options.namespaces, cluster);

  edges.forEach((edge, i) => {
    const leftOut: EdgeNoteCode | undefined =
      i >= input.edges.length ? 'left-out-window' : edge.count < options.minCount ? 'left-out-min-count' : undefined;
    learner.learn(edge, sources[i], destinations[i], leftOut);
  });

  if (options.alwaysDns && options.direction !== 'ingress') {
    addClusterDns(learner, translator, options.direction === 'both');
    learner.notes.push(...otherDnsServers(input.edges, options.namespaces));
  }

  const context = new RuleContext(new PortCatalog(options.portRanges));
  const namer: PortNamer | undefined = cluster === undefined || options.namedPorts !== true ? undefined : (peer, code) => {
    if (peer.kind !== 'workload') return undefined;
    const { protocol, port } = decodePort(code);
    return cluster.portName(peer.identity, protocol, port);
  };
  const policies = [...learner.targets.values()].map((t) => buildPolicy(t, names.get(workloads.key(t.identity)) ?? '', workloads, pods, context, options, namer));
  policies.sort((a, b) => compareText(a.policy.metadata.namespace ?? '', b.policy.metadata.namespace ?? '') || compareText(a.policy.metadata.name, b.policy.metadata.name));
  const notes = learner.notes.sort((a, b) => compareText(a.message, b.message));
  const set: PolicySet = { policies, notes, namespaces: namespaceSelectors.used() };
  if (input.cluster !== undefined && cluster !== undefined) {
    const inScope = (ns: string): boolean => options.namespaces.length === 0 || options.namespaces.includes(ns);
    const notes = [...cluster.notes.filter((n) => inScope(n.identity.namespace)), ...namesTaken(policies, input.cluster.inventory.policies)];
    set.inventory = { mode: input.cluster.mode, notes };
  }
  return set;
}

/**
 * `--always-dns`: UDP/TCP 53 to the cluster DNS in every egress policy. When the cluster DNS pods
 * get a policy with ingress rules too (`ingress`), it admits every one of those workloads on both
 * ports: else it would deny what the egress rules now allow (TCP 53, and workloads never seen
 * asking). A workload in a namespace no selector can name cannot be admitted (its traffic to DNS
 * has notes when it was observed).
 */
function addClusterDns(learner: EdgeLearner, translator: PeerTranslator, ingress: boolean): void {
  const targets = [...learner.targets.values()];
  const servers = ingress ? targets.filter((t) => isClusterDns(t.identity)) : [];
  for (const target of targets) {
    const dns = translator.clusterDns(target.identity.namespace);
    if (!dns.ok) continue;
    target.egress.add(dns.peer, DNS_PORTS);
    for (const server of servers) {
      const client = translator.translate({ kind: 'workload', identity: target.identity }, server.identity.namespace);
      if (client.ok) server.ingress.add(client.peer, DNS_PORTS);
    }
  }
}

/**
 * `--always-dns` names the cluster DNS by kube-dns's labels. When DNS traffic was observed, but
 * none of it to pods with those labels, the cluster DNS likely carries others (OpenShift's
 * openshift-dns, a renamed CoreDNS): each client's DNS edge gets a note, since the added rule
 * may match no pod. Port 53 to a node or an address is not a pod, so it does not count.
 */
function otherDnsServers(edges: readonly Edge[], namespaces: readonly string[]): EdgeNote[] {
  const dns = edges.filter((e) => e.port === 53 && (e.protocol === 'UDP' || e.protocol === 'TCP') && e.destination.kind === 'workload');
  if (dns.some((e) => e.destination.kind === 'workload' && isClusterDns(e.destination.identity))) return [];
  const inScope = (id: Identity): boolean => namespaces.length === 0 || namespaces.includes(id.namespace);
  return dns.flatMap((e) => (e.source.kind === 'workload' && inScope(e.source.identity) ? [makeNote('always-dns-other-server', e, [e.source.identity])] : []));
}

const isClusterDns = (id: Identity): boolean => id.namespace === CLUSTER_DNS.namespace && containsLabels(id.labels, CLUSTER_DNS.labels);

/**
 * Generated policies whose namespace/name a cluster policy flowpol does not manage already has:
 * `apply` would stop on its field manager's conflict, and --force-conflicts would take it over.
 */
function namesTaken(generated: readonly GeneratedPolicy[], existing: readonly NetworkPolicy[]): InventoryNote[] {
  const foreign = new Set(existing
    .filter((p) => p.metadata.labels?.[MANAGED_BY_KEY] !== MANAGED_BY_LABEL[MANAGED_BY_KEY])
    .map((p) => `${p.metadata.namespace ?? DEFAULT_NAMESPACE}/${p.metadata.name}`));
  return generated.flatMap(({ identity, policy }) => {
    const ref = `${policy.metadata.namespace}/${policy.metadata.name}`;
    return foreign.has(ref) ? [{
      code: 'name-taken' as const, identity, pods: [],
      message: `the cluster already has a NetworkPolicy ${ref} that flowpol does not manage (no ${MANAGED_BY_KEY}=flowpol label): ` +
        'apply would stop on the conflict with its field manager, and --force-conflicts would take it over; rename one of them',
    }] : [];
  });
}

function buildPolicy(
  target: Target, name: string, workloads: Workloads, pods: PodSelectors, context: RuleContext, options: GenerateOptions,
  namer: PortNamer | undefined,
): GeneratedPolicy {
  const policyTypes: PolicyType[] =
    options.direction === 'both' ? ['Ingress', 'Egress'] : options.direction === 'ingress' ? ['Ingress'] : ['Egress'];
  // Ingress ports are the target's own; egress ports the peer's (named ports resolve at the destination).
  const self = target.identity;
  const ingress = target.ingress.rules(context, namer === undefined ? undefined : (_peer, code) => namer({ kind: 'workload', identity: self }, code));
  const egress = target.egress.rules(context, namer);
  const annotations: Record<string, string> = { [IDENTITY_ANNOTATION]: workloads.key(target.identity) };
  const destinationNames: string[] = [];
  for (const rule of egress) {
    for (const { peer, names: dnsNames } of rule.peers) {
      if (peer.kind === 'cidr' && dnsNames.length > 0) destinationNames.push(`${peer.cidr} ${dnsNames.map(printableLine).join(',')}`); // one line per address
    }
  }
  if (destinationNames.length > 0) annotations[DESTINATION_NAMES_ANNOTATION] = destinationNames.join('\n');
  const spec: NetworkPolicy['spec'] = { podSelector: pods.selector(target.identity) ?? {}, policyTypes };
  if (ingress.length > 0) spec.ingress = ingress.map((r) => ({ from: r.peers.map((p) => p.selector), ports: r.ports }));
  if (egress.length > 0) spec.egress = egress.map((r) => ({ to: r.peers.map((p) => p.selector), ports: r.ports }));
  const policy: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: target.identity.namespace, labels: { ...MANAGED_BY_LABEL }, annotations },
    spec,
  };
  return { identity: target.identity, policy, ingress, egress, traffic: target.traffic.summary() };
}

