// The hand-off of `collect --workers`: a parse thread's converted lines, packed so the main
// thread rebuilds each FlowEvent for a fraction of what parsing it cost. Structured clone of the
// events themselves would cost more than the parse (sessions 7 and 11 measured 12–17 µs a flow);
// the generated protobuf encoder and a hand-written one, 14 and 4 µs to write plus 2.5 µs to read.
//
// Per line: a fixed row of numbers (Float64Array, transferred, not copied), the line's strings in
// a flat list, and its endpoints as ids into a table the packer keeps. A recording repeats a few
// hundred endpoints, so each is sent once per thread and then shared by every flow that has it
// (as flow-wire-parts.ts's cachedEndpoint shares them: read-only by contract). Rare things (lost
// events, node status, conversion errors) travel as plain objects. unpack(pack(e)) deep-equals e.
import type { Endpoint, Flow, FlowEvent, Layer4, Layer7, TcpFlags } from '../model.js';
import { FLOW_TYPES, L4_PROTOCOLS, L7_TYPES, OBSERVED_VERDICTS, TCP_FLAGS, TRAFFIC_DIRECTIONS } from '../model.js';
import { InputError } from '../errors.js';
import { sameStrings } from '../order.js';

/** The lines of one chunk, as a parse thread hands them over. */
export interface PackedLines {
  /** Each line's start, relative to the chunk. */
  offsets: Int32Array;
  /** STRIDE numbers per line. */
  nums: Float64Array;
  strs: string[];
  /** Non-flow events and conversion errors, in line order. */
  objs: (FlowEvent | PackedError)[];
  /** Endpoints first used in this chunk; their ids follow the table's current end. */
  endpoints: Endpoint[];
  /** The packer started its endpoint table again before this chunk (it keeps a bounded number). */
  reset: boolean;
}

/** An InputError of eventFromJson, without the file and line the reader adds. */
export interface PackedError { reason: string; code: InputError['code']; field: string | undefined }

/** A line's row: what each of its STRIDE numbers holds (NaN: absent). */
export const Col = {
  Kind: 0, Time: 1, Source: 2, Destination: 3, Verdict: 4, Direction: 5, IsReply: 6, FlowType: 7, EventType: 8, EventSubType: 9,
  IpVersion: 10, PolicyMatch: 11, L4: 12, PortA: 13, PortB: 14, TcpFlags: 15, L7Type: 16, L7Records: 17, Strings: 18,
  SourceNames: 19, DestinationNames: 20, DnsRcode: 21, DnsIps: 22, HttpCode: 23,
} as const;
export const STRIDE = 24;
/** Errors and non-flow events one chunk carries at most (see FlowPacker.add). */
const MAX_OBJECTS = 256;
/** Col.Kind: a flow, an object in `objs` (an error, a lost event, node status), an agent or a debug event. */
export const FLOW = 1, OBJECT = 2, AGENT_EVENT = 3, DEBUG_EVENT = 4;
/** Col.Strings bits, in the order their strings are listed (then source names, destination names, DNS, HTTP). */
export const UUID = 1, DROP = 2, POINT = 4, NODE = 8, SRC_IP = 16, DST_IP = 32;
/** Col.L7Records bits. */
export const DNS = 1, HTTP = 2;

const indexOf = <T>(list: readonly T[], value: T): number => list.indexOf(value);
const num = (n: number | undefined): number => (n === undefined ? NaN : n);

/** Packs converted lines, chunk after chunk, in a parse thread. */
export class FlowPacker {
  /** `maxEndpoints`: the table is started again after a chunk that brings it to this size. */
  constructor(private readonly maxEndpoints = 8192) {}

  private table = new Map<string, { ep: Endpoint; id: number }[]>();
  private size = 0;
  private reset = false;
  private offsets = new Int32Array(1024);
  private nums = new Float64Array(1024 * STRIDE);
  private lines = 0;
  private strs: string[] = [];
  private objs: (FlowEvent | PackedError)[] = [];
  private endpoints: Endpoint[] = [];

  /**
   * Pack the line at `offset`. A chunk carries at most MAX_OBJECTS errors and non-flow events:
   * past that the line is left out (false), for the reader to parse itself. A file of bad records
   * would otherwise send one cloned error per line, hundreds of thousands per chunk.
   */
  add(offset: number, converted: FlowEvent | InputError): boolean {
    const object = converted instanceof InputError || (converted.kind !== 'flow' && converted.kind !== 'other');
    if (object && this.objs.length >= MAX_OBJECTS) return false;
    if (this.lines === this.offsets.length) this.grow();
    this.offsets[this.lines] = offset;
    const row = this.lines++ * STRIDE;
    this.nums.fill(NaN, row, row + STRIDE);
    if (converted instanceof InputError) {
      this.nums[row] = OBJECT;
      this.objs.push({ reason: converted.reason, code: converted.code, field: converted.location.field });
    } else if (converted.kind === 'other') {
      this.nums[row] = converted.what === 'agent_event' ? AGENT_EVENT : DEBUG_EVENT;
    } else if (converted.kind !== 'flow') {
      this.nums[row] = OBJECT;
      this.objs.push(converted);
    } else {
      this.flow(row, converted.flow);
    }
    return true;
  }

