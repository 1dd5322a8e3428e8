// Proof by construction for generated policies, with the one policy engine (C's evaluate.ts):
// the world is one pod per workload identity (its labels), the namespaces with the labels flows
// showed, one external per observed address, and a default-deny (both directions) in every
// namespace next to the generated policies.
//  - self-consistency: every edge that became rules is allowed; every edge noted as left out or
//    not expressible (between two subjects) is denied, so the notes tell the truth;
//  - least privilege: combinations that were not observed (other ports, other protocols, other
//    peers, other addresses) are denied.
// With a cluster inventory the world is the inventory's: a workload is every pod whose labels,
// less the volatile ones, are the identity's (decided here, independently of generate), with
// its real labels and container ports (named ports resolve); a decision must hold for every pod
// of both ends. Inventory pods of no learned workload join the least-privilege peers.
import { identityKey } from '../../../src/identity/identity.js';
import { VOLATILE_LABEL_RULES, containsLabels, dropRuleFor } from '../../../src/identity/labels.js';
import type {
  Connection, Edge, EdgeNoteCode, Identity, Inventory, Namespace, NetworkPolicy, Peer, PolicyProtocol, PolicySet, Subject,
} from '../../../src/model.js';
import { PolicyEngine } from '../../../src/policy/evaluate.js';

const PROTOCOLS: readonly PolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];
const DENIED_NOTES: readonly EdgeNoteCode[] = [
  'left-out-min-count', 'left-out-window', 'not-expressible-unlabelled', 'not-expressible-labels', 'not-expressible-namespace',
];

export function defaultDeny(namespace: string): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: 'zz-default-deny', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

const isStable = (key: string): boolean => dropRuleFor(key, VOLATILE_LABEL_RULES) === undefined;

/** The inventory pods of a learned identity: same namespace, same labels less the volatile ones. */
function podsOfIdentity(inventory: Inventory, identity: Identity): Subject[] {
  const wanted = Object.keys(identity.labels).length;
  return inventory.pods
    .filter((p) => p.namespace === identity.namespace)
    .filter((p) => Object.keys(p.labels).filter(isStable).length === wanted && containsLabels(p.labels, identity.labels))
    .map((p) => ({ kind: 'pod', namespace: p.namespace, labels: p.labels, ports: p.ports }));
}

export class ProofWorld {
  readonly engine: PolicyEngine;
  private readonly subjects = new Map<string, Subject[]>();
  /** Inventory pods of no learned workload, by `pod:ns/name`. */
  readonly strangers = new Map<string, Subject>();

  constructor(readonly set: PolicySet, readonly edges: readonly Edge[], namespaces: readonly Namespace[], private readonly inventory?: Inventory) {
    const names = new Set(namespaces.map((n) => n.name));
    for (const e of edges) for (const p of [e.source, e.destination]) if (p.kind === 'workload') names.add(p.identity.namespace);
    for (const p of inventory?.pods ?? []) names.add(p.namespace);
    const policies = [...set.policies.map((p) => p.policy), ...[...names].sort().map(defaultDeny)];
    this.engine = new PolicyEngine(policies, inventory?.namespaces ?? namespaces);
    if (inventory === undefined) return;
    const known = new Set<Subject>();
    for (const e of edges) for (const p of [e.source, e.destination]) for (const s of this.all(p) ?? []) known.add(s);
    const knownLabels = new Set([...known].map((s) => (s.kind === 'pod' ? s.labels : undefined)));
    for (const p of inventory.pods) if (!knownLabels.has(p.labels)) this.strangers.set(`pod:${p.namespace}/${p.name}`, { kind: 'pod', namespace: p.namespace, labels: p.labels, ports: p.ports });
  }

  /** A pod or external for a peer (the first pod of a workload); undefined for peers that are neither (reserved, fqdn). */
  subject(peer: Peer): Subject | undefined {
    return this.all(peer)?.[0];
  }

  /** Every pod of a workload (one, built from its labels, without an inventory or when it has none there). */
  private all(peer: Peer): Subject[] | undefined {
    const key = peerId(peer);
    if (key === undefined) return undefined;
    let s = this.subjects.get(key);
    if (s === undefined) {
      const found = peer.kind === 'workload' && this.inventory !== undefined ? podsOfIdentity(this.inventory, peer.identity) : [];
      s = found.length > 0 ? found
        : peer.kind === 'workload' ? [{ kind: 'pod', namespace: peer.identity.namespace, labels: peer.identity.labels, ports: [] }]
          : [{ kind: 'external', ip: key }];
      this.subjects.set(key, s);
    }
    return s;
  }

  /** The decision for every pod pair of the two ends; throws when pods of one workload disagree. */
  allows(source: Peer | Subject, destination: Peer | Subject, protocol: PolicyProtocol, port: number): boolean {
    const sources = this.subjectsOf(source);
    const destinations = this.subjectsOf(destination);
    const decisions = new Set<boolean>();
    for (const s of sources) for (const d of destinations) decisions.add(this.engine.allows({ source: s, destination: d, protocol, port } satisfies Connection));
    if (decisions.size !== 1) throw new Error(`pods of one workload decided differently for ${protocol}/${port}`);
    return decisions.has(true);
  }

