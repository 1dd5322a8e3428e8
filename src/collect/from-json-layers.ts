// protojson → Layer4 / Layer7 / EventType (the nested parts of a Flow), same conventions as
// from-json.ts: absent numbers are 0, TCP flags keep only the ones that are set.
import type { EventType, L7Type, Layer4, Layer7, TcpFlags } from '../model.js';
import {
  type JsonObject, fieldError, optEnum, optInt, optObject, optString, optUint, stringList,
} from './json-fields.js';

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'] as const;
const L7_TYPES: readonly L7Type[] = ['UNKNOWN_L7_TYPE', 'REQUEST', 'RESPONSE', 'SAMPLE'];
const PORT_MAX = 65535;

/** `l4` holds exactly one protocol; an empty `l4` object is treated as absent. */
export function layer4FromJson(o: JsonObject, path: string): Layer4 | undefined {
  const tcp = optObject(o, 'TCP', 'TCP', path);
  if (tcp !== undefined) {
    const p = `${path}.TCP`;
    return { protocol: 'TCP', ...ports(tcp, p), flags: tcpFlags(optObject(tcp, 'flags', 'flags', p), `${p}.flags`) };
  }
  const udp = optObject(o, 'UDP', 'UDP', path);
  if (udp !== undefined) return { protocol: 'UDP', ...ports(udp, `${path}.UDP`) };
  const sctp = optObject(o, 'SCTP', 'SCTP', path);
  if (sctp !== undefined) return { protocol: 'SCTP', ...ports(sctp, `${path}.SCTP`) };
  for (const protocol of ['ICMPv4', 'ICMPv6'] as const) {
    const icmp = optObject(o, protocol, protocol, path);
    if (icmp !== undefined) {
      const p = `${path}.${protocol}`;
      return { protocol, type: optUint(icmp, 'type', 'type', p, 255) ?? 0, code: optUint(icmp, 'code', 'code', p, 255) ?? 0 };
    }
  }
  if (optObject(o, 'VRRP', 'VRRP', path) !== undefined) return { protocol: 'VRRP' };
  if (optObject(o, 'IGMP', 'IGMP', path) !== undefined) return { protocol: 'IGMP' };
  return undefined;
}

function ports(o: JsonObject, path: string): { sourcePort: number; destinationPort: number } {
  return {
    sourcePort: optUint(o, 'source_port', 'sourcePort', path, PORT_MAX) ?? 0,
    destinationPort: optUint(o, 'destination_port', 'destinationPort', path, PORT_MAX) ?? 0,
  };
}

function tcpFlags(o: JsonObject | undefined, path: string): TcpFlags {
  const flags: TcpFlags = {};
  if (o === undefined) return flags;
  for (const name of TCP_FLAGS) {
    const v = o[name];
    if (v === true) flags[name] = true;
    else if (v !== undefined && v !== null && v !== false) throw fieldError(path, name, 'expected true or false');
  }
  return flags;
}

export function layer7FromJson(o: JsonObject, path: string): Layer7 {
  const dns = optObject(o, 'dns', 'dns', path);
  const http = optObject(o, 'http', 'http', path);
  const l7: Layer7 = { type: optEnum(o, 'type', 'type', path, L7_TYPES, 'UNKNOWN_L7_TYPE') ?? 'UNKNOWN_L7_TYPE' };
  if (dns !== undefined) {
    const p = `${path}.dns`;
    l7.dns = { query: optString(dns, 'query', 'query', p) ?? '', ips: stringList(dns, 'ips', 'ips', p), rcode: optUint(dns, 'rcode', 'rcode', p) ?? 0 };
  }
  if (http !== undefined) {
    const p = `${path}.http`;
    l7.http = { method: optString(http, 'method', 'method', p) ?? '', url: optString(http, 'url', 'url', p) ?? '', code: optUint(http, 'code', 'code', p) ?? 0 };
  }
  return l7;
}

export function eventTypeFromJson(o: JsonObject, path: string): EventType {
  return { type: optInt(o, 'type', 'type', path) ?? 0, subType: optInt(o, 'sub_type', 'subType', path) ?? 0 };
}
