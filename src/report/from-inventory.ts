// What a cluster inventory adds to the world a report evaluates: the namespaces' labels as the
// cluster knows them, and each workload identity's container ports (so named ports in policies
// resolve). Flow identities are matched to inventory pods by namespace + labels: a pod belongs
// to an identity when it carries every label of the identity (pods also carry labels identities
// drop, such as pod-template-hash). Pure.
import type { ContainerPort, Identity, Inventory, InventoryPod, Namespace } from '../model.js';
import { compare } from './world-from-edges.js';

/** The namespaces flows showed, with the cluster's labels where it knows the namespace (it is the authority), sorted. */
export function mergeNamespaces(fromFlows: readonly Namespace[], inventory: Inventory): Namespace[] {
  const byName = new Map(fromFlows.map((n) => [n.name, n]));
  for (const n of inventory.namespaces) byName.set(n.name, { name: n.name, labels: { ...n.labels } });
  return [...byName.values()].sort((a, b) => compare(a.name, b.name));
}

/** Whether a pod carries every label of an identity, in its namespace. */
export function podMatches(pod: InventoryPod, identity: Identity): boolean {
  if (pod.namespace !== identity.namespace) return false;
  for (const k in identity.labels) if (pod.labels[k] !== identity.labels[k]) return false;
  return true;
}

/** Inventory pods by namespace, to match flow identities against. */
export class InventoryPods {
  private readonly byNamespace = new Map<string, InventoryPod[]>();

  constructor(inventory: Inventory) {
    for (const pod of inventory.pods) {
      let list = this.byNamespace.get(pod.namespace);
      if (list === undefined) this.byNamespace.set(pod.namespace, (list = []));
      list.push(pod);
    }
  }

  /** The pods of an identity (every pod carrying its labels in its namespace). */
  match(identity: Identity): InventoryPod[] {
    return (this.byNamespace.get(identity.namespace) ?? []).filter((p) => podMatches(p, identity));
  }

  /**
   * The container ports the identity's pods declare (their union, sorted by protocol, port, name),
   * or undefined when no pod of the inventory matches it (the world then has no ports for it).
   */
  portsOf(identity: Identity): ContainerPort[] | undefined {
    const pods = this.match(identity);
    if (pods.length === 0) return undefined;
    const seen = new Map<string, ContainerPort>();
    for (const pod of pods) for (const p of pod.ports) seen.set(`${p.protocol}/${p.port}/${p.name ?? ''}`, p);
    return [...seen.values()].sort((a, b) => compare(a.protocol, b.protocol) || a.port - b.port || compare(a.name ?? '', b.name ?? ''));
  }
}