  private subjectsOf(end: Peer | Subject): Subject[] {
    if (end.kind === 'pod' || end.kind === 'external') return [end];
    const all = this.all(end);
    if (all === undefined) throw new Error('not a subject');
    return all;
  }
}

/** `ns/labels` for pods, the address for single-address cidr peers. */
export function peerId(peer: Peer): string | undefined {
  if (peer.kind === 'workload') return identityKey(peer.identity);
  if (peer.kind === 'cidr' && /\/(32|128)$/.test(peer.cidr)) return peer.cidr.slice(0, peer.cidr.indexOf('/'));
  return undefined;
}

const isPolicyProtocol = (p: string): p is PolicyProtocol => (PROTOCOLS as readonly string[]).includes(p);

/** Failures (empty = proven) of the self-consistency check, and how many edges it decided. */
export function selfConsistency(world: ProofWorld): { allowed: number; denied: number; failures: string[] } {
  const notesOf = new Map<Edge, EdgeNoteCode[]>();
  for (const n of world.set.notes) notesOf.set(n.edge, [...(notesOf.get(n.edge) ?? []), n.code]);
  const out = { allowed: 0, denied: 0, failures: [] as string[] };
  for (const e of world.edges) {
    if (!isPolicyProtocol(e.protocol) || world.subject(e.source) === undefined || world.subject(e.destination) === undefined) continue;
    const codes = (notesOf.get(e) ?? []).filter((c) => c !== 'allowed-despite-drops');
    const expectAllow = codes.length === 0;
    if (!expectAllow && !codes.every((c) => DENIED_NOTES.includes(c))) continue;
    const allowed = world.allows(e.source, e.destination, e.protocol, e.port);
    if (allowed !== expectAllow) out.failures.push(`${describe(e)}: expected ${expectAllow ? 'allow' : 'deny'} (notes: ${codes.join(',') || 'none'})`);
    else if (allowed) out.allowed++;
    else out.denied++;
  }
  return out;
}

/**
 * Least privilege over every pair of subjects (pods and observed addresses, plus one address
 * never observed) × every port observed anywhere × every protocol: allowed iff observed.
 * `limit` caps the number of checks (deterministic prefix). Needs default options (exact ports,
 * per-address ipBlocks, no --always-dns).
 */
export function leastPrivilege(world: ProofWorld, limit = 200_000): { checked: number; failures: string[] } {
  const allowedEdges = new Set<string>();
  const notesOf = new Set(world.set.notes.filter((n) => n.code !== 'allowed-despite-drops').map((n) => n.edge));
  const peers = new Map<string, Peer>();
  const ports = new Set<number>();
  for (const e of world.edges) {
    const s = peerId(e.source);
    const d = peerId(e.destination);
    if (s !== undefined) peers.set(s, e.source);
    if (d !== undefined) peers.set(d, e.destination);
    if (!isPolicyProtocol(e.protocol)) continue;
    ports.add(e.port);
    ports.add(e.port + 1);
    if (!notesOf.has(e) && s !== undefined && d !== undefined) allowedEdges.add(`${s} ${d} ${e.protocol} ${e.port}`);
  }
  peers.set('192.0.2.250', { kind: 'cidr', cidr: '192.0.2.250/32' });
  const subjects: [string, Peer | Subject][] = [...peers.entries(), ...world.strangers].sort(([a], [b]) => (a < b ? -1 : 1));
  const isPod = (end: Peer | Subject): boolean => end.kind === 'workload' || end.kind === 'pod';
  const out = { checked: 0, failures: [] as string[] };
  for (const [s, source] of subjects) {
    for (const [d, destination] of subjects) {
      if (!isPod(source) && !isPod(destination)) continue;
      for (const protocol of PROTOCOLS) {
        for (const port of [...ports].sort((a, b) => a - b)) {
          if (out.checked >= limit) return out;
          out.checked++;
          const expected = allowedEdges.has(`${s} ${d} ${protocol} ${port}`);
          if (world.allows(source, destination, protocol, port) !== expected) {
            out.failures.push(`${s} -> ${d} ${protocol}/${port}: expected ${expected ? 'allow' : 'deny'}`);
          }
        }
      }
    }
  }
  return out;
}

function describe(e: Edge): string {
  return `${peerId(e.source) ?? e.source.kind} -> ${peerId(e.destination) ?? e.destination.kind} ${e.protocol}/${e.port}`;
}

export type { Identity };

/** Both checks: their failures together, the edges allowed and the combinations checked. */
export function prove(world: ProofWorld): { failures: string[]; allowed: number; checked: number } {
  const self = selfConsistency(world);
  const least = leastPrivilege(world);
  return { failures: [...self.failures, ...least.failures], allowed: self.allowed, checked: least.checked };
}
