// A workload identity's pods as policies can tell them apart. Flows name a workload by its
// identity labels, which leave out labels its pods differ in (a dropped `tier`, the
// pod-template-hash of an old and a new ReplicaSet, a StatefulSet's pod-name): with a cluster
// inventory, a policy whose podSelector reads such a label selects some of the workload's pods and
// not others, and a named port may resolve on some pods only. Pods that agree on every label key
// the policies' podSelectors name, and on their container ports when a policy names a port, are
// decided alike by every policy: one variant each, so a StatefulSet of 50 pods is one variant
// unless a policy names its pod-name label. An edge whose ends' pods differ is judged by its worst
// pairing of them (worstPairing). Pure.
import type { ContainerPort, InventoryPod, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Subject, WorldGap } from '../model.js';
import { compareText } from '../order.js';

/** Pods of one workload that every evaluated policy decides alike. */
export interface PodVariant {
  /** The labels all the workload's pods carry, plus these pods' own values of the keys policies select on. */
  labels: Readonly<Record<string, string>>;
  /** Their container ports, sorted by protocol, port, name. */
  ports: readonly ContainerPort[];
  /** Their names, sorted. */
  pods: readonly string[];
}

/** What can tell pods apart for a set of policies. */
export interface PodDistinctions {
  /** Every label key a podSelector names (a policy's own and its peers'). */
  labelKeys: ReadonlySet<string>;
  /** Some rule names a port (`port: metrics`): container ports then matter. */
  namedPorts: boolean;
}

export function podDistinctions(policies: readonly NetworkPolicy[]): PodDistinctions {
  const labelKeys = new Set<string>();
  let namedPorts = false;
  const add = (s: LabelSelector | undefined): void => {
    for (const key of Object.keys(s?.matchLabels ?? {})) labelKeys.add(key);
    for (const e of s?.matchExpressions ?? []) labelKeys.add(e.key);
  };
  const rule = (r: { ports?: readonly NetworkPolicyPort[] }, peers: readonly NetworkPolicyPeer[] | undefined): void => {
    for (const peer of peers ?? []) add(peer.podSelector);
    if (r.ports?.some((p) => typeof p.port === 'string') === true) namedPorts = true;
  };
  for (const p of policies) {
    add(p.spec.podSelector);
    for (const r of p.spec.ingress ?? []) rule(r, r.from);
    for (const r of p.spec.egress ?? []) rule(r, r.to);
  }
  return { labelKeys, namedPorts };
}

/**
 * The variants of one workload's pods, sorted by their labels and ports. `by`: what the policies
 * tell pods apart by (podDistinctions); undefined: every label and the ports. A variant's ports
 * are its pods' (their union, where ports tell no pods apart).
 */
export function podVariants(pods: readonly InventoryPod[], by?: PodDistinctions): PodVariant[] {
  const shared = sharedLabels(pods);
  const byKey = new Map<string, { labels: Record<string, string>; ports: ContainerPort[]; pods: InventoryPod[] }>();
  for (const pod of pods) {
    const labels: Record<string, string> = {};
    for (const key of Object.keys(pod.labels).sort(compareText)) {
      if (shared.has(key) || by === undefined || by.labelKeys.has(key)) labels[key] = pod.labels[key] as string;
    }
    const ports = by === undefined || by.namedPorts ? sortedPorts(pod.ports) : [];
    const key = JSON.stringify([labels, ports]);
    const variant = byKey.get(key);
    if (variant === undefined) byKey.set(key, { labels, ports, pods: [pod] });
    else variant.pods.push(pod);
  }
  return [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => ({
    labels: v.labels, ports: sortedPorts(v.pods.flatMap((p) => p.ports)), pods: v.pods.map((p) => p.name).sort(compareText),
  }));
}

/** The label keys every pod carries with the same value. */
function sharedLabels(pods: readonly InventoryPod[]): Set<string> {
  const [first] = pods;
  const keys = new Set<string>();
  if (first === undefined) return keys;
  for (const key of Object.keys(first.labels)) {
    const value = first.labels[key];
    if (pods.every((p) => p.labels[key] === value)) keys.add(key);
  }
  return keys;
}

function sortedPorts(ports: readonly ContainerPort[]): ContainerPort[] {
  const seen = new Map<string, ContainerPort>();
  for (const p of ports) seen.set(`${p.protocol}/${p.port}/${p.name ?? ''}`, p);
  return [...seen.values()].sort((a, b) => compareText(a.protocol, b.protocol) || a.port - b.port || compareText(a.name ?? '', b.name ?? ''));
}

/** An edge end as the report's world has it: its pod subject, and its pods' variants when they differ. */
export interface PairingEnd { subject: Subject; variants?: readonly { subject: Subject; pods: readonly string[] }[] }

/**
 * The pods to judge an edge by when an end's pods differ: every pairing of the two ends' variants
 * is asked (`allows`), but a one-pod group with itself (isOnePod); the edge is as good as its
 * worst, the first denied pairing, and a `pods-differ` gap names its pods when others are allowed.
 */
export function worstPairing(s: PairingEnd, d: PairingEnd, allows: (source: Subject, destination: Subject) => boolean): { source: Subject; destination: Subject; gap?: WorldGap } {
  const sources = s.variants ?? [{ subject: s.subject, pods: [] }];
  const destinations = d.variants ?? [{ subject: d.subject, pods: [] }];
  type Pairing = [(typeof sources)[number], (typeof destinations)[number]];
  let denied: Pairing | undefined;
  let first: Pairing | undefined;
  let allowed = 0;
  let pairs = 0;
  for (const a of sources) {
    for (const b of destinations) {
      if (isOnePod(a, b)) continue;
      pairs++;
      first ??= [a, b];
      if (allows(a.subject, b.subject)) allowed++;
      else denied ??= [a, b];
    }
  }
  if (denied === undefined) return first === undefined ? { source: s.subject, destination: d.subject } : { source: first[0].subject, destination: first[1].subject };
  const [a, b] = denied;
  if (allowed === 0) return { source: a.subject, destination: b.subject };
  const gap: WorldGap = {
    kind: 'pods-differ', ...(s.variants === undefined ? {} : { source: [...a.pods] }), ...(d.variants === undefined ? {} : { destination: [...b.pods] }),
    allowed, pairs,
  };
  return { source: a.subject, destination: b.subject, gap };
}

/**
 * A pairing of a one-pod group with itself (an edge within one workload): that pod's traffic to
 * itself, which no policy governs and whose loopback flows collect folded away, so not judged.
 */
export function isOnePod(a: { subject: Subject; pods: readonly string[] }, b: { subject: Subject; pods: readonly string[] }): boolean {
  return a.subject === b.subject && a.pods.length === 1;
}
