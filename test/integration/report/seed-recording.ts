// Writes the seed three-tier scenario (shared/examples/seed-three-tier.json) as a Hubble
// `observe -o jsonpb` recording: one request flow per connection (TCP SYN or a UDP datagram),
// spread evenly over 25 hours so the report has a full day of coverage. Deterministic: the
// fixture beside this file is exactly `seedRecording()` (a test checks it), so the README demo
// and the goldens run on traffic whose every edge is known by hand:
//   frontend → kube-dns UDP/53 ×300, api → kube-dns UDP/53 ×200, frontend → api TCP/8080 ×120,
//   api → postgres TCP/5432 ×96, prometheus (monitoring) → api TCP/9090 ×100,
//   api → 203.0.113.10 (api.payments.example) TCP/443 ×24, host → api TCP/8080 ×50 (kubelet probes).
interface End { namespace?: string; pod?: string; identity: number; ip: string; labels: string[] }

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const SPAN_MS = 25 * 3_600_000;

const nsLabels = (ns: string, extra: Record<string, string> = {}): string[] =>
  Object.entries({ 'kubernetes.io/metadata.name': ns, ...extra }).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`);
const pod = (namespace: string, name: string, identity: number, ip: string, labels: Record<string, string>, ns: string[]): End => ({
  namespace, pod: name, identity, ip,
  labels: [...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`), ...ns, `k8s:io.kubernetes.pod.namespace=${namespace}`].sort(),
});

const production = nsLabels('production');
export const FRONTEND = pod('production', 'frontend-7d9c5b6f4-x2x9k', 21001, '10.0.1.10', { app: 'frontend' }, production);
export const API = pod('production', 'api-5f6d8c7b9-q8w7e', 21002, '10.0.1.11', { app: 'api-server' }, production);
export const POSTGRES = pod('production', 'postgres-0', 21003, '10.0.1.12', { app: 'postgres' }, production);
export const PROMETHEUS = pod('monitoring', 'prometheus-0', 22001, '10.0.2.10', { app: 'prometheus' }, nsLabels('monitoring', { purpose: 'monitoring' }));
export const KUBE_DNS = pod('kube-system', 'coredns-6d4b75cb6d-abcde', 102, '10.0.3.10', { 'k8s-app': 'kube-dns' }, nsLabels('kube-system'));
const PAYMENTS: End = { identity: 2, ip: '203.0.113.10', labels: ['reserved:world'] };
const HOST: End = { identity: 1, ip: '10.0.0.1', labels: ['reserved:host'] };

interface Connection { from: End; to: End; protocol: 'TCP' | 'UDP'; port: number; count: number; names?: string[] }

const CONNECTIONS: readonly Connection[] = [
  { from: FRONTEND, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 300 },
  { from: API, to: KUBE_DNS, protocol: 'UDP', port: 53, count: 200 },
  { from: FRONTEND, to: API, protocol: 'TCP', port: 8080, count: 120 },
  { from: API, to: POSTGRES, protocol: 'TCP', port: 5432, count: 96 },
  { from: PROMETHEUS, to: API, protocol: 'TCP', port: 9090, count: 100 },
  { from: API, to: PAYMENTS, protocol: 'TCP', port: 443, count: 24, names: ['api.payments.example'] },
  { from: HOST, to: API, protocol: 'TCP', port: 8080, count: 50 },
];

function endpoint(e: End): Record<string, unknown> {
  return { ...(e.pod === undefined ? {} : { ID: e.identity % 1000 }), identity: e.identity, ...(e.namespace === undefined ? {} : { namespace: e.namespace }), labels: e.labels, ...(e.pod === undefined ? {} : { pod_name: e.pod }) };
}

function line(c: Connection, i: number, time: number): string {
  const iso = new Date(time).toISOString();
  const sourcePort = 32768 + ((i * 7919) % 28000);
  const l4 = c.protocol === 'TCP'
    ? { TCP: { source_port: sourcePort, destination_port: c.port, flags: { SYN: true } } }
    : { UDP: { source_port: sourcePort, destination_port: c.port } };
  const flow = {
    time: iso, verdict: 'FORWARDED',
    IP: { source: c.from.ip, destination: c.to.ip, ipVersion: 'IPv4' }, l4,
    source: endpoint(c.from), destination: endpoint(c.to), Type: 'L3_L4', node_name: 'node-a',
    ...(c.names === undefined ? {} : { destination_names: c.names }),
    event_type: { type: 4 }, traffic_direction: 'EGRESS', is_reply: false,
  };
  return JSON.stringify({ flow, node_name: 'node-a', time: iso });
}

/** The recording's lines (with a trailing newline), in time order. */
export function seedRecording(): string {
  const events: { time: number; text: string }[] = [];
  CONNECTIONS.forEach((c, k) => {
    for (let i = 0; i < c.count; i++) {
      const time = T0 + Math.floor(((i + 0.5) * SPAN_MS) / c.count) + k * 1000;
      events.push({ time, text: line(c, k * 1000 + i, time) });
    }
  });
  events.sort((a, b) => a.time - b.time || (a.text < b.text ? -1 : 1));
  return events.map((e) => `${e.text}\n`).join('');
}
