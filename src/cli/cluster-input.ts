// The cluster side of a command that can use one (generate, report): resolve the shared cluster
// flags into a mode, read the inventory (live cluster or snapshot; none offline), and say on
// stderr which mode was used. One place, so every command words the mode line the same way.
import type { ClusterAccess } from '../k8s/access.js';
import { loadInventory } from '../k8s/open.js';
import type { Inventory } from '../model.js';
import { OperationalError, UsageError } from '../errors.js';
import { clusterAccessFrom } from './kube-options.js';
import type { KubeFlagValues } from './kube-options.js';

export interface ClusterInput {
  access: ClusterAccess;
  /** undefined offline. */
  inventory: Inventory | undefined;
  /**
   * `cluster mode: live, context "x" (https://...) from --kubeconfig` / `cluster mode: snapshot,
   * inventory read from FILE` / `cluster mode: offline, flows only (REASON)`. Deterministic (no
   * clock, no credentials): fit to record in a command's output as well.
   */
  modeLine: string;
}

/**
 * Resolve the flags, read the inventory, and write `flowpol: <modeLine>` on stderr (unless
 * `quiet`). Throws UsageError for clashing flags, InputError for a bad snapshot, and the k8s
 * layer's errors (RBAC, unreachable, expired credentials) for a live cluster.
 */
export async function loadClusterInput(flags: KubeFlagValues, options: { quiet?: boolean } = {}): Promise<ClusterInput> {
  const access = clusterAccessFrom(flags);
  let loaded: Awaited<ReturnType<typeof loadInventory>>;
  try {
    loaded = await loadInventory(access);
  } catch (err) {
    // A kubeconfig in reach makes these commands go live by default; the flows alone are one flag away.
    if (access.mode === 'live' && err instanceof OperationalError && err.code.startsWith('E_K8S_')) {
      throw new OperationalError(err.code, `${err.message} (or run without the cluster: --offline)`, { cause: err });
    }
    throw err;
  }
  const { inventory, modeLine } = loaded;
  if (options.quiet !== true) process.stderr.write(`flowpol: ${modeLine}\n`);
  return { access, inventory, modeLine };
}

/** `--named-ports` needs container port names, which only a cluster has: a UsageError offline, before any work. */
export function checkNamedPorts(namedPorts: boolean | undefined, flags: KubeFlagValues): void {
  if (namedPorts === true && clusterAccessFrom(flags).mode === 'offline') {
    throw new UsageError('--named-ports needs a cluster (live, or --inventory FILE): offline, flowpol knows no container port names');
  }
}
