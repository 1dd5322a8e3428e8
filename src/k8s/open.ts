// One call for every command that can use a cluster: resolve the mode, then read the inventory
// from a live cluster or a snapshot (or nothing, offline). The mode line says which was used.
import type { Inventory } from '../model.js';
import { describeAccess } from './access.js';
import type { ClusterAccess } from './access.js';
import { readInventory } from './inventory.js';
import { readInventoryFile } from './inventory-file.js';
import { openKubeCluster } from './kube-cluster.js';

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
      const cluster = openKubeCluster(access);
      return { inventory: await readInventory(cluster), modeLine: describeAccess(access, cluster.description) };
    }
  }
}
