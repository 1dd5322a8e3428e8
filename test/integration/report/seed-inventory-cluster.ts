// The cluster behind the seed three-tier recording (seed-recording.ts), as the fake API server
// serves it: the same pods with their owners and container ports, plus what only the cluster
// knows. fixtures/seed-inventory.yaml is exactly what `flowpol inventory` prints for it (a test
// checks it), so the live and the snapshot report runs read the same cluster:
//   - monitoring carries `team: observability` (flows carried only its metadata.name and purpose);
//   - production's NetworkPolicies (default-deny, DNS, frontend→api, api, postgres) use the named
//     ports `http`, `metrics` and `postgres`, and the scrape rule selects team=observability;
//   - production/CronJob/db-backup and monitoring/Deployment/grafana had no traffic in the
//     window: db-backup is isolated by production's default-deny (silent), grafana is not
//     isolated (monitoring has no policy) unless a default-deny is simulated there.
import type { FakeData } from '../../support/fake-kube-api.js';

type Labels = Record<string, string>;

const ns = (name: string, labels: Labels = {}) => ({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, uid: `ns-${name}`, resourceVersion: '10', labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  status: { phase: 'Active' },
});

const owner = (kind: string, name: string, apiVersion = 'apps/v1') => [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }];

interface PodSpec { namespace: string; name: string; labels: Labels; ip: string; owners: unknown[]; ports: { name?: string; containerPort: number; protocol?: string }[] }
const pod = (p: PodSpec) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: p.name, namespace: p.namespace, uid: `pod-${p.name}`, labels: p.labels, ownerReferences: p.owners },
  spec: { containers: [{ name: 'main', image: 'example', ports: p.ports }], nodeName: 'node-a' },
  status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] },
});

const meta = (kind: string, namespace: string, name: string, owners?: unknown[]) => ({ name, namespace, ...(owners === undefined ? {} : { ownerReferences: owners }) });
const template = (labels: Labels) => ({ metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example' }] } });
const workload = (kind: string, namespace: string, name: string, labels: Labels, owners?: unknown[], apiVersion = 'apps/v1') =>
  ({ apiVersion, kind, metadata: meta(kind, namespace, name, owners), spec: { selector: { matchLabels: labels }, template: template(labels) } });

const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'production' }, spec });
const app = (name: string) => ({ podSelector: { matchLabels: { app: name } } });

/** production's NetworkPolicies as the cluster holds them. */
export const SEED_CLUSTER_POLICIES = [
  policy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('allow-dns', {
    podSelector: {}, policyTypes: ['Egress'],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
  }),
  policy('frontend-to-api', { ...app('frontend'), policyTypes: ['Egress'], egress: [{ to: [app('api-server')], ports: [{ protocol: 'TCP', port: 'http' }] }] }),
  policy('api-ingress', {
    ...app('api-server'), policyTypes: ['Ingress'],
    ingress: [
      { from: [app('frontend')], ports: [{ protocol: 'TCP', port: 'http' }] },
      { from: [{ namespaceSelector: { matchLabels: { team: 'observability' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }] },
    ],
  }),
  policy('api-egress', {
    ...app('api-server'), policyTypes: ['Egress'],
    egress: [{ to: [app('postgres')], ports: [{ protocol: 'TCP', port: 'postgres' }] }, { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
  }),
  policy('postgres-ingress', { ...app('postgres'), policyTypes: ['Ingress'], ingress: [{ from: [app('api-server')], ports: [{ protocol: 'TCP', port: 'postgres' }] }] }),
];

const backupLabels = { app: 'db-backup', 'batch.kubernetes.io/job-name': 'db-backup-29470500', 'job-name': 'db-backup-29470500' };

export function seedClusterData(): FakeData {
  return {
    namespaces: [ns('production'), ns('monitoring', { purpose: 'monitoring', team: 'observability' }), ns('kube-system')],
    pods: [
      pod({ namespace: 'production', name: 'frontend-7d9c5b6f4-x2x9k', labels: { app: 'frontend', 'pod-template-hash': '7d9c5b6f4' }, ip: '10.0.1.10',
        owners: owner('ReplicaSet', 'frontend-7d9c5b6f4'), ports: [{ name: 'web', containerPort: 3000, protocol: 'TCP' }] }),
      pod({ namespace: 'production', name: 'api-5f6d8c7b9-q8w7e', labels: { app: 'api-server', 'pod-template-hash': '5f6d8c7b9' }, ip: '10.0.1.11',
        owners: owner('ReplicaSet', 'api-5f6d8c7b9'), ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }] }),
      pod({ namespace: 'production', name: 'postgres-0', labels: { app: 'postgres', 'statefulset.kubernetes.io/pod-name': 'postgres-0' }, ip: '10.0.1.12',
        owners: owner('StatefulSet', 'postgres'), ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }] }),
      pod({ namespace: 'production', name: 'db-backup-29470500-7xq2m', labels: backupLabels, ip: '10.0.1.20', owners: owner('Job', 'db-backup-29470500', 'batch/v1'), ports: [] }),
      pod({ namespace: 'monitoring', name: 'prometheus-0', labels: { app: 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-0' }, ip: '10.0.2.10',
        owners: owner('StatefulSet', 'prometheus'), ports: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }] }),
      pod({ namespace: 'monitoring', name: 'grafana-6b8d9c7f5-m4n5p', labels: { app: 'grafana', 'pod-template-hash': '6b8d9c7f5' }, ip: '10.0.2.11',
        owners: owner('ReplicaSet', 'grafana-6b8d9c7f5'), ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }] }),
      pod({ namespace: 'kube-system', name: 'coredns-6d4b75cb6d-abcde', labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '6d4b75cb6d' }, ip: '10.0.3.10',
        owners: owner('ReplicaSet', 'coredns-6d4b75cb6d'), ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] }),
    ],
    replicasets: [
      workload('ReplicaSet', 'production', 'frontend-7d9c5b6f4', { app: 'frontend', 'pod-template-hash': '7d9c5b6f4' }, owner('Deployment', 'frontend')),
      workload('ReplicaSet', 'production', 'api-5f6d8c7b9', { app: 'api-server', 'pod-template-hash': '5f6d8c7b9' }, owner('Deployment', 'api')),
      workload('ReplicaSet', 'monitoring', 'grafana-6b8d9c7f5', { app: 'grafana', 'pod-template-hash': '6b8d9c7f5' }, owner('Deployment', 'grafana')),
      workload('ReplicaSet', 'kube-system', 'coredns-6d4b75cb6d', { 'k8s-app': 'kube-dns', 'pod-template-hash': '6d4b75cb6d' }, owner('Deployment', 'coredns')),
    ],
    deployments: [
      workload('Deployment', 'production', 'frontend', { app: 'frontend' }),
      workload('Deployment', 'production', 'api', { app: 'api-server' }),
      workload('Deployment', 'monitoring', 'grafana', { app: 'grafana' }),
      workload('Deployment', 'kube-system', 'coredns', { 'k8s-app': 'kube-dns' }),
    ],
    statefulsets: [workload('StatefulSet', 'production', 'postgres', { app: 'postgres' }), workload('StatefulSet', 'monitoring', 'prometheus', { app: 'prometheus' })],
    jobs: [workload('Job', 'production', 'db-backup-29470500', backupLabels, owner('CronJob', 'db-backup', 'batch/v1'), 'batch/v1')],
    cronjobs: [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('CronJob', 'production', 'db-backup'), spec: { schedule: '30 2 * * *', jobTemplate: { spec: { template: template({ app: 'db-backup' }) } } } }],
    networkpolicies: SEED_CLUSTER_POLICIES,
  };
}
