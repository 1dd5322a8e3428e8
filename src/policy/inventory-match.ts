// Which learned workload identity each inventory pod is: generate (owner selectors, named ports)
// and report (the pods a world gives an identity, the silent workloads) must decide alike, or a
// report of the generated policies would judge other pods than the ones they were written for.
import { identityKey } from '../identity/identity.js';
import { containsLabels, stableLabels } from '../identity/labels.js';
import type { Identity, InventoryPod } from '../model.js';

/**
 * Each pod's identity: the one whose labels are exactly the pod's stable labels; else the one
 * most specific identity (with at least one label) whose labels the pod carries, when it is
 * unique and no pod is exactly it (identities collected with fewer labels than the pods have:
 * Cilium label filters, `collect --drop-labels`), or when a pod of the same owner is exactly it
 * (one owner is one workload); else none. So a pod carrying app=web,tier=fe is
 * app=web,tier=fe's, not app=web's; a CronJob's pod adding a label to an observed Deployment's is
 * not the Deployment's; and a label-less identity never takes a namespace's pods.
 */
export function matchPods(pods: readonly InventoryPod[], identities: readonly Identity[]): Map<Identity, InventoryPod[]> {
  const byKey = new Map<string, Identity>();
  const byNamespace = new Map<string, Identity[]>();
  for (const identity of identities) {
    const key = identityKey(identity);
    if (byKey.has(key)) continue;
    byKey.set(key, identity);
    const list = byNamespace.get(identity.namespace);
    if (list === undefined) byNamespace.set(identity.namespace, [identity]);
    else list.push(identity);
  }
  const out = new Map<Identity, InventoryPod[]>();
  const add = (identity: Identity, pod: InventoryPod): void => {
    const list = out.get(identity);
    if (list === undefined) out.set(identity, [pod]);
    else list.push(pod);
  };
  const inexact: InventoryPod[] = [];
  for (const pod of pods) {
    const exact = byKey.get(identityKey({ namespace: pod.namespace, labels: stableLabels(pod.labels) }));
    if (exact === undefined) inexact.push(pod);
    else add(exact, pod);
  }
  const withExact = new Set(out.keys());
  // The workload an owner's pods are: one owner is one workload, so its other pods (a rollout's new
  // ReplicaSet that adds a label, one the flows' identity dropped) are that identity's too.
  const ownerIdentity = new Map<string, Identity>();
  for (const [identity, exact] of out) for (const pod of exact) if (pod.owner !== undefined) ownerIdentity.set(ownerKey(pod), identity);
  for (const pod of inexact) {
    const owned = pod.owner === undefined ? undefined : ownerIdentity.get(ownerKey(pod));
    if (owned !== undefined && containsLabels(pod.labels, owned.labels)) {
      add(owned, pod);
      continue;
    }
    const identity = mostSpecific(pod, byNamespace.get(pod.namespace) ?? []);
    if (identity !== undefined && !withExact.has(identity)) add(identity, pod);
  }
  return out;
}

const ownerKey = (pod: InventoryPod): string => `${pod.namespace}/${pod.owner?.kind ?? ''}/${pod.owner?.name ?? ''}`;

/**
 * The pods that can still send or receive traffic: not finished (phase Succeeded or Failed, such
 * as a Job's completed run). A finished pod is no workload's, silent or not, and no owner selector
 * is too broad for selecting it.
 */
export function livePods(pods: readonly InventoryPod[]): InventoryPod[] {
  return pods.filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
}

function mostSpecific(pod: InventoryPod, candidates: readonly Identity[]): Identity | undefined {
  let best: Identity[] = [];
  let size = 0;
  for (const identity of candidates) {
    const n = Object.keys(identity.labels).length;
    if (n === 0 || n < size || !containsLabels(pod.labels, identity.labels)) continue;
    if (n > size) [best, size] = [[], n];
    best.push(identity);
  }
  return best.length === 1 ? best[0] : undefined;
}
