// What a cluster inventory adds to generate. Learned identities are matched to inventory pods by
// namespace and labels, as the report matches them (inventory-match.ts). An identity whose pods all have one workload owner is
// selected by that owner's selector — in its own policy and wherever it is a peer — provided the
// selector selects exactly its pods among the inventory's and no other learned identity, and is
// fit to last (not empty, no label that changes per rollout or run); else the flows-derived
// selector stays and a note says why. Host-network pods (and their node addresses)
// are recognised: NetworkPolicy does not apply to them. With `--named-ports`, a port every pod of
// a destination declares under one name is written by that name.
import { identityKey } from '../identity/identity.js';
import { VOLATILE_LABEL_RULES, dropRuleFor, stableLabels } from '../identity/labels.js';
import type {
  Identity, Inventory, InventoryNote, InventoryNoteCode, InventoryPod, InventoryWorkload, LabelSelector, PolicyProtocol,
} from '../model.js';
import { livePods, matchPods } from './inventory-match.js';
import { compileSelector } from './selectors.js';
import { compareText } from '../order.js';

const podRef = (p: InventoryPod): string => `${p.namespace}/${p.name}`;
const ownerRef = (p: InventoryPod): string => (p.owner === undefined ? '' : `${p.owner.kind} ${p.owner.name}`);

const isVolatile = (key: string): boolean => dropRuleFor(key, VOLATILE_LABEL_RULES) !== undefined;

/** Why an owner's selector must not be written into a policy, if it must not. */
function unsuitable(s: LabelSelector): string | undefined {
  const keys = [...Object.keys(s.matchLabels ?? {}), ...(s.matchExpressions ?? []).map((e) => e.key)];
  if (keys.length === 0) return 'selects every pod of the namespace';
  const volatile = [...new Set(keys.filter(isVolatile))].sort();
  if (volatile.length > 0) return `names ${volatile.join(', ')}, which changes with every rollout or run`;
  return undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function selectorText(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) parts.push(`${e.key} ${e.operator}${e.values === undefined ? '' : ` (${e.values.join(',')})`}`);
  return parts.length === 0 ? '{} (every pod)' : parts.join(', ');
}

/** The addresses of the inventory's host-network pods: their nodes' (generate and report treat them as not governed). */
export function nodeAddresses(inventory: Inventory): ReadonlySet<string> {
  const out = new Set<string>();
  for (const pod of inventory.pods) if (pod.hostNetwork) for (const ip of pod.ips) out.add(ip);
  return out;
}

export class InventoryWorkloads {
  readonly notes: InventoryNote[] = [];
  private readonly podsOf = new Map<Identity, InventoryPod[]>();
  private readonly selectors = new Map<Identity, LabelSelector>();
  private readonly host = new Set<Identity>();
  private readonly nodeAddresses: ReadonlySet<string>;
  private readonly byKey = new Map<string, Identity>();
  private readonly portNames = new Map<Identity, Map<string, string>>();
  /** namespace → its learned identities / its inventory pods */
  private readonly identitiesIn = new Map<string, Identity[]>();
  private readonly podsIn = new Map<string, InventoryPod[]>();
  /** `namespace/kind/name` → workload */
  private readonly workloads = new Map<string, InventoryWorkload>();
  /** The namespaces the inventory lists. */
  private readonly namespaces = new Set<string>();

  constructor(inventory: Inventory, identities: readonly Identity[]) {
    for (const identity of identities) {
      this.byKey.set(identityKey(identity), identity);
      push(this.identitiesIn, identity.namespace, identity);
    }
    for (const w of inventory.workloads) this.workloads.set(`${w.namespace}/${w.kind}/${w.name}`, w);
    // Only an inventory that lists namespaces can tell one is missing (a hand-written one may list none).
    for (const ns of inventory.namespaces) this.namespaces.add(ns.name);
    this.nodeAddresses = nodeAddresses(inventory);
    const live = livePods(inventory.pods);
    for (const [identity, pods] of matchPods(live, identities)) this.podsOf.set(identity, pods);
    const matched = new Set([...this.podsOf.values()].flat());
    const unmatchedHost = new Map<string, InventoryPod[]>();
    for (const pod of live) {
      push(this.podsIn, pod.namespace, pod);
      if (!matched.has(pod) && pod.hostNetwork) push(unmatchedHost, identityKey({ namespace: pod.namespace, labels: stableLabels(pod.labels) }), pod);
    }
    for (const identity of identities) this.decide(identity);
    for (const pods of unmatchedHost.values()) {
      const first = pods[0] as InventoryPod;
      this.note('host-network', { namespace: first.namespace, labels: stableLabels(first.labels) }, pods,
        'host-network pods no flow showed as a workload: NetworkPolicy does not apply to them');
    }
    this.notes.sort((a, b) => compareText(identityKey(a.identity), identityKey(b.identity)) || compareText(a.code, b.code));
  }

  /** The owner's selector to use for `identity`, when the inventory gives a safe one. */
  ownerSelector(identity: Identity): LabelSelector | undefined {
    return this.selectors.get(identity);
  }

  /** The labels of the inventory pods matched to `identity` (none when it has no pods). */
  podLabels(identity: Identity): readonly Readonly<Record<string, string>>[] {
    return (this.podsOf.get(identity) ?? []).map((pod) => pod.labels);
  }