  /** The lines added since the last finish(). */
  finish(): PackedLines {
    const out: PackedLines = {
      offsets: this.offsets.slice(0, this.lines), nums: this.nums.slice(0, this.lines * STRIDE), strs: this.strs, objs: this.objs,
      endpoints: this.endpoints, reset: this.reset,
    };
    this.lines = 0;
    this.strs = [];
    this.objs = [];
    this.endpoints = [];
    this.reset = false;
    if (this.size >= this.maxEndpoints) {
      this.table.clear();
      this.size = 0;
      this.reset = true;
    }
    return out;
  }

  private grow(): void {
    const offsets = new Int32Array(2 * this.offsets.length);
    offsets.set(this.offsets);
    const nums = new Float64Array(2 * this.nums.length);
    nums.set(this.nums);
    this.offsets = offsets;
    this.nums = nums;
  }

  private flow(row: number, f: Flow): void {
    const n = this.nums;
    n[row] = FLOW;
    n[row + Col.Time] = f.time;
    n[row + Col.Source] = this.endpointId(f.source);
    n[row + Col.Destination] = this.endpointId(f.destination);
    n[row + Col.Verdict] = indexOf(OBSERVED_VERDICTS, f.observedVerdict);
    n[row + Col.Direction] = indexOf(TRAFFIC_DIRECTIONS, f.trafficDirection);
    n[row + Col.IsReply] = f.isReply === undefined ? NaN : f.isReply ? 1 : 0;
    n[row + Col.FlowType] = f.flowType === undefined ? NaN : indexOf(FLOW_TYPES, f.flowType);
    if (f.eventType !== undefined) {
      n[row + Col.EventType] = f.eventType.type;
      n[row + Col.EventSubType] = f.eventType.subType;
    }
    n[row + Col.IpVersion] = f.ipVersion === undefined ? NaN : f.ipVersion === 'IPv4' ? 4 : 6;
    n[row + Col.PolicyMatch] = num(f.policyMatchType);
    if (f.l4 !== undefined) this.layer4(row, f.l4);
    let present = 0;
    const s = this.strs;
    if (f.uuid !== undefined) { present |= UUID; s.push(f.uuid); }
    if (f.dropReason !== undefined) { present |= DROP; s.push(f.dropReason); }
    if (f.traceObservationPoint !== undefined) { present |= POINT; s.push(f.traceObservationPoint); }
    if (f.nodeName !== undefined) { present |= NODE; s.push(f.nodeName); }
    if (f.source.ip !== undefined) { present |= SRC_IP; s.push(f.source.ip); }
    if (f.destination.ip !== undefined) { present |= DST_IP; s.push(f.destination.ip); }
    n[row + Col.Strings] = present;
    for (const name of f.sourceNames) s.push(name);
    for (const name of f.destinationNames) s.push(name);
    n[row + Col.SourceNames] = f.sourceNames.length;
    n[row + Col.DestinationNames] = f.destinationNames.length;
    if (f.l7 !== undefined) this.layer7(row, f.l7);
  }

  private layer4(row: number, l4: Layer4): void {
    const n = this.nums;
    n[row + Col.L4] = indexOf(L4_PROTOCOLS, l4.protocol);
    if (l4.protocol === 'TCP' || l4.protocol === 'UDP' || l4.protocol === 'SCTP') {
      n[row + Col.PortA] = l4.sourcePort;
      n[row + Col.PortB] = l4.destinationPort;
    } else if (l4.protocol === 'ICMPv4' || l4.protocol === 'ICMPv6') {
      n[row + Col.PortA] = l4.type;
      n[row + Col.PortB] = l4.code;
    }
    if (l4.protocol === 'TCP') {
      let bits = 0;
      for (let i = 0; i < TCP_FLAGS.length; i++) if (l4.flags[TCP_FLAGS[i] as keyof TcpFlags] === true) bits |= 1 << i;
      n[row + Col.TcpFlags] = bits;
    }
  }

  private layer7(row: number, l7: Layer7): void {
    const n = this.nums;
    n[row + Col.L7Type] = indexOf(L7_TYPES, l7.type);
    let records = 0;
    if (l7.dns !== undefined) {
      records |= DNS;
      this.strs.push(l7.dns.query, ...l7.dns.ips);
      n[row + Col.DnsRcode] = l7.dns.rcode;
      n[row + Col.DnsIps] = l7.dns.ips.length;
    }
    if (l7.http !== undefined) {
      records |= HTTP;
      this.strs.push(l7.http.method, l7.http.url);
      n[row + Col.HttpCode] = l7.http.code;
    }
    n[row + Col.L7Records] = records;
  }

  /** The endpoint's id in the table (without its IP, which is per flow), added when new. */
  private endpointId(ep: Endpoint): number {
    const key = ep.podName ?? `#${ep.identity ?? 0}`;
    let entries = this.table.get(key);
    if (entries === undefined) this.table.set(key, (entries = []));
    for (const entry of entries) if (sameEndpoint(entry.ep, ep)) return entry.id;
    const stored: Endpoint = { ...ep, ip: undefined };
    const id = this.size++;
    entries.push({ ep: stored, id });
    this.endpoints.push(stored);
    return id;
  }
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  if (a.id !== b.id || a.identity !== b.identity || a.namespace !== b.namespace || a.podName !== b.podName || a.clusterName !== b.clusterName) return false;
  if (!sameStrings(a.labels, b.labels)) return false;
  const wa = a.workloads, wb = b.workloads;
  if (wa.length !== wb.length) return false;
  for (let i = 0; i < wa.length; i++) if (wa[i]?.name !== wb[i]?.name || wa[i]?.kind !== wb[i]?.kind) return false;
  return true;
}
