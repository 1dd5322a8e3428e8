// The cluster behind the shop recording (shop-recording.ts), as the fake API server serves it.
// fixtures/shop-inventory.yaml is exactly what `flowpol inventory` prints for it (a test checks
// it), so the live and the snapshot generate runs read the same cluster. What each workload tests:
//   - frontend (2 pods), api, postgres: owners whose selectors are narrower than the pods' labels
//     (frontend: app only, not version/team; api: app + `tier In (backend)`; postgres: app only);
//   - cart vs cart-canary: Deployment cart's selector app=cart also selects the canary pod, so
//     cart keeps its observed labels (too broad: worker talks to cart, not to the canary);
//     cart-canary's selector is exact;
//   - worker: pods of a Deployment and of a one-off Job share the same labels (several owners);
//   - debug: a bare pod (no owner); shop/app=legacy is in the flows but gone from the cluster;
//   - report: a CronJob's pod no flow showed (the engine proof checks nothing admits it);
//   - monitoring/node-exporter: a host-network DaemonSet on both nodes (172.18.0.2 and .3);
//   - named container ports: frontend/api http 8080, api metrics 9090 (8081, 8082 unnamed),
//     postgres 5432, kube-dns dns (UDP 53) and dns-tcp (TCP 53).
import type { FakeData } from '../../support/fake-kube-api.js';

type Labels = Record<string, string>;
interface Port { name?: string; containerPort: number; protocol?: string }

const ns = (name: string, labels: Labels = {}) => ({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, uid: `ns-${name}`, resourceVersion: '10', labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  status: { phase: 'Active' },
});

const owner = (kind: string, name: string, apiVersion = 'apps/v1') => [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }];

interface PodSpec { namespace: string; name: string; labels: Labels; ip: string; owners?: unknown[]; ports?: Port[]; hostNetwork?: boolean; node?: string }
const pod = (p: PodSpec) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: p.name, namespace: p.namespace, uid: `pod-${p.name}`, labels: p.labels, ...(p.owners === undefined ? {} : { ownerReferences: p.owners }) },
  spec: { containers: [{ name: 'main', image: 'example', ports: p.ports ?? [] }], nodeName: p.node ?? 'node-1', ...(p.hostNetwork === true ? { hostNetwork: true } : {}) },
  status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] },
});

