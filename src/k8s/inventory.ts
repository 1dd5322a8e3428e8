// Builds an Inventory from a Cluster: reads everything (in parallel), then resolves each pod's
// controller chain to its workload owner (Pod→ReplicaSet→Deployment, Pod→Job→CronJob,
// StatefulSet, DaemonSet) and takes that owner's selector. Assembly is pure and sorted.
import type {
  ContainerPort, Inventory, InventoryPod, InventorySource, InventoryWorkload, LabelSelector, Namespace,
  NetworkPolicy, ObjectRef,
} from '../model.js';
import type { Cluster, ClusterPod, ClusterWorkload } from './cluster.js';
import { sortedRecord } from '../order.js';

/** What a cluster listing gives, before assembly. */
export interface ClusterListing {
  source: InventorySource;
  namespaces: Namespace[];
  pods: ClusterPod[];
  owners: ClusterWorkload[];
  policies: NetworkPolicy[];
}

/** Read a live cluster into an Inventory. */
export async function readInventory(cluster: Cluster): Promise<Inventory> {
  let lists;
  try {
    lists = await Promise.all([cluster.listNamespaces(), cluster.listPods(), cluster.listOwners(), cluster.listNetworkPolicies()]);
  } catch (err) {
    cluster.close(); // the first failure is the answer; do not wait for the other lists
    throw err;
  }
  const [namespaces, pods, owners, policies] = lists;
  return assembleInventory({ source: cluster.source, namespaces, pods, owners, policies });
}

/**
 * Labels the Job controller stamps on each run's pods; they change every run, so a policy
 * selecting on them would match one run only.
 */
const GENERATED_JOB_LABELS: readonly string[] = [
  'controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/job-completion-index', 'batch.kubernetes.io/job-index', 'job-completion-index',
];


function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/** The selector a policy should use for the workload, and where it came from. */
export function workloadSelector(w: ClusterWorkload): Pick<InventoryWorkload, 'selector' | 'selectorSource'> {
  const isJob = w.kind === 'Job' || w.kind === 'CronJob';
  if (w.selector !== undefined && (!isJob || w.manualSelector === true)) {
    return { selector: sortSelector(w.selector), selectorSource: 'spec.selector' };
  }
  const labels = Object.fromEntries(Object.entries(w.templateLabels).filter(([k]) => !GENERATED_JOB_LABELS.includes(k)));
  return { selector: { matchLabels: sortedRecord(labels) }, selectorSource: 'template-labels' };
}

function sortSelector(s: LabelSelector): LabelSelector {
  const out: LabelSelector = {};
  if (s.matchLabels !== undefined) out.matchLabels = sortedRecord(s.matchLabels);
  if (s.matchExpressions !== undefined) out.matchExpressions = s.matchExpressions;
  return out;
}

function sortPorts(ports: ContainerPort[]): ContainerPort[] {
  const seen = new Map<string, ContainerPort>();
  for (const p of ports) seen.set(`${p.port}/${p.protocol}/${p.name ?? ''}`, p);
  return [...seen.values()].sort((a, b) => a.port - b.port || byKey<ContainerPort>((p) => `${p.protocol}/${p.name ?? ''}`)(a, b));
}

const ownerKey = (namespace: string, ref: ObjectRef): string => `${namespace}/${ref.kind}/${ref.name}`;

/** Assemble a sorted, deterministic Inventory from raw listings. */
export function assembleInventory(listing: ClusterListing): Inventory {
  const owners = new Map<string, ClusterWorkload>();
  for (const w of listing.owners) owners.set(ownerKey(w.namespace, w), w);

  const pods: InventoryPod[] = listing.pods.map((p) => {
    const pod: InventoryPod = {
      namespace: p.namespace, name: p.name, labels: sortedRecord(p.labels),
      ips: [...p.ips], ports: sortPorts(p.ports), hostNetwork: p.hostNetwork,
    };
    if (p.ips[0] !== undefined) pod.ip = p.ips[0];
    if (p.controller !== undefined) {
      const chain = resolveChain(p.namespace, p.controller, owners);
      const top = chain[chain.length - 1] ?? p.controller;
      pod.ownerChain = chain;
      pod.owner = { kind: top.kind, name: top.name };
    }
    if (p.nodeName !== undefined) pod.nodeName = p.nodeName;
    if (p.phase !== undefined) pod.phase = p.phase;
    return pod;
  });

  // Top-level workloads: those no listed workload controls.
  const workloads: InventoryWorkload[] = listing.owners
    .filter((w) => w.controller === undefined || !owners.has(ownerKey(w.namespace, w.controller)))
    .map((w) => ({ namespace: w.namespace, kind: w.kind, name: w.name, ...workloadSelector(w) }));

  return {
    source: listing.source,
    namespaces: listing.namespaces.map((n) => ({ name: n.name, labels: sortedRecord(n.labels) })).sort(byKey((n) => n.name)),
    pods: pods.sort(byKey((p) => `${p.namespace}/${p.name}`)),
    workloads: workloads.sort(byKey((w) => `${w.namespace}/${w.kind}/${w.name}`)),
    externals: [],
    policies: [...listing.policies].sort(byKey((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`)),
  };
}

/** Follow controller references through listed workloads; stops at an unlisted kind or a cycle. */
function resolveChain(namespace: string, first: ObjectRef, owners: Map<string, ClusterWorkload>): ObjectRef[] {
  const chain: ObjectRef[] = [{ kind: first.kind, name: first.name }];
  const seen = new Set<string>([ownerKey(namespace, first)]);
  let next = owners.get(ownerKey(namespace, first))?.controller;
  while (next !== undefined && !seen.has(ownerKey(namespace, next))) {
    seen.add(ownerKey(namespace, next));
    chain.push({ kind: next.kind, name: next.name });
    next = owners.get(ownerKey(namespace, next))?.controller;
  }
  return chain;
}
