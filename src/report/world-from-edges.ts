// The world a report evaluates, built from what the flows carried: one pod per workload identity
// (its identity labels, in its namespace; flows carry no container ports), one external per
// address outside the cluster, and the namespaces with the labels flows showed. Peers that are
// neither (reserved Cilium entities, externals known only by name; by a cluster inventory,
// workloads whose pods all use the host network and those pods' addresses) get the reason they
// have no subject, in the words of EDGE_NOTE_TEXT: NetworkPolicy does not isolate a host-network
// pod and no podSelector selects it as a peer (its traffic is its node's), as generate treats it.
import { identityKey } from '../identity/identity.js';
import { peerKey } from '../identity/peer.js';
import type { EdgeNoteCode, External, Identity, Namespace, Peer, Pod, Subject, WorldGap } from '../model.js';
import { reservedNoteCode } from '../policy/edge-notes.js';
import { formatIp, parseCidr } from '../policy/ip.js';
import { baseName } from '../policy/names.js';
import { compareText } from '../order.js';
import type { PodDistinctions, PodVariant } from './pod-variants.js';

/** What a cluster inventory tells the world (see EdgeWorld's constructor). */
export interface WorldInventory {
  podsOf?: PodsOf;
  isNodeAddress?: IsNodeAddress;
  /** What the evaluated policies tell pods apart by, for podsOf (podDistinctions). */
  distinctions?: PodDistinctions;
}

/** A peer's place in the world: a subject to evaluate (with what the world lacks), or why there is none. */
export type PeerSubject =
  /**
   * `owner`: a pod subject's namespace and identity key (`ns/app=web`), to group its edges under.
   * `variants`: by a cluster inventory, the workload's pods the policies tell apart (pod-variants.ts),
   * when there are several; `subject` is the first's.
   */
  | { kind: 'subject'; subject: Subject; owner?: Owner; gap?: WorldGap; variants?: readonly PodGroup[] }
  /** `owner`: a host-network workload's (its edges are listed under it when no other end is a pod subject). */
  | { kind: 'none'; code: EdgeNoteCode; owner?: Owner };

/** The workload an edge is listed under: its namespace and identity key. */
export interface Owner { namespace: string; workload: string }

/** Some of a workload's pods (by name), as one pod subject of the world. */
export interface PodGroup { subject: Subject; pods: readonly string[] }

/**
 * What a cluster inventory says about a workload identity's pods: the variants policies tell
 * apart (labels, container ports: pod-variants.ts), and whether every one of them uses the host
 * network (`hostNetwork: true`).
 */
export interface InventoryPodsView { variants: readonly PodVariant[]; hostNetwork: boolean }
/**
 * The inventory's view of an identity's pods, or undefined when no pod of the inventory matches
 * it. `by`: what the evaluated policies tell pods apart by (podDistinctions).
 */
export type PodsOf = (identity: Identity, by?: PodDistinctions) => InventoryPodsView | undefined;
/** Whether an address (no prefix) is a host-network pod's, i.e. a node's, by a cluster inventory. */
export type IsNodeAddress = (address: string) => boolean;

/** The world built from edges, filled in as peers are asked for. Reuses one Subject per peer. */
export class EdgeWorld {
  private readonly byKey = new Map<string, PeerSubject>();
  private readonly byPeer = new Map<Peer, PeerSubject>();
  /** By identity key: one subject per workload, however its peer was written. */
  private readonly workloadSubjects = new Map<string, PeerSubject>();
  /** By Identity object: the store shares one per peer, so most lookups end here (bounded, for callers that do not share). */
  private readonly byIdentity = new Map<Identity, PeerSubject>();
  private recent: [Recent | undefined, Recent | undefined] = [undefined, undefined];
  private readonly externals = new Map<string, External>();
  private readonly knownNamespaces: ReadonlyMap<string, Namespace>;
  /** Pod subjects whose container ports (and labels) the inventory declared. */
  private readonly withPorts = new Set<Subject>();