const template = (labels: Labels) => ({ metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example' }] } });
const workload = (kind: string, namespace: string, name: string, selector: Record<string, unknown>, labels: Labels, owners?: unknown[], apiVersion = 'apps/v1') => ({
  apiVersion, kind,
  metadata: { name, namespace, ...(owners === undefined ? {} : { ownerReferences: owners }) },
  spec: { selector, template: template(labels) },
});

const FRONTEND: Labels = { app: 'frontend', team: 'web', version: 'v2' };
const API: Labels = { app: 'api', tier: 'backend', version: 'v1' };
const HTTP: Port = { name: 'http', containerPort: 8080, protocol: 'TCP' };
const REPORT: Labels = { app: 'report', 'batch.kubernetes.io/controller-uid': 'r-1', 'batch.kubernetes.io/job-name': 'report-29000', 'controller-uid': 'r-1', 'job-name': 'report-29000' };
const MIGRATE: Labels = { app: 'worker', 'batch.kubernetes.io/controller-uid': 'm-1', 'batch.kubernetes.io/job-name': 'worker-migrate', 'controller-uid': 'm-1', 'job-name': 'worker-migrate' };

export function shopClusterData(): FakeData {
  return {
    namespaces: [ns('shop', { team: 'shop' }), ns('kube-system'), ns('monitoring', { purpose: 'monitoring' })],
    pods: [
      pod({ namespace: 'shop', name: 'frontend-6f7c9-aaaaa', labels: { ...FRONTEND, 'pod-template-hash': '6f7c9' }, ip: '10.1.0.10', owners: owner('ReplicaSet', 'frontend-6f7c9'), ports: [HTTP] }),
      pod({ namespace: 'shop', name: 'frontend-6f7c9-bbbbb', labels: { ...FRONTEND, 'pod-template-hash': '6f7c9' }, ip: '10.1.0.11', owners: owner('ReplicaSet', 'frontend-6f7c9'), ports: [HTTP], node: 'node-2' }),
      pod({ namespace: 'shop', name: 'api-5d8b7-ccccc', labels: { ...API, 'pod-template-hash': '5d8b7' }, ip: '10.1.0.20', owners: owner('ReplicaSet', 'api-5d8b7'),
        ports: [HTTP, { containerPort: 8081 }, { containerPort: 8082 }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }] }),
      pod({ namespace: 'shop', name: 'cart-7a6b5-ddddd', labels: { app: 'cart', 'pod-template-hash': '7a6b5' }, ip: '10.1.0.30', owners: owner('ReplicaSet', 'cart-7a6b5'), ports: [HTTP] }),
      pod({ namespace: 'shop', name: 'cart-canary-8b7c6-eeeee', labels: { app: 'cart', track: 'canary', 'pod-template-hash': '8b7c6' }, ip: '10.1.0.31', owners: owner('ReplicaSet', 'cart-canary-8b7c6'), ports: [HTTP] }),
      pod({ namespace: 'shop', name: 'postgres-0', labels: { app: 'postgres', component: 'db', 'statefulset.kubernetes.io/pod-name': 'postgres-0' }, ip: '10.1.0.40', owners: owner('StatefulSet', 'postgres'),
        ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }] }),
      pod({ namespace: 'shop', name: 'worker-9c8d7-fffff', labels: { app: 'worker', 'pod-template-hash': '9c8d7' }, ip: '10.1.0.50', owners: owner('ReplicaSet', 'worker-9c8d7') }),
      pod({ namespace: 'shop', name: 'worker-migrate-ggggg', labels: MIGRATE, ip: '10.1.0.51', owners: owner('Job', 'worker-migrate', 'batch/v1') }),
      pod({ namespace: 'shop', name: 'debug', labels: { run: 'debug' }, ip: '10.1.0.60' }),
      pod({ namespace: 'shop', name: 'report-29000-iiiii', labels: REPORT, ip: '10.1.0.80', owners: owner('Job', 'report-29000', 'batch/v1'), ports: [HTTP] }),
      pod({ namespace: 'kube-system', name: 'coredns-55cb5-hhhhh', labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '55cb5' }, ip: '10.1.9.10', owners: owner('ReplicaSet', 'coredns-55cb5'),
        ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] }),
      pod({ namespace: 'monitoring', name: 'prometheus-0', labels: { app: 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-0' }, ip: '10.1.5.10', owners: owner('StatefulSet', 'prometheus') }),
      pod({ namespace: 'monitoring', name: 'node-exporter-n1', labels: { app: 'node-exporter', 'controller-revision-hash': '7b9c', 'pod-template-generation': '1' }, ip: '172.18.0.2',
        owners: owner('DaemonSet', 'node-exporter'), ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }], hostNetwork: true }),
      pod({ namespace: 'monitoring', name: 'node-exporter-n2', labels: { app: 'node-exporter', 'controller-revision-hash': '7b9c', 'pod-template-generation': '1' }, ip: '172.18.0.3',
        owners: owner('DaemonSet', 'node-exporter'), ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }], hostNetwork: true, node: 'node-2' }),
    ],
    replicasets: [
      workload('ReplicaSet', 'shop', 'frontend-6f7c9', { matchLabels: { app: 'frontend', 'pod-template-hash': '6f7c9' } }, FRONTEND, owner('Deployment', 'frontend')),
      workload('ReplicaSet', 'shop', 'api-5d8b7', { matchLabels: { app: 'api', 'pod-template-hash': '5d8b7' } }, API, owner('Deployment', 'api')),
      workload('ReplicaSet', 'shop', 'cart-7a6b5', { matchLabels: { app: 'cart', 'pod-template-hash': '7a6b5' } }, { app: 'cart' }, owner('Deployment', 'cart')),
      workload('ReplicaSet', 'shop', 'cart-canary-8b7c6', { matchLabels: { app: 'cart', track: 'canary', 'pod-template-hash': '8b7c6' } }, { app: 'cart', track: 'canary' }, owner('Deployment', 'cart-canary')),
      workload('ReplicaSet', 'shop', 'worker-9c8d7', { matchLabels: { app: 'worker', 'pod-template-hash': '9c8d7' } }, { app: 'worker' }, owner('Deployment', 'worker')),
      workload('ReplicaSet', 'kube-system', 'coredns-55cb5', { matchLabels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '55cb5' } }, { 'k8s-app': 'kube-dns' }, owner('Deployment', 'coredns')),
    ],
    deployments: [
      workload('Deployment', 'shop', 'frontend', { matchLabels: { app: 'frontend' } }, FRONTEND),
      workload('Deployment', 'shop', 'api', { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, API),
      workload('Deployment', 'shop', 'cart', { matchLabels: { app: 'cart' } }, { app: 'cart' }),
      workload('Deployment', 'shop', 'cart-canary', { matchLabels: { app: 'cart', track: 'canary' } }, { app: 'cart', track: 'canary' }),
      workload('Deployment', 'shop', 'worker', { matchLabels: { app: 'worker' } }, { app: 'worker' }),
      workload('Deployment', 'kube-system', 'coredns', { matchLabels: { 'k8s-app': 'kube-dns' } }, { 'k8s-app': 'kube-dns' }),
    ],
    statefulsets: [
      workload('StatefulSet', 'shop', 'postgres', { matchLabels: { app: 'postgres' } }, { app: 'postgres', component: 'db' }),
      workload('StatefulSet', 'monitoring', 'prometheus', { matchLabels: { app: 'prometheus' } }, { app: 'prometheus' }),
    ],
    daemonsets: [workload('DaemonSet', 'monitoring', 'node-exporter', { matchLabels: { app: 'node-exporter' } }, { app: 'node-exporter' })],
    jobs: [
      workload('Job', 'shop', 'worker-migrate', { matchLabels: { 'batch.kubernetes.io/controller-uid': 'm-1' } }, MIGRATE, undefined, 'batch/v1'),
      workload('Job', 'shop', 'report-29000', { matchLabels: { 'batch.kubernetes.io/controller-uid': 'r-1' } }, REPORT, owner('CronJob', 'report', 'batch/v1'), 'batch/v1'),
    ],
    cronjobs: [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop' }, spec: { schedule: '0 4 * * *', jobTemplate: { spec: { template: template({ app: 'report' }) } } } }],
    networkpolicies: [],
  };
}
