// What a cluster inventory adds to the world a report evaluates: for each workload identity its
// pods' container ports (so named ports in policies resolve) and the labels all its pods carry
// (identities drop some, such as pod-template-hash or statefulset.kubernetes.io/pod-name, which
// policies may select). The namespaces' labels are merged by mergeNamespaces
// (policy/workload-selectors.ts), the same merge generate uses.
// Flow identities are matched to inventory pods by namespace + labels: an identity's pods are
// those whose stable labels (minus the volatile ones identities drop by default) are exactly the
// identity's; when no pod is (labels filtered by Cilium or `collect --drop-labels`), every pod
// carrying all of the identity's labels. So a CronJob whose pods add a label to a Deployment's is
// not taken for the Deployment. An identity whose pods all use the host network, and an address
// of a host-network pod (a node's), are said to be (the report then treats their edges as not
// governed, as generate does). Pure.
import { identityKey } from '../identity/identity.js';
import { containsLabels, stableLabels } from '../identity/labels.js';
import type { ContainerPort, Identity, Inventory, InventoryPod } from '../model.js';
import type { InventoryPodsView } from './world-from-edges.js';
import { compareText } from '../order.js';
import { nodeAddresses } from '../policy/inventory-workloads.js';

/** Whether a pod carries every label of an identity, in its namespace. */
export function podMatches(pod: InventoryPod, identity: Identity): boolean {
  return pod.namespace === identity.namespace && containsLabels(pod.labels, identity.labels);
}

/** Inventory pods by namespace, to match flow identities against. */
export class InventoryPods {
  private readonly byNamespace = new Map<string, { pod: InventoryPod; stable: number }[]>();
  /** Identity keys `podsOf` was asked for and found no pod. */
  private readonly podless = new Set<string>();
  /** The pods of every identity `podsOf` was asked for. */
  private readonly asked = new Set<InventoryPod>();
  /** The addresses of host-network pods: their nodes'. */
  private readonly nodeAddresses: ReadonlySet<string>;

  constructor(inventory: Inventory) {
    this.nodeAddresses = nodeAddresses(inventory);
    for (const pod of inventory.pods) {
      let list = this.byNamespace.get(pod.namespace);
      if (list === undefined) this.byNamespace.set(pod.namespace, (list = []));
      list.push({ pod, stable: Object.keys(stableLabels(pod.labels)).length }); // how many labels its identity keeps
    }
  }

  /**
   * The pods of an identity: those carrying exactly its labels (bar volatile ones) when there are
   * any, else every pod carrying its labels in its namespace.
   */
  match(identity: Identity): InventoryPod[] {
    const carrying = (this.byNamespace.get(identity.namespace) ?? []).filter((p) => podMatches(p.pod, identity));
    // A pod carrying all of the identity's labels has exactly them when it has no other stable one.
    const size = Object.keys(identity.labels).length;
    const exact = carrying.filter((p) => p.stable === size);
    return (exact.length > 0 ? exact : carrying).map((p) => p.pod);
  }

  /**
   * The identity's pods as the world sees them: the container ports they declare (their union,
   * sorted by protocol, port, name), the labels every one of them carries (with the same value)
   * and whether every one of them uses the host network (as generate's `isHostNetwork` decides);
   * undefined when no pod of the inventory matches it (the world then keeps the flows' view).
   */
  podsOf(identity: Identity): InventoryPodsView | undefined {
    const pods = this.match(identity);
    const [first] = pods;
    if (first === undefined) {
      this.podless.add(identityKey(identity));
      return undefined;
    }
    for (const pod of pods) this.asked.add(pod);
    const seen = new Map<string, ContainerPort>();
    for (const pod of pods) for (const p of pod.ports) seen.set(`${p.protocol}/${p.port}/${p.name ?? ''}`, p);
    const ports = [...seen.values()].sort((a, b) => compareText(a.protocol, b.protocol) || a.port - b.port || compareText(a.name ?? '', b.name ?? ''));
    const labels: Record<string, string> = {};
    for (const key of Object.keys(first.labels).sort(compareText)) {
      const value = first.labels[key] as string;
      if (pods.every((p) => p.labels[key] === value)) labels[key] = value;
    }
    return { ports, labels, hostNetwork: pods.every((p) => p.hostNetwork) };
  }

  /** The address (no prefix) belongs to a host-network pod, i.e. to a node (as generate's `isNodeAddress`). */
  isNodeAddress(address: string): boolean {
    return this.nodeAddresses.has(address);
  }

  /**
   * The pods of the identities `podsOf` was asked for: once a report's world has seen every edge
   * end, the pods with observed traffic (what silentAmong needs, without reading the edges again).
   */
  matchedPods(): ReadonlySet<InventoryPod> {
    return this.asked;
  }

  /** The identities `podsOf` found no pod for (gone, relabelled, or another cluster's), as sorted keys. */
  unmatched(): string[] {
    return [...this.podless].sort(compareText);
  }
}
