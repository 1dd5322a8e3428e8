// protojson → Layer4 / Layer7 / EventType (the nested parts of a Flow), same conventions as
// from-json.ts: absent numbers are 0, TCP flags keep only the ones that are set.
import { L7_TYPES, TCP_FLAGS, type EventType, type Layer4, type Layer7, type TcpFlags } from '../model.js';
import { type JsonObject, enumOf, fieldError, int, isObject, obj, str, strList, uint } from './json-fields.js';

const PORT_MAX = 65535;

/** JSON paths of a flow's parts, built once per prefix ('flow' in an envelope, '' when bare). */
export type FlowPaths = ReturnType<typeof flowPaths>;

export function flowPaths(prefix: string) {
  const at = (key: string): string => (prefix === '' ? key : `${prefix}.${key}`);
  return {
    flow: prefix, ip: at('IP'), source: at('source'), destination: at('destination'), eventType: at('event_type'),
    l4: at('l4'), TCP: at('l4.TCP'), flags: at('l4.TCP.flags'), UDP: at('l4.UDP'), SCTP: at('l4.SCTP'),
    ICMPv4: at('l4.ICMPv4'), ICMPv6: at('l4.ICMPv6'), l7: at('l7'), dns: at('l7.dns'), http: at('l7.http'),
  };
}

/** `l4` holds exactly one protocol; an `l4` without a known one is treated as absent. */
export function layer4FromJson(o: JsonObject, p: FlowPaths): Layer4 | undefined {
  // Every flow has one: ports and flags are read in the hot-path idiom of json-fields.ts.
  const tcp = o.TCP;
  const l = isObject(tcp) ? tcp : obj(tcp, p.l4, 'TCP');
  if (l !== undefined) {
    const flags = l.flags;
    return {
      protocol: 'TCP',
      sourcePort: port(l.source_port ?? l.sourcePort, p.TCP, 'source_port'),
      destinationPort: port(l.destination_port ?? l.destinationPort, p.TCP, 'destination_port'),
      flags: tcpFlags(isObject(flags) ? flags : obj(flags, p.TCP, 'flags'), p.flags),
    };
  }
  for (const protocol of ['UDP', 'SCTP'] as const) {
    const l = obj(o[protocol], p.l4, protocol);
    if (l !== undefined) {
      return {
        protocol,
        sourcePort: port(l.source_port ?? l.sourcePort, p[protocol], 'source_port'),
        destinationPort: port(l.destination_port ?? l.destinationPort, p[protocol], 'destination_port'),
      };
    }
  }
  for (const protocol of ['ICMPv4', 'ICMPv6'] as const) {
    const icmp = obj(o[protocol], p.l4, protocol);
    if (icmp !== undefined) {
      return { protocol, type: uint(icmp.type, p[protocol], 'type', 255) ?? 0, code: uint(icmp.code, p[protocol], 'code', 255) ?? 0 };
    }
  }
  if (obj(o.VRRP, p.l4, 'VRRP') !== undefined) return { protocol: 'VRRP' };
  if (obj(o.IGMP, p.l4, 'IGMP') !== undefined) return { protocol: 'IGMP' };
  return undefined;
}

function port(v: unknown, path: string, key: string): number {
  return typeof v === 'number' && v >= 0 && v <= PORT_MAX && Number.isInteger(v) ? v : uint(v, path, key, PORT_MAX) ?? 0;
}

/** The flags set to true; one that is not a boolean throws (the first in TCP_FLAGS order). */
function tcpFlags(o: JsonObject | undefined, path: string): TcpFlags {
  const flags: TcpFlags = {};
  if (o === undefined) return flags;
  // Plain property reads (inline caches): faster than walking the object's keys.
  const { FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, NS } = o;
  if (FIN === true) flags.FIN = true;
  if (SYN === true) flags.SYN = true;
  if (RST === true) flags.RST = true;
  if (PSH === true) flags.PSH = true;
  if (ACK === true) flags.ACK = true;
  if (URG === true) flags.URG = true;
  if (ECE === true) flags.ECE = true;
  if (CWR === true) flags.CWR = true;
  if (NS === true) flags.NS = true;
  if (!isFlag(FIN) || !isFlag(SYN) || !isFlag(RST) || !isFlag(PSH) || !isFlag(ACK) || !isFlag(URG) || !isFlag(ECE) || !isFlag(CWR) || !isFlag(NS)) {
    return badTcpFlag(o, path);
  }
  return flags;
}

const isFlag = (v: unknown): boolean => v === undefined || v === null || typeof v === 'boolean';

function badTcpFlag(o: JsonObject, path: string): never {
  const name = TCP_FLAGS.find((n) => { const v = o[n]; return v !== undefined && v !== null && typeof v !== 'boolean'; }) ?? 'flags';
  throw fieldError(path, name, 'expected true or false');
}

/** `l7`: the record type and the DNS/HTTP fields flowpol uses. */
export function layer7FromJson(o: JsonObject, p: FlowPaths): Layer7 {
  const dns = obj(o.dns, p.l7, 'dns');
  const http = obj(o.http, p.l7, 'http');
  const l7: Layer7 = { type: enumOf(o.type, p.l7, 'type', L7_TYPES, 'UNKNOWN_L7_TYPE') };
  if (dns !== undefined) {
    l7.dns = { query: str(dns.query, p.dns, 'query') ?? '', ips: strList(dns.ips, p.dns, 'ips'), rcode: uint(dns.rcode, p.dns, 'rcode') ?? 0 };
  }
  if (http !== undefined) {
    l7.http = { method: str(http.method, p.http, 'method') ?? '', url: str(http.url, p.http, 'url') ?? '', code: uint(http.code, p.http, 'code') ?? 0 };
  }
  return l7;
}

/** `event_type`: Cilium monitor type and sub-type (absent sub_type is 0). */
export function eventTypeFromJson(o: JsonObject, path: string): EventType {
  return { type: int(o.type, path, 'type') ?? 0, subType: int(o.sub_type ?? o.subType, path, 'sub_type') ?? 0 };
}
