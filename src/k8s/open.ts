// One call for every command that can use a cluster: resolve the mode, then read the inventory
// from a live cluster or a snapshot (or nothing, offline). The mode line says which was used.
import type { Inventory } from '../model.js';
import { describeAccess } from './access.js';
import type { ClusterAccess, LiveAccess } from './access.js';
import type { Cluster } from './cluster.js';
import { readInventory } from './inventory.js';
import { readInventoryFile } from './inventory-file.js';

/**
 * Opens a live cluster. The client-node adapter is loaded here, on first use, not at start-up:
 * importing @kubernetes/client-node costs every command ~80 MB and ~1 s even when it never
 * talks to a cluster.
 */
export async function connectCluster(access: LiveAccess): Promise<Cluster> {
  const { openKubeCluster } = await import('./kube-cluster.js');
  return openKubeCluster(access);
}

export interface InventoryResult {
  /** undefined in offline mode. */
  inventory: Inventory | undefined;
  /** `cluster mode: live, context "x" (...)` / `snapshot, ...` / `offline, ...` for stderr. */
  modeLine: string;
}

/** The inventory for a command: from the cluster, a snapshot, or none (offline). */
export async function loadInventory(access: ClusterAccess): Promise<InventoryResult> {
  switch (access.mode) {
    case 'offline':
      return { inventory: undefined, modeLine: describeAccess(access) };
    case 'snapshot':
      return { inventory: await readInventoryFile(access.file), modeLine: describeAccess(access) };
    case 'live': {
      const cluster = await connectCluster(access);
      return { inventory: await readInventory(cluster), modeLine: describeAccess(access, cluster.description) };
    }
  }
}
