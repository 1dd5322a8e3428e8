// A small but complete cluster as the API server returns it: a Deployment (via a ReplicaSet)
// with named ports, a StatefulSet, a host-network DaemonSet, a CronJob's Job pod, an unowned pod,
// a native-sidecar init container, kube-dns with UDP+TCP 53, and two NetworkPolicies.
import type { FakeData } from '../../support/fake-kube-api.js';

const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, uid: `ns-${name}`, resourceVersion: '10', creationTimestamp: '2024-05-01T10:00:00Z', labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
});

const owner = (kind: string, name: string, apiVersion = 'apps/v1') => [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true, blockOwnerDeletion: true }];

interface PodSpec { namespace: string; name: string; labels: Record<string, string>; ip: string; owners?: unknown[]; containers: unknown[]; initContainers?: unknown[]; hostNetwork?: boolean }
const pod = (p: PodSpec) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: p.name, namespace: p.namespace, uid: `pod-${p.name}`, labels: p.labels, creationTimestamp: '2024-05-01T11:00:00Z', ...(p.owners ? { ownerReferences: p.owners } : {}) },
  spec: { containers: p.containers, ...(p.initContainers ? { initContainers: p.initContainers } : {}), ...(p.hostNetwork ? { hostNetwork: true } : {}), nodeName: 'node-1', restartPolicy: 'Always' },
  status: { phase: 'Running', podIP: p.ip, podIPs: p.hostNetwork ? [{ ip: p.ip }] : [{ ip: p.ip }, { ip: `fd00::${p.ip.split('.').pop() ?? '0'}` }], hostIP: '172.18.0.2' },
});

const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'example' }] } });

export function fixtureData(): FakeData {
  return {
    namespaces: [ns('prod', { env: 'prod', team: 'shop' }), ns('kube-system'), ns('monitoring', { purpose: 'monitoring' }), ns('batch-jobs')],
    pods: [
      pod({ namespace: 'prod', name: 'web-7d9f8-abcde', labels: { app: 'web', 'pod-template-hash': '7d9f8' }, ip: '10.0.1.10', owners: owner('ReplicaSet', 'web-7d9f8'),
        containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }] }),
      pod({ namespace: 'prod', name: 'api-5c6d7-fghij', labels: { app: 'api', tier: 'backend', 'pod-template-hash': '5c6d7' }, ip: '10.0.1.11', owners: owner('ReplicaSet', 'api-5c6d7'),
        containers: [{ name: 'api', image: 'api', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }] }],
        initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 15000 }] }, { name: 'migrate', image: 'api', ports: [{ containerPort: 7000 }] }] }),
      pod({ namespace: 'prod', name: 'postgres-0', labels: { app: 'postgres', 'statefulset.kubernetes.io/pod-name': 'postgres-0' }, ip: '10.0.1.12', owners: owner('StatefulSet', 'postgres'),
        containers: [{ name: 'pg', image: 'postgres', ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }] }] }),
      pod({ namespace: 'prod', name: 'debug', labels: { run: 'debug' }, ip: '10.0.1.13', containers: [{ name: 'sh', image: 'busybox' }] }),
      pod({ namespace: 'monitoring', name: 'node-exporter-x1', labels: { app: 'node-exporter' }, ip: '172.18.0.2', hostNetwork: true, owners: owner('DaemonSet', 'node-exporter'),
        containers: [{ name: 'ne', image: 'node-exporter', ports: [{ name: 'metrics', containerPort: 9100, hostPort: 9100, protocol: 'TCP' }] }] }),
      pod({ namespace: 'kube-system', name: 'coredns-55cb5-klmno', labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '55cb5' }, ip: '10.0.0.5', owners: owner('ReplicaSet', 'coredns-55cb5'),
        containers: [{ name: 'coredns', image: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }, { name: 'metrics', containerPort: 9153, protocol: 'TCP' }] }] }),
      pod({ namespace: 'batch-jobs', name: 'backup-28391-pqrst', labels: { app: 'backup', 'batch.kubernetes.io/controller-uid': 'c-1', 'batch.kubernetes.io/job-name': 'backup-28391', 'controller-uid': 'c-1', 'job-name': 'backup-28391' },
        ip: '10.0.2.20', owners: owner('Job', 'backup-28391', 'batch/v1'), containers: [{ name: 'backup', image: 'backup' }] }),
    ],
    replicasets: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7d9f8', namespace: 'prod', ownerReferences: owner('Deployment', 'web') }, spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d9f8' } }, template: template({ app: 'web', 'pod-template-hash': '7d9f8' }) } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-5c6d7', namespace: 'prod', ownerReferences: owner('Deployment', 'api') }, spec: { selector: { matchLabels: { app: 'api', 'pod-template-hash': '5c6d7' } }, template: template({ app: 'api', tier: 'backend', 'pod-template-hash': '5c6d7' }) } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'coredns-55cb5', namespace: 'kube-system', ownerReferences: owner('Deployment', 'coredns') }, spec: { selector: { matchLabels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '55cb5' } }, template: template({ 'k8s-app': 'kube-dns' }) } },
    ],
    deployments: [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, template: template({ app: 'api', tier: 'backend' }) } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { selector: { matchLabels: { 'k8s-app': 'kube-dns' } }, template: template({ 'k8s-app': 'kube-dns' }) } },
    ],
    statefulsets: [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'postgres', namespace: 'prod' }, spec: { serviceName: 'postgres', selector: { matchLabels: { app: 'postgres' } }, template: template({ app: 'postgres' }) } },
    ],
    daemonsets: [
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-exporter', namespace: 'monitoring' }, spec: { selector: { matchLabels: { app: 'node-exporter' } }, template: template({ app: 'node-exporter' }) } },
    ],
    jobs: [
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'backup-28391', namespace: 'batch-jobs', ownerReferences: owner('CronJob', 'backup', 'batch/v1') },
        spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'c-1' } }, template: template({ app: 'backup', 'batch.kubernetes.io/controller-uid': 'c-1', 'batch.kubernetes.io/job-name': 'backup-28391', 'controller-uid': 'c-1', 'job-name': 'backup-28391' }) } },
    ],
    cronjobs: [
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup', namespace: 'batch-jobs' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: template({ app: 'backup' }) } } } },
    ],
    networkpolicies: [
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: 'prod', uid: 'np-1', resourceVersion: '20', creationTimestamp: '2024-05-01T12:00:00Z', managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"networking.k8s.io/v1"}' } },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'api-allow-web', namespace: 'prod', uid: 'np-2', resourceVersion: '21', labels: { team: 'shop' }, managedFields: [{ manager: 'flowpol', operation: 'Apply' }] },
        spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }], policyTypes: ['Ingress'] } },
    ],
  };
}
