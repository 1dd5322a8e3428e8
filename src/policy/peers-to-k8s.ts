// Observed peers → NetworkPolicy peers. Same-namespace workloads become a podSelector alone;
// workloads of another namespace a namespaceSelector AND podSelector in one peer; addresses
// outside the cluster an ipBlock (per address by default, or aggregated to `--cidr-prefix`).
// With an inventory, host-network workloads and node addresses get a note instead of a rule.
// Everything else gets a note code instead of a rule (see edge-notes.ts).
import { identityKey } from '../identity/identity.js';
import type { EdgeNoteCode, Identity, LabelSelector, NetworkPolicyPeer, Peer } from '../model.js';
import { reservedNoteCode } from './edge-notes.js';
import { formatCidr, parseCidr } from './ip.js';
import type { NamespaceSelectors, PodSelectors, Unselectable } from './workload-selectors.js';

/** `--cidr-prefix` / `--cidr-prefix-v6`: 32 and 128 keep one ipBlock per observed address. */
export interface CidrPrefixes { v4: number; v6: number }

/** A peer ready for a rule: `key` merges equal peers, `sortKey` orders them for output. */
export interface K8sPeer { key: string; sortKey: string; peer: Peer; selector: NetworkPolicyPeer }

export type PeerTranslation = { ok: true; peer: K8sPeer } | { ok: false; code: EdgeNoteCode };

/** What a cluster inventory says about peers NetworkPolicy does not apply to. */
export interface HostNetwork {
  isHostNetwork(identity: Identity): boolean;
  /** An address (no prefix) of a host-network pod, i.e. of a node. */
  isNodeAddress(address: string): boolean;
}

/** The cluster DNS pods `--always-dns` allows: kube-system, `k8s-app: kube-dns`. */
export const CLUSTER_DNS: Identity = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

/**
 * Translations are cached: per workload Identity object (pass the same object for the same
 * identity — generate interns them) and per cidr text. Returned peers are shared between
 * policies; treat them as immutable.
 */
export class PeerTranslator {
  private readonly workloads = new WeakMap<Identity, { same?: PeerTranslation; other?: PeerTranslation }>();
  private readonly cidrs = new Map<string, PeerTranslation>();

  constructor(
    private readonly pods: PodSelectors,
    private readonly namespaces: NamespaceSelectors,
    private readonly prefixes: CidrPrefixes,
    private readonly hostNetwork?: HostNetwork,
  ) {}

  /** How a policy in `policyNamespace` selects `peer`, or why it cannot. */
  translate(peer: Peer, policyNamespace: string): PeerTranslation {
    switch (peer.kind) {
      case 'workload': {
        let cached = this.workloads.get(peer.identity);
        if (cached === undefined) this.workloads.set(peer.identity, (cached = {}));
        if (peer.identity.namespace === policyNamespace) return (cached.same ??= this.workload(peer.identity, policyNamespace, true));
        return (cached.other ??= this.workload(peer.identity, policyNamespace, true));
      }
      case 'cidr': {
        let cached = this.cidrs.get(peer.cidr);
        if (cached === undefined) this.cidrs.set(peer.cidr, (cached = this.cidr(peer.cidr)));
        return cached;
      }
      case 'fqdn':
        return { ok: false, code: 'not-expressible-fqdn' };
      case 'reserved':
        return { ok: false, code: reservedNoteCode(peer.entity) };
    }
  }

  /** Why no selector can name a workload (no labels, or one Kubernetes refuses); undefined when one can. */
  unselectable(identity: Identity): Unselectable | undefined {
    return this.pods.unselectable(identity);
  }

  /** The `--always-dns` peer: every kube-dns pod (plain matchLabels, never narrowed). */
  clusterDns(policyNamespace: string): PeerTranslation {
    return this.workload(CLUSTER_DNS, policyNamespace, false);
  }

  private workload(identity: Identity, policyNamespace: string, exact: boolean): PeerTranslation {
    if (this.hostNetwork?.isHostNetwork(identity) === true) return { ok: false, code: 'not-governed-host-network' };
    const podSelector: LabelSelector | undefined = this.pods.selector(identity, exact);
    if (podSelector === undefined) return { ok: false, code: this.pods.unselectable(identity)?.code ?? 'not-expressible-unlabelled' };
    const key = identityKey(identity);
    const peer: Peer = { kind: 'workload', identity };
    if (identity.namespace === policyNamespace) {
      return { ok: true, peer: { key, sortKey: `0 ${key}`, peer, selector: { podSelector } } };
    }
    const ns = this.namespaces.selection(identity.namespace);
    if (ns.selector === undefined) return { ok: false, code: 'not-expressible-namespace' };
    return { ok: true, peer: { key, sortKey: `1 ${key}`, peer, selector: { namespaceSelector: ns.selector, podSelector } } };
  }

  private cidr(text: string): PeerTranslation {
    const observed = parseCidr(text);
    if (!observed.ok) return { ok: false, code: 'not-expressible-world-without-ip' };
    const single = observed.value.prefix === (observed.value.family === 4 ? 32 : 128);
    if (single && this.hostNetwork?.isNodeAddress(text.slice(0, text.indexOf('/'))) === true) return { ok: false, code: 'not-governed-host-network' };
    const limit = observed.value.family === 4 ? this.prefixes.v4 : this.prefixes.v6;
    const prefix = Math.min(observed.value.prefix, limit);
    // parseCidr clears the host bits beyond the (shorter) prefix: that is the aggregation.
    const aggregated = parseCidr(`${text.slice(0, text.indexOf('/'))}/${prefix}`);
    if (!aggregated.ok) return { ok: false, code: 'not-expressible-world-without-ip' };
    const cidr = aggregated.value;
    const formatted = formatCidr(cidr);
    const sortKey = `2 ${cidr.family} ${cidr.network.toString(16).padStart(32, '0')} ${String(prefix).padStart(3, '0')}`;
    const peer: Peer = { kind: 'cidr', cidr: formatted };
    return { ok: true, peer: { key: `cidr:${formatted}`, sortKey, peer, selector: { ipBlock: { cidr: formatted } } } };
  }
}
