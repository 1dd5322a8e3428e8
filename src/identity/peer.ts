// What is at the other end of a connection: a workload, a reserved Cilium entity, an external
// address (cidr) or an external name (fqdn). Classified by labels, never by identity number.
import type { Endpoint, Peer, ReservedEntity } from '../model.js';
import { RESERVED_ENTITIES } from '../model.js';
import { type IdentityOptions, identityKey, workloadIdentity } from './identity.js';
import { cidrLabelKey, parseLabel } from './labels.js';

/**
 * When an endpoint carries several reserved labels, the first of this list wins. Decisions:
 * * `kube-apiserver` beats `host`/`remote-node`/`world`: identity 7 is kube-apiserver+remote-node,
 *   identity 1 may be host+kube-apiserver (API server on this node), and a managed API server
 *   outside the cluster is kube-apiserver+world. It is the entity a policy would name.
 * * `host` beats `remote-node` (TKE labels identity 1 host+remote-node: it is the local node).
 * * world labels come last: anything more specific wins.
 */
const RESERVED_PRIORITY: readonly ReservedEntity[] = [
  'kube-apiserver', 'host', 'remote-node', 'ingress', 'health', 'init', 'unmanaged',
  'world-ipv4', 'world-ipv6', 'world', 'unknown',
];
const WORLD: ReadonlySet<string> = new Set(['world', 'world-ipv4', 'world-ipv6']);
const KNOWN: ReadonlySet<string> = new Set(RESERVED_ENTITIES);

/**
 * The peer an endpoint stands for (`names`: the DNS names Hubble reported for its address,
 * i.e. `destination_names` for the destination):
 * 1. a known namespace → workload (even if labelled `reserved:world`/`unmanaged`: Hubble knew the
 *    pod from the ipcache but not its identity; it is still a pod in that namespace) — unless the
 *    identity is a node's (`reserved:host`, `remote-node`, `kube-apiserver`): a host-network pod
 *    shares its node's identity, and no podSelector selects it;
 * 2. `reserved:` labels other than world → that entity (priority above);
 * 3. world, `cidr:` or `fqdn:` labels: the longest `cidr:` label prefix (IPv6 `-` → `:`), else
 *    the address as /32 or /128, else the first DNS name (fqdn), else reserved world;
 * 4. nothing known → reserved `unknown`.
 */
export function peerOf(ep: Endpoint, opts: IdentityOptions, names: readonly string[] = []): Peer {
  const workload = nodeIdentity(ep) ? undefined : workloadIdentity(ep, opts);
  if (workload !== undefined) return { kind: 'workload', identity: workload.identity };
  let entity: ReservedEntity | undefined;
  let world: ReservedEntity | undefined;
  let cidr: string | undefined;
  let cidrBits = -1;
  let fqdn: string | undefined;
  for (const raw of ep.labels) {
    const { source, key } = parseLabel(raw);
    if (source === 'reserved' && KNOWN.has(key)) {
      const e = key as ReservedEntity;
      if (WORLD.has(e)) world = world === undefined || RESERVED_PRIORITY.indexOf(e) < RESERVED_PRIORITY.indexOf(world) ? e : world;
      else if (entity === undefined || RESERVED_PRIORITY.indexOf(e) < RESERVED_PRIORITY.indexOf(entity)) entity = e;
    } else if (source === 'cidr') {
      const c = cidrLabelKey(key);
      if (c !== undefined && c.bits > cidrBits) [cidr, cidrBits] = [`${canonicalIp(c.address)}/${c.bits}`, c.bits];
    } else if (source === 'fqdn') {
      fqdn ??= key;
    }
  }
  if (entity !== undefined) return { kind: 'reserved', entity };
  const external = world !== undefined || cidr !== undefined || fqdn !== undefined;
  if (!external) return { kind: 'reserved', entity: 'unknown' };
  if (cidr !== undefined) return { kind: 'cidr', cidr };
  if (ep.ip !== undefined) return { kind: 'cidr', cidr: `${canonicalIp(ep.ip)}/${ep.ip.includes(':') ? 128 : 32}` };
  const name = names[0] ?? fqdn;
  if (name !== undefined) return { kind: 'fqdn', name: normaliseName(name) };
  return { kind: 'reserved', entity: world ?? 'world' };
}

const NODE_ENTITIES: readonly string[] = ['reserved:host', 'reserved:remote-node', 'reserved:kube-apiserver'];

/** A node's identity (a host-network pod carries it too): a node label and no `k8s:` pod label. */
function nodeIdentity(ep: Endpoint): boolean {
  let node = false;
  for (const raw of ep.labels) {
    if (raw.startsWith('k8s:')) return false;
    if (NODE_ENTITIES.includes(raw)) node = true;
  }
  return node;
}

/** Stable, sortable, unique text for a peer: `workload:ns/app=web`, `reserved:world`, `cidr:1.2.3.4/32`, `fqdn:github.com`. */
export function peerKey(p: Peer): string {
  switch (p.kind) {
    case 'workload': return `workload:${identityKey(p.identity)}`;
    case 'reserved': return `reserved:${p.entity}`;
    case 'cidr': return `cidr:${p.cidr}`;
    case 'fqdn': return `fqdn:${p.name}`;
  }
}

/**
 * IPv6 addresses in their canonical compressed form (`0::1` → `::1`, as the WHATWG URL parser
 * writes them), so a `cidr:` label and a flow's IP of the same host give the same peer.
 * IPv4 and unparsable text are returned unchanged.
 */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

/** DNS names compare lower-case without the trailing dot. */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
