// The shop scenario as a Hubble `observe -o jsonpb` recording (the cluster: shop-cluster.ts): one
// request flow per connection (TCP SYN or a UDP datagram), spread evenly over two hours.
// Deterministic, so the goldens of `flowpol generate` with and without the cluster are stable.
import { type RecordedConnection, type RecordedEnd, hubbleRecording, namespaceLabels as nsLabels, podEnd as pod } from '../../support/hubble-recording.js';

const shop = nsLabels('shop', { team: 'shop' });
const monitoring = nsLabels('monitoring', { purpose: 'monitoring' });
const FRONTEND_A = pod('shop', 'frontend-6f7c9-aaaaa', 31001, '10.1.0.10', { app: 'frontend', team: 'web', version: 'v2' }, shop);
const FRONTEND_B = pod('shop', 'frontend-6f7c9-bbbbb', 31001, '10.1.0.11', { app: 'frontend', team: 'web', version: 'v2' }, shop);
const API = pod('shop', 'api-5d8b7-ccccc', 31002, '10.1.0.20', { app: 'api', tier: 'backend', version: 'v1' }, shop);
const CART = pod('shop', 'cart-7a6b5-ddddd', 31003, '10.1.0.30', { app: 'cart' }, shop);
const CART_CANARY = pod('shop', 'cart-canary-8b7c6-eeeee', 31004, '10.1.0.31', { app: 'cart', track: 'canary' }, shop);
const POSTGRES = pod('shop', 'postgres-0', 31005, '10.1.0.40', { app: 'postgres', component: 'db', 'statefulset.kubernetes.io/pod-name': 'postgres-0' }, shop);
const WORKER = pod('shop', 'worker-9c8d7-fffff', 31006, '10.1.0.50', { app: 'worker' }, shop);
const DEBUG = pod('shop', 'debug', 31007, '10.1.0.60', { run: 'debug' }, shop);
const LEGACY = pod('shop', 'legacy-0', 31008, '10.1.0.70', { app: 'legacy' }, shop);
const KUBE_DNS = pod('kube-system', 'coredns-55cb5-hhhhh', 102, '10.1.9.10', { 'k8s-app': 'kube-dns' }, nsLabels('kube-system'));
const PROMETHEUS = pod('monitoring', 'prometheus-0', 32001, '10.1.5.10', { app: 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-0' }, monitoring);
/** Hubble attributed this host-network pod to its labels (the agent knew the pod). */
const NODE_EXPORTER_1 = pod('monitoring', 'node-exporter-n1', 32002, '172.18.0.2', { app: 'node-exporter' }, monitoring);
/** ... and saw the other one as a bare address (no endpoint): a node address. */
const NODE_2: RecordedEnd = { identity: 2, ip: '172.18.0.3', labels: ['reserved:world'] };
const PAYMENTS: RecordedEnd = { identity: 2, ip: '203.0.113.10', labels: ['reserved:world'] };
const HOST: RecordedEnd = { identity: 1, ip: '172.18.0.2', labels: ['reserved:host'] };

const CONNECTIONS: readonly RecordedConnection[] = [
  { from: FRONTEND_A, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 12 },
  { from: FRONTEND_B, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 12 },
  { from: FRONTEND_A, to: API, protocol: 'TCP', port: 8080, count: 20 },
  { from: FRONTEND_B, to: API, protocol: 'TCP', port: 8081, count: 6 },
  { from: FRONTEND_B, to: API, protocol: 'TCP', port: 8082, count: 6 },
  { from: API, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 10 },
  { from: API, to: POSTGRES, protocol: 'TCP', port: 5432, count: 15 },
  { from: API, to: CART, protocol: 'TCP', port: 8080, count: 8 },
  { from: API, to: CART_CANARY, protocol: 'TCP', port: 8080, count: 4 },
  { from: API, to: PAYMENTS, protocol: 'TCP', port: 443, count: 5, names: ['api.payments.example'] },
  { from: WORKER, to: API, protocol: 'TCP', port: 8080, count: 7 },
  { from: WORKER, to: CART, protocol: 'TCP', port: 8080, count: 3 },
  { from: DEBUG, to: API, protocol: 'TCP', port: 8080, count: 2 },
  { from: LEGACY, to: API, protocol: 'TCP', port: 8080, count: 3 },
  { from: PROMETHEUS, to: API, protocol: 'TCP', port: 9090, count: 8 },
  { from: PROMETHEUS, to: NODE_EXPORTER_1, protocol: 'TCP', port: 9100, count: 8 },
  { from: PROMETHEUS, to: NODE_2, protocol: 'TCP', port: 9100, count: 8 },
  { from: HOST, to: API, protocol: 'TCP', port: 8080, count: 4 },
];

/** The recording's lines (with a trailing newline), in time order. */
export function shopRecording(): string {
  return hubbleRecording(CONNECTIONS, { start: Date.UTC(2026, 2, 2, 8, 0, 0), spanMs: 2 * 3_600_000, node: 'node-1' });
}
