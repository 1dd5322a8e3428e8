// `flowpol inventory`: snapshot what the cluster says exists (namespaces, pods, workload
// owners' selectors, NetworkPolicies) as YAML or JSON, for --inventory in CI or air-gapped review.
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { Inventory } from '../../model.js';
import { loadInventory } from '../../k8s/open.js';
import { INVENTORY_FORMATS, renderInventory } from '../../k8s/inventory-file.js';
import type { InventoryFormat } from '../../k8s/inventory-file.js';
import { addKubeOptions, clusterAccessFrom, KUBE_HELP } from '../kube-options.js';
import type { KubeFlagValues } from '../kube-options.js';
import type { Register } from './index.js';

interface InventoryFlags extends KubeFlagValues { output: InventoryFormat }

/** One stderr line counting what was read. */
export function inventorySummary(inv: Inventory): string {
  const hostNetwork = inv.pods.filter((p) => p.hostNetwork).length;
  return `inventory: ${inv.namespaces.length} namespaces, ${inv.pods.length} pods (${hostNetwork} host-network), ` +
    `${inv.workloads.length} workloads, ${inv.policies.length} NetworkPolicies`;
}

export const registerInventory: Register = (command) => {
  const cmd = command('inventory')
    .description('Snapshot the cluster inventory: namespaces and labels, pods (labels, IPs, container ports, ' +
      'hostNetwork, workload owner), owners\' selectors and all networking.k8s.io/v1 NetworkPolicies.')
    .addOption(new Option('-o, --output <format>', 'snapshot format').choices(INVENTORY_FORMATS).default('yaml'));
  addKubeOptions(cmd, { snapshot: true, offline: false })
    .addHelpText('after', `
Examples:
  flowpol inventory > snapshot.yaml                        # snapshot the current context
  flowpol inventory --context kind-dev -o json > world.json
  flowpol inventory --kubeconfig ./ci.kubeconfig --request-timeout 10s --chunk-size 200 > snapshot.yaml
  flowpol inventory --inventory snapshot.yaml -o json      # convert a snapshot (no cluster contacted)
  flowpol generate --inventory snapshot.yaml ...           # later: use the snapshot instead of a cluster
${KUBE_HELP}`)
    .action(async (flags: InventoryFlags) => {
      const access = clusterAccessFrom(flags);
      if (access.mode === 'offline') {
        throw new UsageError(`inventory needs a cluster or a snapshot: ${access.reason}; pass --kubeconfig, --context or --inventory FILE`);
      }
      const { inventory, modeLine } = await loadInventory(access);
      process.stderr.write(`flowpol: ${modeLine}\n`);
      if (inventory === undefined) return;
      process.stdout.write(renderInventory(inventory, flags.output));
      process.stderr.write(`flowpol: ${inventorySummary(inventory)}\n`);
    });
};
