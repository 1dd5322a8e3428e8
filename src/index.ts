// Public library API: re-exports only.
export type * from './model.js';
export * from './errors.js';
export { readInventory, assembleInventory } from './k8s/inventory.js';
export { readInventoryFile, parseInventory, renderInventory } from './k8s/inventory-file.js';
export { resolveClusterAccess, describeAccess } from './k8s/access.js';
export type { ClusterAccess, ClusterAccessOptions } from './k8s/access.js';
export { openKubeCluster } from './k8s/kube-cluster.js';
export { loadInventory } from './k8s/open.js';
export type { Cluster, ClusterPod, ClusterWorkload, ApplyOptions } from './k8s/cluster.js';
export { planApply, executeApply } from './k8s/apply.js';