  /**
   * `namespaces`: the namespaces whose labels are known; `inventory.podsOf`: pods' ports and labels
   * from a cluster inventory; `isNodeAddress`: its host-network pods' addresses (an external there is a node).
   */
  constructor(namespaces: readonly Namespace[], private readonly inventory: WorldInventory = {}) {
    this.knownNamespaces = new Map(namespaces.map((n) => [n.name, n]));
  }

  /** Whether a pod subject's container ports are known (named ports resolve against them). */
  portsKnown(subject: Subject): boolean {
    return this.withPorts.has(subject);
  }

  /** The subject for a peer, or why NetworkPolicy has none for it. */
  of(peer: Peer): PeerSubject {
    if (peer.kind === 'workload') return this.workload(peer.identity);
    let found = this.byPeer.get(peer);
    if (found !== undefined) return found;
    const key = peerKey(peer);
    found = this.byKey.get(key);
    if (found === undefined) {
      found = this.classify(peer);
      this.byKey.set(key, found);
    }
    if (this.byPeer.size < MEMO_LIMIT) this.byPeer.set(peer, found);
    return found;
  }

  /** One pod subject per workload identity, however its labels were ordered. */
  private workload(identity: Identity): PeerSubject {
    const shared = this.byIdentity.get(identity);
    if (shared !== undefined) return shared;
    const found = this.workloadByLabels(identity);
    if (this.byIdentity.size < MEMO_LIMIT) this.byIdentity.set(identity, found);
    return found;
  }

  private workloadByLabels(identity: Identity): PeerSubject {
    // Edges come sorted by source: most source lookups repeat the previous edge's source, so the
    // two identities used last (most recent first) are compared before the identity key is built.
    const [first, second] = this.recent;
    if (first !== undefined && sameIdentity(first.identity, identity)) return first.found;
    if (second !== undefined && sameIdentity(second.identity, identity)) {
      this.recent = [second, first];
      return second.found;
    }
    const workload = identityKey(identity);
    let pod = this.workloadSubjects.get(workload);
    if (pod === undefined) {
      const known = this.inventory.podsOf?.(identity, this.inventory.distinctions);
      const owner: Owner = { namespace: identity.namespace, workload };
      if (known?.hostNetwork === true) pod = { kind: 'none', code: 'not-governed-host-network', owner };
      else if (known === undefined) pod = { kind: 'subject', subject: { kind: 'pod', namespace: identity.namespace, labels: identity.labels, ports: [] }, owner };
      else {
        const groups = known.variants.map((v): PodGroup => ({ subject: { kind: 'pod', namespace: identity.namespace, labels: v.labels, ports: v.ports }, pods: v.pods }));
        for (const g of groups) this.withPorts.add(g.subject);
        const subject = (groups[0] as PodGroup).subject;
        pod = groups.length > 1 ? { kind: 'subject', subject, owner, variants: groups } : { kind: 'subject', subject, owner };
      }
      this.workloadSubjects.set(workload, pod);
    }
    this.recent = [{ identity, found: pod }, first];
    return pod;
  }

  private classify(peer: Peer): PeerSubject {
    switch (peer.kind) {
      case 'workload':
        return this.workload(peer.identity);
      case 'reserved':
        return { kind: 'none', code: reservedNoteCode(peer.entity) };
      case 'fqdn':
        return { kind: 'none', code: 'not-expressible-fqdn' };
      case 'cidr': {
        const parsed = parseCidr(peer.cidr);
        if (!parsed.ok) return { kind: 'none', code: 'not-expressible-world-without-ip' };
        const ip = formatIp({ family: parsed.value.family, value: parsed.value.network });
        const host = parsed.value.prefix === (parsed.value.family === 4 ? 32 : 128);
        const address = host ? peer.cidr.slice(0, peer.cidr.indexOf('/')) : ip;
        if (host && this.inventory.isNodeAddress?.(address) === true) return { kind: 'none', code: 'not-governed-host-network' };
        this.externals.set(address, { name: address, ip: address });
        const subject: Subject = { kind: 'external', ip: address, name: address };
        return host ? { kind: 'subject', subject } : { kind: 'subject', subject, gap: { kind: 'address-is-prefix', cidr: peer.cidr, evaluatedAt: address } };
      }
    }
  }

