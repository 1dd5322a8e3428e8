// Learned edges → least-privilege NetworkPolicies, one per workload identity with observed
// traffic. Pure: no I/O, no clock; the same edges and options give the same PolicySet.
//
// Each edge is read from both ends: a workload source gets an egress rule to the destination,
// a workload destination an ingress rule from the source (when `--direction` asks for that
// side and the workload's namespace is a target). A peer NetworkPolicy cannot govern or
// express becomes an EdgeNote on the workloads concerned, never a broader rule.
import { identityKey } from '../identity/identity.js';
import type {
  Edge, EdgeNote, EdgeNoteCode, GenerateDirection, GeneratedPolicy, Identity, Namespace, NetworkPolicy,
  Peer, PolicyProtocol, PolicySet, PolicyType,
} from '../model.js';
import { makeNote } from './edge-notes.js';
import { policyNames } from './names.js';
import { type CidrPrefixes, PeerTranslator } from './peers-to-k8s.js';
import { RuleBuilder, Traffic } from './rule-builder.js';
import { NamespaceSelectors, PodSelectors } from './workload-selectors.js';

/** What generate learns from. */
export interface GenerateInput {
  /** Edges inside the time window (all edges when there is none). */
  edges: readonly Edge[];
  /** Edges seen only outside the `--since/--until` window: left out, and said so. */
  outsideWindow?: readonly Edge[];
  /** Namespaces with the labels flows showed them carrying. */
  namespaces: readonly Namespace[];
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
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  direction: 'both', minCount: 1, namespaces: [], portRanges: false, alwaysDns: false, cidrPrefix: { v4: 32, v6: 128 },
};

export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'flowpol' } as const;
export const IDENTITY_ANNOTATION = 'flowpol.io/identity';
export const DESTINATION_NAMES_ANNOTATION = 'flowpol.io/destination-names';

