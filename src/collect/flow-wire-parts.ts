// The parts of a Flow message read by flow-wire.ts: endpoints (each pod's bytes decoded once),
// Layer4 and Layer7, straight from the wire into model.ts objects.
import { InputError } from '../errors.js';
import { TCP_FLAGS, type Endpoint, type Layer4, type Layer7, type TcpFlags, type Workload } from '../model.js';
import { L7_TYPES } from './from-proto.js';
import { LEN, VARINT, type WireReader } from './wire-reader.js';

const L4_CASES = [undefined, 'TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP', 'VRRP', 'IGMP'] as const;

// Key sets and order equal the JSON reader's, so both readers' objects share one hidden class.
export function withIp(ep: Endpoint | undefined, ip: string): Endpoint {
  if (ep === undefined) {
    return { id: undefined, identity: undefined, clusterName: undefined, namespace: undefined, podName: undefined, labels: [], workloads: [], ip: ip || undefined };
  }
  ep.ip = ip || undefined;
  return ep;
}

// The same pod sends the same Endpoint bytes in flow after flow: decoded once, then copied
// (its labels and workloads arrays are shared between those flows: read-only by contract).
const MAX_CACHED_ENDPOINTS = 16_384;
const endpoints = new Map<number, { bytes: Buffer; ep: Endpoint }>();

export function cachedEndpoint(r: WireReader): Endpoint {
  const { buf, end } = r;
  const start = r.pos;
  // Hash the head (endpoint id, identity, namespace) and the tail (pod name, workloads, cluster);
  // the labels in between follow from the identity. The byte compare below decides.
  let h = 0x811c9dc5 ^ (end - start);
  const head = Math.min(end, start + 32);
  for (let i = start; i < head; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  for (let i = Math.max(head, end - 64); i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  const hit = endpoints.get(h);
  if (hit !== undefined && hit.bytes.length === end - start && hit.bytes.compare(buf, start, end) === 0) {
    r.pos = end;
    return { ...hit.ep };
  }
  const ep = endpoint(r);
  if (endpoints.size >= MAX_CACHED_ENDPOINTS) endpoints.clear();
  endpoints.set(h, { bytes: Buffer.from(buf.subarray(start, end)), ep: { ...ep } });
  return ep;
}

function endpoint(r: WireReader): Endpoint {
  let id = 0, identity = 0, clusterName = '', namespace = '', podName = '';
  const labels: string[] = [];
  const workloads: Workload[] = [];
  while (r.pos < r.end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x08: id = r.uint32(); break;
      case 0x10: identity = r.uint32(); break;
      case 0x3a: clusterName = r.string(); break;
      case 0x1a: namespace = r.string(); break;
      case 0x22: labels.push(r.string()); break;
      case 0x2a: podName = r.string(); break;
      case 0x32: workloads.push(r.message(workload)); break;
      default: r.skip(tag & 7);
    }
  }
  return {
    id: id || undefined, identity: identity || undefined, clusterName: clusterName || undefined,
    namespace: namespace || undefined, podName: podName || undefined, labels, workloads, ip: undefined,
  };
}

function workload(r: WireReader): Workload {
  const w: Workload = { name: '', kind: '' };
  while (r.pos < r.end) {
    const t = r.uint32();
    if (t === 0x0a) w.name = r.string();
    else if (t === 0x12) w.kind = r.string();
    else r.skip(t & 7);
  }
  return w;
}

export function layer4(r: WireReader): Layer4 | undefined {
  let out: Layer4 | undefined;
  while (r.pos < r.end) {
    const tag = r.uint32();
    const protocol = (tag & 7) === LEN ? L4_CASES[tag >>> 3] : undefined;
    if (protocol === undefined) {
      r.skip(tag & 7);
      continue;
    }
    const outer = r.enter();
    let a = 0;
    let b = 0;
    const flags: TcpFlags = {};
    while (r.pos < r.end) {
      const t = r.uint32();
      if (t === 0x08) a = r.uint32();
      else if (t === 0x10) b = r.uint32();
      else if (t === 0x1a && protocol === 'TCP') Object.assign(flags, r.message(tcpFlags)); // repeated: merged, as protobuf does
      else r.skip(t & 7);
    }
    r.leave(outer);
    // The same ranges as the JSON reader (from-json-layers.ts) accepts: a port is 16 bits, an ICMP type or code 8.
    const max = protocol === 'ICMPv4' || protocol === 'ICMPv6' ? 0xff : 0xffff;
    if (a > max || b > max) throw new InputError({ file: '' }, `malformed flow: ${protocol} ${protocol.startsWith('ICMP') ? 'type/code' : 'port'} ${Math.max(a, b)} is over ${max}`);
    if (protocol === 'TCP') out = { protocol, sourcePort: a, destinationPort: b, flags };
    else if (protocol === 'UDP' || protocol === 'SCTP') out = { protocol, sourcePort: a, destinationPort: b };
    else if (protocol === 'ICMPv4' || protocol === 'ICMPv6') out = { protocol, type: a, code: b };
    else out = { protocol };
  }
  return out;
}

function tcpFlags(r: WireReader): TcpFlags {
  const set: boolean[] = [];
  while (r.pos < r.end) {
    const tag = r.uint32();
    const i = (tag >>> 3) - 1;
    if ((tag & 7) === VARINT && i >= 0 && i < TCP_FLAGS.length) set[i] = r.bool();
    else r.skip(tag & 7);
  }
  const flags: TcpFlags = {};
  for (let i = 0; i < TCP_FLAGS.length; i++) if (set[i]) flags[TCP_FLAGS[i] as keyof TcpFlags] = true;
  return flags;
}

export function layer7(r: WireReader): Layer7 {
  let type = 0;
  let dns: Layer7['dns'];
  let http: Layer7['http'];
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag === 0x08) type = r.int32();
    else if (tag === 0x322 /* 100 dns */) {
      dns = r.message(dnsOf);
      http = undefined;
    } else if (tag === 0x32a /* 101 http */) {
      http = r.message(httpOf);
      dns = undefined;
    } else r.skip(tag & 7);
  }
  const out: Layer7 = { type: L7_TYPES.name(type) ?? 'UNKNOWN_L7_TYPE' };
  if (dns) out.dns = dns;
  if (http) out.http = http;
  return out;
}

function dnsOf(r: WireReader): NonNullable<Layer7['dns']> {
  const dns = { query: '', ips: [] as string[], rcode: 0 };
  while (r.pos < r.end) {
    const t = r.uint32();
    if (t === 0x0a) dns.query = r.string();
    else if (t === 0x12) dns.ips.push(r.string());
    else if (t === 0x30) dns.rcode = r.uint32();
    else r.skip(t & 7);
  }
  return dns;
}

function httpOf(r: WireReader): NonNullable<Layer7['http']> {
  const http = { method: '', url: '', code: 0 };
  while (r.pos < r.end) {
    const t = r.uint32();
    if (t === 0x08) http.code = r.uint32();
    else if (t === 0x12) http.method = r.string();
    else if (t === 0x1a) http.url = r.string();
    else r.skip(t & 7);
  }
  return http;
}