  /** The namespaces whose labels are known (those the engine must not report as unknown). */
  namespaces(): Namespace[] {
    return sortedNamespaces(this.knownNamespaces.values());
  }

  /** How many workloads asked for so far have pods the policies tell apart (several variants). */
  splitWorkloads(): number {
    let n = 0;
    for (const found of this.workloadSubjects.values()) if (found.kind === 'subject' && found.variants !== undefined) n++;
    return n;
  }

  /**
   * Whether the world knows a namespace: its labels are known (flows, a cluster inventory), or a
   * workload asked for so far lives there (once every edge was assessed: any edge end's).
   */
  hasNamespace(name: string): boolean {
    if (this.knownNamespaces.has(name)) return true;
    for (const found of this.workloadSubjects.values()) if (found.owner?.namespace === name) return true;
    return false;
  }

  /** A namespace whose labels flows showed, by name. */
  knownNamespace(name: string): Namespace | undefined {
    return this.knownNamespaces.get(name);
  }

  /**
   * One pod per identity asked for (per variant, when a cluster inventory showed its pods differ
   * in what the policies select on), named after its workload (`web`, `web-2` … in identity-key
   * order where names collide in a namespace), sorted by namespace and name; and the name of each
   * pod subject's pod. Host-network workloads are no pod subject, so none of these: a world file
   * (`--world-out`) has no `hostNetwork`, and as pods they would read as governed ones.
   */
  pods(): { pods: Pod[]; nameOf: Map<Subject, string> } {
    const nameOf = new Map<Subject, string>();
    const taken = new Set<string>();
    const pods: Pod[] = [];
    for (const key of [...this.workloadSubjects.keys()].sort(compareText)) {
      const found = this.workloadSubjects.get(key) as PeerSubject;
      if (found.kind !== 'subject' || found.subject.kind !== 'pod') continue;
      const base = baseName({ namespace: found.subject.namespace, labels: found.subject.labels });
      for (const { subject } of found.variants ?? [{ subject: found.subject }]) {
        if (subject.kind !== 'pod') continue;
        let name = base;
        for (let n = 2; taken.has(`${subject.namespace}/${name}`); n++) name = `${base}-${n}`;
        taken.add(`${subject.namespace}/${name}`);
        nameOf.set(subject, name);
        pods.push({ namespace: subject.namespace, name, labels: { ...subject.labels }, ports: [...subject.ports] });
      }
    }
    pods.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
    return { pods, nameOf };
  }

  /** Every external asked for, sorted by name (its address). */
  externalList(): External[] {
    return [...this.externals.values()].sort((a, b) => compareText(a.name, b.name));
  }
}

/** Namespaces by name, one per name (the last given wins, as EdgeWorld keeps them). */
export function sortedNamespaces(namespaces: Iterable<Namespace>): Namespace[] {
  return [...new Map([...namespaces].map((n) => [n.name, n])).values()].sort((a, b) => compareText(a.name, b.name));
}

/** Entries kept in the by-object memos: the store shares peers (thousands); others may not. */
const MEMO_LIMIT = 1 << 16;


interface Recent { identity: Identity; found: PeerSubject }

function sameIdentity(a: Identity, b: Identity): boolean {
  if (a === b) return true;
  if (a.namespace !== b.namespace) return false;
  let n = 0;
  for (const k in a.labels) {
    if (a.labels[k] !== b.labels[k]) return false;
    n++;
  }
  for (const _ in b.labels) n--;
  return n === 0;
}
