// A small inventory for the report's cluster tests: the seed scenario's production pods with
// container ports, a CronJob pod, a two-replica worker, an unowned debug pod, a host-network
// agent, and namespaces whose labels the cluster knows better than the flows.
import type { ContainerPort, Inventory, InventoryPod, ObjectRef } from '../../../src/model.js';

export function inventoryPod(namespace: string, name: string, labels: Record<string, string>, extra: { ports?: ContainerPort[]; owner?: ObjectRef; hostNetwork?: boolean } = {}): InventoryPod {
  return { namespace, name, labels, ports: extra.ports ?? [], ips: [], hostNetwork: extra.hostNetwork ?? false, ...(extra.owner === undefined ? {} : { owner: extra.owner }) };
}

export const INVENTORY_PODS: InventoryPod[] = [
  inventoryPod('production', 'api-1', { app: 'api-server', 'pod-template-hash': 'a1' }, { owner: { kind: 'Deployment', name: 'api' }, ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }, { name: 'http', port: 8080, protocol: 'TCP' }] }),
  inventoryPod('production', 'api-2', { app: 'api-server', 'pod-template-hash': 'b2' }, { owner: { kind: 'Deployment', name: 'api' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'grpc', port: 9000, protocol: 'TCP' }] }),
  inventoryPod('production', 'frontend-1', { app: 'frontend' }, { owner: { kind: 'Deployment', name: 'frontend' } }),
  inventoryPod('production', 'backup-29-x', { app: 'backup', 'job-name': 'backup-29' }, { owner: { kind: 'CronJob', name: 'backup' } }),
  inventoryPod('production', 'worker-b', { app: 'worker' }, { owner: { kind: 'Deployment', name: 'worker' } }),
  inventoryPod('production', 'worker-a', { app: 'worker' }, { owner: { kind: 'Deployment', name: 'worker' } }),
  inventoryPod('production', 'debug', { run: 'debug' }),
  inventoryPod('production', 'agent-node1', { app: 'agent' }, { owner: { kind: 'DaemonSet', name: 'agent' }, hostNetwork: true }),
  inventoryPod('staging', 'idle-1', { app: 'idle' }, { owner: { kind: 'Deployment', name: 'idle' } }),
];

export function inventory(pods: InventoryPod[] = INVENTORY_PODS): Inventory {
  return {
    source: { kind: 'cluster', context: 'test', cluster: 'test' },
    namespaces: [
      { name: 'monitoring', labels: { 'kubernetes.io/metadata.name': 'monitoring', team: 'observability' } },
      { name: 'production', labels: { 'kubernetes.io/metadata.name': 'production' } },
      { name: 'staging', labels: { 'kubernetes.io/metadata.name': 'staging' } },
    ],
    pods,
    externals: [],
    policies: [],
    workloads: [],
  };
}
