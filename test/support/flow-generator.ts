// Seeded generator of realistic Hubble `observe -o jsonpb` lines (~1.5 kB each): many namespaces
// and workloads, TCP connections seen at both ends (SYN, SYN-ACK reply, ACKs), DNS to kube-dns
// with L7 records, world egress with destination_names, policy drops, and rare lost events.
// The same seed always yields the same bytes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface GeneratorOptions {
  seed: number;
  /** Number of lines (events) to write. */
  flows: number;
  namespaces?: number;
  /** Epoch ms of the first event. */
  startTime?: number;
  /** Mean gap between two connections in ms (default 20: ~150 events/s, hours per 1M lines). */
  meanGapMs?: number;
  /** Every this many lines emit a lost_events record (0 = never). */
  lostEvery?: number;
}

interface Workload { ns: string; app: string; version: string; hash: string; identity: number; ip: string; port: number; nsLabels: string[] }

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = ['web', 'api', 'cart', 'checkout', 'catalog', 'users', 'auth', 'search', 'orders', 'billing', 'mailer', 'worker'];
const EXTERNAL = [
  { ip: '140.82.121.4', names: ['github.com'] }, { ip: '104.16.24.35', names: ['registry.npmjs.org'] },
  { ip: '93.184.215.14', names: ['example.com'] }, { ip: '52.95.110.1', names: ['s3.amazonaws.com'] },
];

/** Lines of JSON (no trailing newline), deterministic for a seed. */
export function* generateFlowLines(opts: GeneratorOptions): Generator<string> {
  const rand = mulberry32(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const workloads: Workload[] = [];
  const nsCount = opts.namespaces ?? 24;
  for (let n = 0; n < nsCount; n++) {
    const ns = `team-${n}`;
    const nsLabels = [`k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${ns}`, `k8s:io.cilium.k8s.namespace.labels.team=t${n % 5}`];
    const apps = 3 + Math.floor(rand() * 6);
    for (let a = 0; a < apps; a++) {
      const id = workloads.length;
      workloads.push({
        ns, app: APPS[a % APPS.length] as string, version: `v${1 + (a % 2)}`, hash: Math.floor(rand() * 1e10).toString(36),
        identity: 20000 + id, ip: `10.${n}.${a}.${10 + Math.floor(rand() * 200)}`, port: pick([80, 8080, 443, 5432, 6379, 9090]), nsLabels,
      });
    }
  }
  const dns: Workload = { ns: 'kube-system', app: 'kube-dns', version: 'v1', hash: 'c9b7d', identity: 102, ip: '10.96.0.10', port: 53, nsLabels: ['k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=kube-system'] };
  // Each workload talks to two or three others (mostly in its namespace).
  const peers = workloads.map((w) => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => {
    const same = workloads.filter((o) => o.ns === w.ns && o !== w);
    return rand() < 0.8 && same.length > 0 ? pick(same) : pick(workloads);
  }));
  let time = opts.startTime ?? Date.UTC(2026, 0, 5, 8, 0, 0);
  let count = 0;
  let uuid = 0;
  const lostEvery = opts.lostEvery ?? 0;
  let nextLost = lostEvery;
  const meanGap = opts.meanGapMs ?? 20;
  const line = (flow: Record<string, unknown>): string => {
    count++;
    const t = iso(time, Math.floor(rand() * 1000));
    return JSON.stringify({ flow: { time: t, uuid: uuidOf(opts.seed, ++uuid), ...flow }, node_name: flow['node_name'], time: t });
  };
  while (count < opts.flows) {
    time += Math.floor(rand() * 2 * meanGap);
    if (lostEvery > 0 && count >= nextLost) {
      nextLost += lostEvery;
      count++;
      yield JSON.stringify({ lost_events: { source: 'PERF_EVENT_RING_BUFFER', num_events_lost: String(1 + Math.floor(rand() * 50)), cpu: 1 }, node_name: 'node-1', time: iso(time, 0) });
      continue;
    }
    const idx = Math.floor(rand() * workloads.length);
    const client = workloads[idx] as Workload;
    const r = rand();
    const sport = 32768 + Math.floor(rand() * 28000);
    if (r < 0.15) {
      // DNS query and answer (L7 records through the DNS proxy)
      const name = pick(EXTERNAL).names[0] as string;
      yield line(dnsFlow(client, dns, sport, name, false));
      if (count < opts.flows) yield line(dnsFlow(client, dns, sport, name, true));
    } else if (r < 0.25) {
      const ext = pick(EXTERNAL);
      yield line(tcpFlow(client, undefined, sport, 443, { SYN: true }, false, 'FORWARDED', ext));
      if (count < opts.flows) yield line(tcpFlow(client, undefined, sport, 443, { SYN: true, ACK: true }, true, 'FORWARDED', ext));
    } else if (r < 0.3) {
      const target = pick(workloads);
      yield line(tcpFlow(client, target, sport, 22, { SYN: true }, undefined, 'DROPPED'));
    } else {
      const server = pick(peers[idx] as Workload[]);
      const steps: [Record<string, boolean>, boolean][] = [[{ SYN: true }, false], [{ SYN: true, ACK: true }, true], [{ ACK: true }, false], [{ ACK: true, PSH: true }, false], [{ ACK: true, FIN: true }, true]];
      for (const [flags, reply] of steps) {
        if (count >= opts.flows) break;
        yield line(tcpFlow(client, server, sport, server.port, flags, reply, 'FORWARDED'));
      }
    }
  }
}

