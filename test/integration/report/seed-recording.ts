// Writes the seed three-tier scenario (shared/examples/seed-three-tier.json) as a Hubble
// `observe -o jsonpb` recording: one request flow per connection (TCP SYN or a UDP datagram),
// spread evenly over 25 hours so the report has a full day of coverage. Deterministic: the
// fixture beside this file is exactly `seedRecording()` (a test checks it), so the README demo
// and the goldens run on traffic whose every edge is known by hand:
//   frontend → kube-dns UDP/53 ×300, api → kube-dns UDP/53 ×200, frontend → api TCP/8080 ×120,
//   api → postgres TCP/5432 ×96, prometheus (monitoring) → api TCP/9090 ×100,
//   api → 203.0.113.10 (api.payments.example) TCP/443 ×24, host → api TCP/8080 ×50 (kubelet probes).
import { hubbleRecording, namespaceLabels as nsLabels, podEnd as pod, type RecordedConnection, type RecordedEnd } from '../../support/hubble-recording.js';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const SPAN_MS = 25 * 3_600_000;

const production = nsLabels('production');
export const FRONTEND = pod('production', 'frontend-7d9c5b6f4-x2x9k', 21001, '10.0.1.10', { app: 'frontend' }, production);
export const API = pod('production', 'api-5f6d8c7b9-q8w7e', 21002, '10.0.1.11', { app: 'api-server' }, production);
export const POSTGRES = pod('production', 'postgres-0', 21003, '10.0.1.12', { app: 'postgres' }, production);
export const PROMETHEUS = pod('monitoring', 'prometheus-0', 22001, '10.0.2.10', { app: 'prometheus' }, nsLabels('monitoring', { purpose: 'monitoring' }));
export const KUBE_DNS = pod('kube-system', 'coredns-6d4b75cb6d-abcde', 102, '10.0.3.10', { 'k8s-app': 'kube-dns' }, nsLabels('kube-system'));
const PAYMENTS: RecordedEnd = { identity: 2, ip: '203.0.113.10', labels: ['reserved:world'] };
const HOST: RecordedEnd = { identity: 1, ip: '10.0.0.1', labels: ['reserved:host'] };

const CONNECTIONS: readonly RecordedConnection[] = [
  { from: FRONTEND, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 300 },
  { from: API, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 200 },
  { from: FRONTEND, to: API, protocol: 'TCP', port: 8080, count: 120 },
  { from: API, to: POSTGRES, protocol: 'TCP', port: 5432, count: 96 },
  { from: PROMETHEUS, to: API, protocol: 'TCP', port: 9090, count: 100 },
  { from: API, to: PAYMENTS, protocol: 'TCP', port: 443, count: 24, names: ['api.payments.example'] },
  { from: HOST, to: API, protocol: 'TCP', port: 8080, count: 50 },
];

/** The recording's lines (with a trailing newline), in time order. */
export function seedRecording(): string {
  return hubbleRecording(CONNECTIONS, { start: T0, spanMs: SPAN_MS, node: 'node-a' });
}
