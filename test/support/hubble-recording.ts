// Hand-written Hubble `observe -o jsonpb` recordings for tests: connections between endpoints,
// one request flow per connection (TCP SYN or a UDP datagram) spread evenly over a time span.
// Deterministic: the same connections give the same lines, byte for byte.

/** One end of a flow: a pod (namespace, pod name, Cilium labels) or a reserved identity. */
export interface RecordedEnd { namespace?: string; pod?: string; identity: number; ip: string; labels: string[] }

export interface RecordedConnection { from: RecordedEnd; to: RecordedEnd; protocol: 'TCP' | 'UDP'; port: number; count: number; names?: string[] }

/** A namespace's own labels as Cilium puts them on its pods (`kubernetes.io/metadata.name` first). */
export const namespaceLabels = (ns: string, extra: Record<string, string> = {}): string[] =>
  Object.entries({ 'kubernetes.io/metadata.name': ns, ...extra }).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`);

/** A pod end: its labels as `k8s:` labels, its namespace's labels and the namespace label. */
export const podEnd = (namespace: string, name: string, identity: number, ip: string, labels: Record<string, string>, ns: string[]): RecordedEnd => ({
  namespace, pod: name, identity, ip,
  labels: [...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`), ...ns, `k8s:io.kubernetes.pod.namespace=${namespace}`].sort(),
});

function endpoint(e: RecordedEnd): Record<string, unknown> {
  return { ...(e.pod === undefined ? {} : { ID: e.identity % 1000 }), identity: e.identity, ...(e.namespace === undefined ? {} : { namespace: e.namespace }), labels: e.labels, ...(e.pod === undefined ? {} : { pod_name: e.pod }) };
}

function line(c: RecordedConnection, i: number, time: number, node: string): string {
  const iso = new Date(time).toISOString();
  const sourcePort = 32768 + ((i * 7919) % 28000);
  const l4 = c.protocol === 'TCP'
    ? { TCP: { source_port: sourcePort, destination_port: c.port, flags: { SYN: true } } }
    : { UDP: { source_port: sourcePort, destination_port: c.port } };
  const flow = {
    time: iso, verdict: 'FORWARDED',
    IP: { source: c.from.ip, destination: c.to.ip, ipVersion: 'IPv4' }, l4,
    source: endpoint(c.from), destination: endpoint(c.to), Type: 'L3_L4', node_name: node,
    ...(c.names === undefined ? {} : { destination_names: c.names }),
    event_type: { type: 4 }, traffic_direction: 'EGRESS', is_reply: false,
  };
  return JSON.stringify({ flow, node_name: node, time: iso });
}

/** The recording's lines (each with its newline), in time order. */
export function hubbleRecording(connections: readonly RecordedConnection[], options: { start: number; spanMs: number; node: string }): string {
  const events: { time: number; text: string }[] = [];
  connections.forEach((c, k) => {
    for (let i = 0; i < c.count; i++) {
      const time = options.start + Math.floor(((i + 0.5) * options.spanMs) / c.count) + k * 1000;
      events.push({ time, text: line(c, k * 1000 + i, time, options.node) });
    }
  });
  events.sort((a, b) => a.time - b.time || (a.text < b.text ? -1 : 1));
  return events.map((e) => `${e.text}\n`).join('');
}
