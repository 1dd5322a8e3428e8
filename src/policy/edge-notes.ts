// What flowpol says about traffic it does not turn into a rule (or turns into one that deserves a
// look). One table: every code with the sentence a reviewer reads in the output. NetworkPolicy
// (networking.k8s.io/v1) selects pods and ipBlocks only, and names TCP, UDP and SCTP ports only;
// everything else here is listed, never dropped silently and never widened into a broad rule.
import { identityKey } from '../identity/identity.js';
import type { Edge, EdgeNote, EdgeNoteCode, EdgeProtocol, Identity, Peer, ReservedEntity } from '../model.js';

export const EDGE_NOTE_TEXT: Readonly<Record<EdgeNoteCode, string>> = {
  'left-out-min-count': 'left out: seen fewer times than --min-count',
  'left-out-window': 'left out: not seen inside the --since/--until window',
  'not-governed-host':
    "not governed: the pod's own node; traffic from it (kubelet probes) is always allowed, traffic to it (host-network pods such as node-local DNS) has no NetworkPolicy selector and a default-deny egress may block it",
  'not-governed-remote-node':
    'not governed: the host network of another node (host-network pods, node processes); NetworkPolicy implementations differ here and flowpol does not know your node addresses — if a default-deny blocks it, allow the nodes yourself (Cilium: the remote-node entity in a CiliumNetworkPolicy, or an ipBlock of the node CIDR with policy-cidr-match-mode=nodes)',
  'not-governed-kube-apiserver':
    'not governed: the kube-apiserver is reached on the host network or outside the cluster; allow it with an ipBlock of `kubectl get endpoints kubernetes` if a default-deny blocks it',
  'not-governed-health': "not governed: Cilium's own health checks",
  'not-governed-ingress': "not governed: Cilium's ingress/gateway proxy identity, not a pod a NetworkPolicy can select",
  'not-governed-unmanaged': 'not governed: an endpoint Cilium does not manage',
  'not-governed-reserved': 'not governed: a reserved Cilium identity (init/unknown) with no pod or address behind it',
  'not-governed-icmp': 'not governed: NetworkPolicy ports can name TCP, UDP and SCTP only, not ICMP',
  'not-governed-no-pod': 'not governed: neither end is a pod, so no NetworkPolicy applies',
  'not-governed-host-network':
    "not governed: a host-network pod (the inventory says so, or the address is a node's); it uses its node's network, NetworkPolicy does not apply to it and no podSelector selects it — if a default-deny blocks it, allow its nodes yourself (Cilium: the host/remote-node entities in a CiliumNetworkPolicy, or an ipBlock of the node addresses with policy-cidr-match-mode=nodes)",
  'not-expressible-world-without-ip':
    'not expressible: an address outside the cluster that Hubble did not record; no ipBlock can be written for it',
  'not-expressible-fqdn':
    'not expressible: a destination known only by DNS name; NetworkPolicy has no DNS-name peers (ipBlock needs an address)',
  'not-expressible-unlabelled':
    'not expressible: the workload has no stable labels, and selecting it would mean every pod of its namespace',
  'not-expressible-labels':
    'not expressible: the workload carries a label Kubernetes does not accept in a label selector, so no NetworkPolicy can select it by its labels',
  'not-expressible-namespace-name':
    'not expressible: the namespace name is not one Kubernetes accepts (a lowercase DNS label), so no NetworkPolicy can live in it or select it',
  'not-expressible-namespace':
    'not expressible: the namespace carries no kubernetes.io/metadata.name label and no label set that selects only it; label it (kubectl label namespace NS kubernetes.io/metadata.name=NS) and generate again',
  'not-expressible-port': 'not expressible: the port is outside 1-65535',
  'allowed-despite-drops':
    'allowed, but Hubble only ever saw it DROPPED: an existing policy denies it today; check it is wanted',
  'always-dns-other-server':
    'DNS went to this server, and no observed DNS went to pods labelled k8s-app=kube-dns in kube-system, which --always-dns allows: if this server is the cluster DNS, the added rule matches no pod (this edge has a rule of its own)',
};

/**
 * Hubble only ever saw this edge DROPPED: it does not work today (generate's
 * `allowed-despite-drops`, the report's `dropped` status). An edge's verdicts are the decisions
 * FORWARDED, DROPPED, AUDIT and REDIRECTED (identity/edge.ts); any other than DROPPED means
 * the connection got through at least once.
 */
export function droppedToday(edge: Edge): boolean {
  let dropped = false;
  for (const [verdict, count] of Object.entries(edge.verdicts)) {
    if (count === undefined || count <= 0) continue;
    if (verdict !== 'DROPPED') return false;
    dropped = true;
  }
  return dropped;
}

/** The note code for a reserved peer (a Cilium entity with no pod or address behind it). */
export function reservedNoteCode(entity: ReservedEntity): EdgeNoteCode {
  switch (entity) {
    case 'host':
      return 'not-governed-host';
    case 'remote-node':
      return 'not-governed-remote-node';
    case 'kube-apiserver':
      return 'not-governed-kube-apiserver';
    case 'health':
      return 'not-governed-health';
    case 'ingress':
      return 'not-governed-ingress';
    case 'unmanaged':
      return 'not-governed-unmanaged';
    case 'world':
    case 'world-ipv4':
    case 'world-ipv6':
      return 'not-expressible-world-without-ip';
    case 'init':
    case 'unknown':
      return 'not-governed-reserved';
  }
}

/** Human name of a peer for notes and comments: `ns/app=web`, `203.0.113.10/32`, `reserved:host`. */
export function describePeer(peer: Peer): string {
  switch (peer.kind) {
    case 'workload':
      return Object.keys(peer.identity.labels).length === 0 ? `${peer.identity.namespace}/(no labels)` : identityKey(peer.identity);
    case 'reserved':
      return `reserved:${peer.entity}`;
    case 'cidr':
      return peer.cidr;
    case 'fqdn':
      return `fqdn:${peer.name}`;
  }
}

export function describePort(protocol: EdgeProtocol, port: number): string {
  return protocol === 'ICMPv4' || protocol === 'ICMPv6' ? `${protocol} type ${port}` : `${protocol}/${port}`;
}

/** One-line description of an edge: `prod/app=web -> 203.0.113.10/32 TCP/443 (12 flows)`. */
function describeEdge(edge: Edge): string {
  const flows = `${edge.count} flow${edge.count === 1 ? '' : 's'}`;
  return `${describePeer(edge.source)} -> ${describePeer(edge.destination)} ${describePort(edge.protocol, edge.port)} (${flows})`;
}

/** `details` (which label, why) follow the code's sentence, in parentheses. */
export function makeNote(code: EdgeNoteCode, edge: Edge, workloads: Identity[], details: readonly string[] = []): EdgeNote {
  const more = details.length === 0 ? '' : ` (${details.join('; ')})`;
  return { code, edge, workloads, message: `${describeEdge(edge)}: ${EDGE_NOTE_TEXT[code]}${more}` };
}
