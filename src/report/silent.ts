// "Silent in the window": pods the cluster inventory lists that no observed edge touches (none
// of the observed identities' pods, matched as from-inventory.ts matches them), and that the
// evaluated policies isolate. Nothing was observed to break for them, but whatever they do at
// runtime (a nightly CronJob, a failover replica) is denied on the isolated sides unless a
// policy admits it. Grouped by workload owner; host-network pods are left out (NetworkPolicy does
// not apply to them), and so are finished ones (a Job's completed run will not run again). The isolating policies come from the one PolicyEngine. Pure.
import type { Edge, Inventory, InventoryPod, ObjectRef, Pod, PolicyDirection, PolicyRef, SilentWorkload, Subject } from '../model.js';
import type { PolicyEngine } from '../policy/evaluate.js';
import { edgeIdentities, InventoryPods } from './from-inventory.js';
import { livePods } from '../policy/inventory-match.js';
import { EdgeWorld } from './world-from-edges.js';
import { compareText } from '../order.js';

const DIRECTIONS: readonly PolicyDirection[] = ['ingress', 'egress'];

interface Group { namespace: string; owner: ObjectRef; pods: string[]; isolatedBy: Record<PolicyDirection, Set<PolicyRef>> }

/**
 * Inventory workloads whose pods had no observed traffic in `edges` and that the engine's
 * policies isolate in at least one direction. `namespaces`: only these (empty = all), as `-n`.
 */
export function silentWorkloads(inventory: Inventory, edges: readonly Edge[], engine: PolicyEngine, namespaces: readonly string[]): SilentWorkload[] {
  // The edges' ends looked up as a report's world looks them up: the pods it asked for are the observed ones.
  const pods = new InventoryPods(inventory, edgeIdentities(edges));
  const world = new EdgeWorld([], { podsOf: pods.podsOf.bind(pods) });
  for (const e of edges) {
    world.of(e.source);
    world.of(e.destination);
  }
  return silentAmong(inventory, pods.matchedPods(), engine, namespaces);
}

/** As silentWorkloads, given the pods with observed traffic (a report's `InventoryPods.matchedPods()`). */
export function silentAmong(inventory: Inventory, observed: ReadonlySet<InventoryPod>, engine: PolicyEngine, namespaces: readonly string[]): SilentWorkload[] {
  const only = new Set(namespaces);
  const groups = new Map<string, Group>();
  for (const pod of livePods(inventory.pods)) {
    if (pod.hostNetwork || (only.size > 0 && !only.has(pod.namespace))) continue;
    if (observed.has(pod)) continue;
    const subject: Subject = { kind: 'pod', namespace: pod.namespace, name: pod.name, labels: pod.labels, ports: pod.ports };
    const owner = ownerOf(pod);
    const key = `${pod.namespace}/${owner.kind}/${owner.name}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { namespace: pod.namespace, owner, pods: [], isolatedBy: { ingress: new Set(), egress: new Set() } }));
    group.pods.push(pod.name);
    for (const d of DIRECTIONS) for (const ref of engine.isolatedBy(subject, d)) group.isolatedBy[d].add(ref);
  }
  const out: SilentWorkload[] = [];
  for (const g of groups.values()) {
    const isolation = DIRECTIONS.filter((d) => g.isolatedBy[d].size > 0).map((direction) => ({ direction, isolatedBy: [...g.isolatedBy[direction]].sort(compareText) }));
    if (isolation.length > 0) out.push({ namespace: g.namespace, owner: g.owner, pods: g.pods.sort(compareText), isolation });
  }
  return out.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.owner.kind, b.owner.kind) || compareText(a.owner.name, b.owner.name));
}

/**
 * The pods of the silent workloads as pods of a world (namespace, name, labels, container ports:
 * what `--world-out` adds so `flowpol check` sees them), sorted by namespace and name.
 */
export function silentPods(inventory: Inventory, silent: readonly SilentWorkload[]): Pod[] {
  const listed = new Set(silent.flatMap((w) => w.pods.map((name) => `${w.namespace}/${name}`)));
  return inventory.pods
    .filter((p) => listed.has(`${p.namespace}/${p.name}`))
    .map((p): Pod => ({ namespace: p.namespace, name: p.name, labels: { ...p.labels }, ports: p.ports.map((port) => ({ ...port })) }))
    .sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
}

function ownerOf(pod: InventoryPod): ObjectRef {
  return pod.owner ?? { kind: 'Pod', name: pod.name };
}