const DNS_PORTS: readonly ['UDP' | 'TCP', number][] = [['UDP', 53], ['TCP', 53]];
const PASSING = ['FORWARDED', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'] as const;

interface Target { identity: Identity; name: string; ingress: RuleBuilder; egress: RuleBuilder; traffic: Traffic }


function protocolNoteCode(edge: Edge): EdgeNoteCode | undefined {
  if (edge.protocol === 'ICMPv4' || edge.protocol === 'ICMPv6') return 'not-governed-icmp';
  if (!Number.isInteger(edge.port) || edge.port < 1 || edge.port > 65_535) return 'not-expressible-port';
  return undefined;
}

const onlyDropped = (edge: Edge): boolean =>
  (edge.verdicts.DROPPED ?? 0) > 0 && PASSING.every((v) => (edge.verdicts[v] ?? 0) === 0);

export function generatePolicies(input: GenerateInput, options: GenerateOptions): PolicySet {
  const outside = new Set(input.outsideWindow ?? []);
  const edges = [...input.edges, ...outside];
  const identities = new Map<string, Identity>();
  for (const edge of edges) {
    for (const end of [edge.source, edge.destination]) {
      if (end.kind === 'workload') identities.set(identityKey(end.identity), end.identity);
    }
  }
  const names = policyNames([...identities.values()]);
  const pods = new PodSelectors([...identities.values()]);
  const namespaceSelectors = new NamespaceSelectors(input.namespaces);
  const translator = new PeerTranslator(pods, namespaceSelectors, options.cidrPrefix);
  const inScope = (id: Identity): boolean => options.namespaces.length === 0 || options.namespaces.includes(id.namespace);
  const targets = new Map<string, Target>();
  const notes: EdgeNote[] = [];
  const sides = { egress: options.direction !== 'ingress', ingress: options.direction !== 'egress' };

  const targetOf = (id: Identity): Target => {
    const key = identityKey(id);
    let target = targets.get(key);
    if (target === undefined) {
      target = { identity: id, name: names.get(key) ?? '', ingress: new RuleBuilder(), egress: new RuleBuilder(), traffic: new Traffic() };
      targets.set(key, target);
    }
    return target;
  };

  for (const edge of edges) {
    const ends = [edge.source, edge.destination].flatMap((p) => (p.kind === 'workload' && inScope(p.identity) ? [p.identity] : []));
    const anyPod = edge.source.kind === 'workload' || edge.destination.kind === 'workload';
    if (ends.length === 0 && (anyPod || options.namespaces.length > 0)) continue; // outside the requested scope
    const edgeNotes = new EdgeNotes(edge);
    const leftOut: EdgeNoteCode | undefined = outside.has(edge)
      ? 'left-out-window'
      : edge.count < options.minCount ? 'left-out-min-count' : undefined;
    if (leftOut !== undefined) {
      edgeNotes.add(leftOut, ends);
    } else if (ends.length === 0) {
      edgeNotes.add('not-governed-no-pod', []);
    } else {
      const labelled = ends.filter((id) => Object.keys(id.labels).length > 0);
      if (labelled.length < ends.length) edgeNotes.add('not-expressible-unlabelled', labelled);
      for (const id of labelled) targetOf(id).traffic.add(edge);
      const code = protocolNoteCode(edge);
      if (code !== undefined) {
        edgeNotes.add(code, labelled);
      } else {
        const ruled: Identity[] = [];
        const learn = (self: Peer, other: Peer, direction: 'ingress' | 'egress'): void => {
          if (!sides[direction] || self.kind !== 'workload' || !labelled.includes(self.identity)) return;
          const t = translator.translate(other, self.identity.namespace);
          if (!t.ok) return edgeNotes.add(t.code, [self.identity]);
          const peerNames = direction === 'egress' && other.kind === 'cidr' ? edge.destinationNames : [];
          targetOf(self.identity)[direction].observe(t.peer, edge.protocol as PolicyProtocol, edge.port, edge, peerNames);
          ruled.push(self.identity);
        };
        learn(edge.source, edge.destination, 'egress');
        learn(edge.destination, edge.source, 'ingress');
        if (ruled.length > 0 && onlyDropped(edge)) edgeNotes.add('allowed-despite-drops', ruled);
      }
    }
    notes.push(...edgeNotes.notes());
  }

  if (options.alwaysDns && sides.egress) {
    for (const target of targets.values()) {
      const dns = translator.clusterDns(target.identity.namespace);
      if (dns.ok) target.egress.add(dns.peer, DNS_PORTS);
    }
  }

  const policies = [...targets.values()].map((t) => buildPolicy(t, pods, options));
  policies.sort((a, b) => compare(a.policy.metadata.namespace ?? '', b.policy.metadata.namespace ?? '') || compare(a.policy.metadata.name, b.policy.metadata.name));
  notes.sort((a, b) => compare(a.message, b.message));
  return { policies, notes, namespaces: namespaceSelectors.used() };
}

function buildPolicy(target: Target, pods: PodSelectors, options: GenerateOptions): GeneratedPolicy {
  const policyTypes: PolicyType[] =
    options.direction === 'both' ? ['Ingress', 'Egress'] : options.direction === 'ingress' ? ['Ingress'] : ['Egress'];
  const ingress = target.ingress.rules(options.portRanges);
  const egress = target.egress.rules(options.portRanges);
  const annotations: Record<string, string> = { [IDENTITY_ANNOTATION]: identityKey(target.identity) };
  const destinationNames = egress
    .flatMap((r) => r.peers)
    .filter((p) => p.peer.kind === 'cidr' && p.names.length > 0)
    .map((p) => `${p.peer.kind === 'cidr' ? p.peer.cidr : ''} ${p.names.join(',')}`);
  if (destinationNames.length > 0) annotations[DESTINATION_NAMES_ANNOTATION] = destinationNames.join('\n');
  const spec: NetworkPolicy['spec'] = { podSelector: pods.selector(target.identity) ?? {}, policyTypes };
  if (ingress.length > 0) spec.ingress = ingress.map((r) => ({ from: r.peers.map((p) => p.selector), ports: r.ports }));
  if (egress.length > 0) spec.egress = egress.map((r) => ({ to: r.peers.map((p) => p.selector), ports: r.ports }));
  const policy: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: target.name, namespace: target.identity.namespace, labels: { ...MANAGED_BY_LABEL }, annotations },
    spec,
  };
  return { identity: target.identity, policy, ingress, egress, traffic: target.traffic.summary() };
}

/** The notes of one edge: one per code, naming every workload concerned once. */
class EdgeNotes {
  private readonly byCode = new Map<EdgeNoteCode, Map<string, Identity>>();
  constructor(private readonly edge: Edge) {}

  add(code: EdgeNoteCode, workloads: readonly Identity[]): void {
    let ids = this.byCode.get(code);
    if (ids === undefined) this.byCode.set(code, (ids = new Map()));
    for (const id of workloads) ids.set(identityKey(id), id);
  }

  notes(): EdgeNote[] {
    return [...this.byCode].map(([code, ids]) =>
      makeNote(code, this.edge, [...ids.entries()].sort(([a], [b]) => compare(a, b)).map(([, id]) => id)),
    );
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
