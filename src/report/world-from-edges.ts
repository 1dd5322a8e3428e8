// The world a report evaluates, built from what the flows carried: one pod per workload identity
// (its identity labels, in its namespace; flows carry no container ports), one external per
// address outside the cluster, and the namespaces with the labels flows showed. Peers that are
// neither (reserved Cilium entities, externals known only by name; by a cluster inventory,
// workloads whose pods all use the host network and those pods' addresses) get the reason they
// have no subject, in the words of EDGE_NOTE_TEXT: NetworkPolicy does not isolate a host-network
// pod and no podSelector selects it as a peer (its traffic is its node's), as generate treats it.
import { identityKey } from '../identity/identity.js';
import { peerKey } from '../identity/peer.js';
import type { ContainerPort, EdgeNoteCode, External, Identity, Namespace, Peer, Pod, Subject, WorldGap } from '../model.js';
import { reservedNoteCode } from '../policy/edge-notes.js';
import { formatIp, parseCidr } from '../policy/ip.js';
import { baseName } from '../policy/names.js';
import { compareText } from '../order.js';

/** A peer's place in the world: a subject to evaluate (with what the world lacks), or why there is none. */
export type PeerSubject =
  /** `owner`: a pod subject's namespace and identity key (`ns/app=web`), to group its edges under. */
  | { kind: 'subject'; subject: Subject; owner?: Owner; gap?: WorldGap }
  /** `owner`: a host-network workload's (its edges are listed under it when no other end is a pod subject). */
  | { kind: 'none'; code: EdgeNoteCode; owner?: Owner };

/** The workload an edge is listed under: its namespace and identity key. */
export interface Owner { namespace: string; workload: string }

/**
 * What a cluster inventory says about a workload identity's pods: their container ports, the
 * labels every one of them carries (the identity's and more, such as pod-template-hash), and
 * whether every one of them uses the host network (`hostNetwork: true`).
 */
export interface InventoryPodsView { ports: readonly ContainerPort[]; labels: Readonly<Record<string, string>>; hostNetwork: boolean }
/** The inventory's view of an identity's pods, or undefined when no pod of the inventory matches it. */
export type PodsOf = (identity: Identity) => InventoryPodsView | undefined;
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
   * `namespaces`: the namespaces whose labels are known; `podsOf`: pods' ports and labels from a
   * cluster inventory; `isNodeAddress`: its host-network pods' addresses (an external there is a node).
   */
  constructor(namespaces: readonly Namespace[], private readonly podsOf?: PodsOf, private readonly isNodeAddress?: IsNodeAddress) {
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
      const known = this.podsOf?.(identity);
      const owner: Owner = { namespace: identity.namespace, workload };
      if (known?.hostNetwork === true) pod = { kind: 'none', code: 'not-governed-host-network', owner };
      else {
        const subject: Subject = { kind: 'pod', namespace: identity.namespace, labels: known?.labels ?? identity.labels, ports: known?.ports ?? [] };
        if (known !== undefined) this.withPorts.add(subject);
        pod = { kind: 'subject', subject, owner };
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
        if (host && this.isNodeAddress?.(address) === true) return { kind: 'none', code: 'not-governed-host-network' };
        this.externals.set(address, { name: address, ip: address });
        const subject: Subject = { kind: 'external', ip: address, name: address };
        return host ? { kind: 'subject', subject } : { kind: 'subject', subject, gap: { kind: 'address-is-prefix', cidr: peer.cidr, evaluatedAt: address } };
      }
    }
  }

  /** The namespaces whose labels are known (those the engine must not report as unknown). */
  namespaces(): Namespace[] {
    return [...this.knownNamespaces.values()].sort((a, b) => compareText(a.name, b.name));
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
   * One pod per identity asked for, named after its workload (`web`, `web-2` … in identity-key
   * order where names collide in a namespace), sorted by namespace and name; and the name of
   * each identity key's pod. Host-network workloads are no pod subject, so none of these: a world
   * file (`--world-out`) has no `hostNetwork`, and as pods they would read as governed ones.
   */
  pods(): { pods: Pod[]; nameOf: Map<string, string> } {
    const nameOf = new Map<string, string>();
    const taken = new Set<string>();
    const identities = this.identities();
    const keys = [...identities.keys()].sort(compareText);
    for (const key of keys) {
      const id = identities.get(key) as Identity;
      const base = baseName(id);
      let name = base;
      for (let n = 2; taken.has(`${id.namespace}/${name}`); n++) name = `${base}-${n}`;
      taken.add(`${id.namespace}/${name}`);
      nameOf.set(key, name);
    }
    const pods = keys.map((key): Pod => {
      const id = identities.get(key) as Identity;
      const found = this.workloadSubjects.get(key);
      const subject = found?.kind === 'subject' && found.subject.kind === 'pod' ? found.subject : undefined;
      return { namespace: id.namespace, name: nameOf.get(key) as string, labels: { ...(subject?.labels ?? id.labels) }, ports: [...(subject?.ports ?? [])] };
    });
    pods.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
    return { pods, nameOf };
  }

  /** The identity of every workload asked for, by identity key. */
  private identities(): Map<string, Identity> {
    const out = new Map<string, Identity>();
    for (const [key, found] of this.workloadSubjects) {
      if (found.kind === 'subject' && found.subject.kind === 'pod') out.set(key, { namespace: found.subject.namespace, labels: found.subject.labels });
    }
    return out;
  }

  /** Every external asked for, sorted by name (its address). */
  externalList(): External[] {
    return [...this.externals.values()].sort((a, b) => compareText(a.name, b.name));
  }
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