  /** The identity's pods are on the host network: no policy for it, no podSelector peer. */
  isHostNetwork(identity: Identity): boolean {
    return this.host.has(identity);
  }

  /** The address (no prefix) belongs to a host-network pod, i.e. to a node. */
  isNodeAddress(address: string): boolean {
    return this.nodeAddresses.has(address);
  }

  /** The name every pod of `identity` declares for protocol/port, if they all agree. */
  portName(identity: Identity, protocol: PolicyProtocol, port: number): string | undefined {
    let names = this.portNames.get(identity);
    if (names === undefined) this.portNames.set(identity, (names = this.agreedNames(identity)));
    return names.get(`${protocol}/${port}`);
  }

  /** `protocol/port` → the name all the identity's pods declare for it (none without pods). */
  private agreedNames(identity: Identity): Map<string, string> {
    const pods = this.podsOf.get(identity) ?? this.podsOf.get(this.byKey.get(identityKey(identity)) ?? identity) ?? [];
    const named = (pod: InventoryPod): Map<string, string> =>
      new Map(pod.ports.flatMap((c) => (c.name === undefined ? [] : [[`${c.protocol}/${c.port}`, c.name] as const])));
    const agreed = pods[0] === undefined ? new Map<string, string>() : named(pods[0]);
    for (const pod of pods.slice(1)) {
      const own = named(pod);
      for (const [key, name] of agreed) if (own.get(key) !== name) agreed.delete(key);
    }
    return agreed;
  }

  private decide(identity: Identity): void {
    if (Object.keys(identity.labels).length === 0) return; // not selectable either way
    const pods = this.podsOf.get(identity) ?? [];
    if (pods.length === 0) {
      const gone = this.namespaces.size > 0 && !this.namespaces.has(identity.namespace)
        ? `; the cluster has no namespace ${identity.namespace}, so its policy cannot be applied there (flowpol apply refuses the whole set)` : '';
      return this.note('no-pod', identity, pods, `no inventory pod is this workload's (gone, relabelled, or not in the snapshot); selected by its observed labels${gone}`);
    }
    if (pods.every((p) => p.hostNetwork)) {
      this.host.add(identity);
      return this.note('host-network', identity, pods, 'its pods use the host network: NetworkPolicy does not apply to them, so no policy is generated for it and peers cannot select it');
    }
    const owners = [...new Set(pods.map(ownerRef))].sort();
    if (owners.length > 1) {
      const list = owners.map((o) => (o === '' ? 'no owner' : o)).join(', ');
      return this.note('several-owners', identity, pods, `its pods have several owners (${list}); selected by its observed labels`);
    }
    const owner = pods[0]?.owner;
    const workload = owner === undefined ? undefined : this.workloads.get(`${identity.namespace}/${owner.kind}/${owner.name}`);
    if (workload === undefined) {
      const why = owner === undefined ? 'its pods have no workload owner' : `its owner ${owner.kind} ${owner.name} is not a workload the inventory lists`;
      return this.note('no-owner', identity, pods, `${why}; selected by its observed labels`);
    }
    const what = `${workload.kind} ${workload.name}'s selector (${selectorText(workload.selector)}, from ${workload.selectorSource})`;
    const unfit = unsuitable(workload.selector);
    if (unfit !== undefined) return this.note('owner-selector-unsuitable', identity, pods, `${what} ${unfit}; kept the selector from its observed labels`);
    const compiled = compileSelector(workload.selector);
    const mine = new Set(pods);
    const namespacePods = this.podsIn.get(identity.namespace) ?? [];
    const extra = namespacePods.filter((p) => !mine.has(p) && compiled.matches(p.labels)).map(podRef);
    const missed = pods.filter((p) => !compiled.matches(p.labels)).map(podRef);
    const others = (this.identitiesIn.get(identity.namespace) ?? []).filter((o) => o !== identity && !this.podsOf.has(o) && compiled.matches(o.labels)).map(identityKey);
    if (extra.length > 0 || missed.length > 0 || others.length > 0) {
      const why = [
        extra.length > 0 ? `also selects pods ${extra.sort().join(', ')}` : '',
        others.length > 0 ? `also selects workloads ${others.sort().join(', ')}` : '',
        missed.length > 0 ? `does not select pods ${missed.sort().join(', ')}` : '',
      ].filter((s) => s !== '').join('; ');
      return this.note('owner-selector-too-broad', identity, pods, `${what} ${why}; kept the narrower selector from its observed labels`);
    }
    this.selectors.set(identity, workload.selector);
    this.note('owner-selector', identity, pods, `selected by ${what} instead of all its labels`);
  }

  private note(code: InventoryNoteCode, identity: Identity, pods: readonly InventoryPod[], text: string): void {
    const refs = pods.map(podRef).sort();
    const shown = refs.length > 3 ? `${refs.slice(0, 3).join(', ')} and ${refs.length - 3} more` : refs.join(', ');
    const where = refs.length === 0 ? '' : ` [pods: ${shown}]`;
    this.notes.push({ code, identity, pods: refs, message: `${identityKey(identity)}: ${text}${where}` });
  }
}