/** Write `opts.flows` lines to `path`. */
export async function writeFlowFile(path: string, opts: GeneratorOptions): Promise<{ lines: number; bytes: number }> {
  const out = createWriteStream(path);
  let lines = 0;
  let bytes = 0;
  let buf = '';
  for (const l of generateFlowLines(opts)) {
    buf += `${l}\n`;
    lines++;
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return { lines, bytes };
}

function endpoint(w: Workload, local: boolean): Record<string, unknown> {
  return {
    ...(local ? { ID: 1000 + (w.identity % 3000) } : {}), identity: w.identity, cluster_name: 'default', namespace: w.ns,
    labels: [
      `k8s:app=${w.app}`, ...w.nsLabels, 'k8s:io.cilium.k8s.policy.cluster=default', `k8s:io.cilium.k8s.policy.serviceaccount=${w.app}`,
      `k8s:io.kubernetes.pod.namespace=${w.ns}`, `k8s:pod-template-hash=${w.hash}`, `k8s:version=${w.version}`,
    ],
    pod_name: `${w.app}-${w.hash}-x${w.identity % 97}`,
    ...(local ? { workloads: [{ name: w.app, kind: 'Deployment' }] } : {}),
  };
}

const WORLD = { identity: 2, labels: ['reserved:world'] };

function common(client: Workload, reply: boolean | undefined, verdict: string): Record<string, unknown> {
  return {
    verdict, ethernet: { source: '3a:1e:2c:4b:9f:01', destination: '7e:44:de:10:aa:02' },
    Type: 'L3_L4', node_name: `kind-worker${1 + (client.identity % 3)}`, node_labels: ['kubernetes.io/arch=amd64', 'kubernetes.io/os=linux'],
    ...(reply === undefined ? {} : { is_reply: reply }),
    traffic_direction: 'EGRESS', trace_observation_point: verdict === 'DROPPED' ? undefined : 'FROM_ENDPOINT',
    interface: { index: 12 + (client.identity % 20), name: `lxc${client.hash.slice(0, 8)}` },
    emitter: { name: 'Hubble', version: '1.19.1+gd0d0c879' },
  };
}

function tcpFlow(client: Workload, server: Workload | undefined, sport: number, dport: number, flags: Record<string, boolean>, reply: boolean | undefined, verdict: string, ext?: { ip: string; names: string[] }): Record<string, unknown> {
  const dstIp = server?.ip ?? ext?.ip ?? '0.0.0.0';
  const [src, dst, sp, dp] = reply === true ? [dstIp, client.ip, dport, sport] : [client.ip, dstIp, sport, dport];
  const srcEp = reply === true ? (server ? endpoint(server, false) : WORLD) : endpoint(client, true);
  const dstEp = reply === true ? endpoint(client, true) : (server ? endpoint(server, false) : WORLD);
  return {
    ...common(client, reply, verdict), IP: { source: src, destination: dst, ipVersion: 'IPv4' },
    l4: { TCP: { source_port: sp, destination_port: dp, flags } }, source: srcEp, destination: dstEp,
    ...(ext && reply !== true ? { destination_names: ext.names } : {}), ...(ext && reply === true ? { source_names: ext.names } : {}),
    event_type: verdict === 'DROPPED' ? { type: 1, sub_type: 133 } : { type: 4 },
    ...(verdict === 'DROPPED' ? { drop_reason: 133, drop_reason_desc: 'POLICY_DENIED' } : {}),
    Summary: `TCP Flags: ${Object.keys(flags).join(', ')}`,
  };
}

function dnsFlow(client: Workload, dns: Workload, sport: number, name: string, reply: boolean): Record<string, unknown> {
  return {
    ...common(client, reply, 'FORWARDED'), Type: 'L7',
    IP: reply ? { source: dns.ip, destination: client.ip, ipVersion: 'IPv4' } : { source: client.ip, destination: dns.ip, ipVersion: 'IPv4' },
    l4: { UDP: reply ? { source_port: 53, destination_port: sport } : { source_port: sport, destination_port: 53 } },
    source: reply ? endpoint(dns, false) : endpoint(client, true), destination: reply ? endpoint(client, true) : endpoint(dns, false),
    event_type: { type: 129 },
    l7: { type: reply ? 'RESPONSE' : 'REQUEST', latency_ns: reply ? '412000' : undefined, dns: { query: `${name}.`, ...(reply ? { ips: ['140.82.121.4'], ttl: 30, rrtypes: ['A'] } : {}), observation_source: 'proxy', qtypes: ['A'] } },
    Summary: reply ? `DNS Answer "140.82.121.4" TTL: 30 (Proxy ${name}. A)` : `DNS Query ${name}. A`,
  };
}

function iso(ms: number, extraMicros: number): string {
  return new Date(ms).toISOString().replace('Z', `${String(extraMicros).padStart(3, '0')}Z`);
}

function uuidOf(seed: number, n: number): string {
  const hex = (n * 2654435761 + seed).toString(16).padStart(12, '0').slice(-12);
  return `6b3a${hex.slice(0, 4)}-1f2e-4c5d-9e8f-${hex}`;
}
