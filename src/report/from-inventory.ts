// What a cluster inventory adds to the world a report evaluates: for each workload identity its
// pods' container ports (so named ports in policies resolve) and labels (identities drop some,
// such as pod-template-hash or statefulset.kubernetes.io/pod-name, which policies may select), as
// the variants the policies tell apart (pod-variants.ts). The namespaces' labels are merged by mergeNamespaces
// (policy/workload-selectors.ts), the same merge generate uses.
// Flow identities are matched to inventory pods as generate matches them (matchPods in
// policy/inventory-match.ts: each pod is one identity's), so a report of generated policies judges
// the pods they were written for, a CronJob whose pods add a label to a Deployment's is not taken
// for the Deployment, and a label-less identity never takes a whole namespace. An identity whose
// pods all use the host network, and an address of a host-network pod (a node's), are said to be
// (the report then treats their edges as not governed, as generate does). Pure.
import { identityKey } from '../identity/identity.js';
import type { Edge, Identity, Inventory, InventoryPod } from '../model.js';
import type { InventoryPodsView } from './world-from-edges.js';
import { compareText } from '../order.js';
import { livePods, matchPods } from '../policy/inventory-match.js';
import { nodeAddresses } from '../policy/inventory-workloads.js';
import { type PodDistinctions, podVariants } from './pod-variants.js';

/**
 * The workload identities at either end of the edges (what InventoryPods matches pods to), each
 * object once: the store shares one peer object per stored peer, so a million edges give a few
 * thousand identities to key, not two million.
 */
export function edgeIdentities(edges: Iterable<Pick<Edge, 'source' | 'destination'>>): Identity[] {
  const out = new Set<Identity>();
  for (const e of edges) {
    if (e.source.kind === 'workload') out.add(e.source.identity);
    if (e.destination.kind === 'workload') out.add(e.destination.identity);
  }
  return [...out];
}

/** Inventory pods matched to the flow identities of a report. */
export class InventoryPods {
  /** identity key → its pods */
  private readonly pods = new Map<string, InventoryPod[]>();
  /** Identity keys `podsOf` was asked for and found no pod. */
  private readonly podless = new Set<string>();
  /** The pods of every identity `podsOf` was asked for. */
  private readonly asked = new Set<InventoryPod>();
  /** The addresses of host-network pods: their nodes'. */
  private readonly nodeAddresses: ReadonlySet<string>;

  /** `identities`: every workload identity of the edges the report evaluates (each pod is one of theirs, or none's). */
  constructor(inventory: Inventory, identities: Iterable<Identity>) {
    this.nodeAddresses = nodeAddresses(inventory);
    for (const [identity, pods] of matchPods(livePods(inventory.pods), [...identities])) this.pods.set(identityKey(identity), pods);
  }

  /** The pods of an identity (none when no pod is its). */
  match(identity: Identity): InventoryPod[] {
    return this.pods.get(identityKey(identity)) ?? [];
  }

  /**
   * The identity's pods as the world sees them: their variants (pods the policies decide alike,
   * by what `by` says tells them apart: see pod-variants.ts) and whether
   * every one of them uses the host network (as generate's `isHostNetwork` decides); undefined
   * when no pod of the inventory matches it (the world then keeps the flows' view).
   */
  podsOf(identity: Identity, by?: PodDistinctions): InventoryPodsView | undefined {
    const pods = this.match(identity);
    if (pods.length === 0) {
      this.podless.add(identityKey(identity));
      return undefined;
    }
    for (const pod of pods) this.asked.add(pod);
    // NetworkPolicy does not apply to host-network pods: the others are the ones to judge.
    const governed = pods.filter((p) => !p.hostNetwork);
    return { variants: podVariants(governed.length > 0 ? governed : pods, by), hostNetwork: governed.length === 0 };
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
