// The main thread's side of flow-pack.ts: a parse thread's packed lines back into FlowEvents,
// each built only when the reader reaches its line (json-values.ts asks by stream offset).
import type { Endpoint, Flow, FlowEvent, Layer4, Layer7, TcpFlags } from '../model.js';
import { FLOW_TYPES, L4_PROTOCOLS, L7_TYPES, OBSERVED_VERDICTS, TCP_FLAGS, TRAFFIC_DIRECTIONS } from '../model.js';
import type { PrecomputedLines } from './json-values.js';
import {
  AGENT_EVENT, Col, DEBUG_EVENT, DNS, DROP, DST_IP, FLOW, HTTP, NODE, OBJECT, POINT, SRC_IP, STRIDE, UUID,
  type PackedError, type PackedLines,
} from './flow-pack.js';

/** One per parse thread: it mirrors that thread's endpoint table. */
export class FlowUnpacker {
  private table: Endpoint[] = [];

  /**
   * A chunk's packed lines, given in the order the thread sent them. Endpoint ids are resolved
   * now: the chunk may be read after a later one of the same thread started the table again.
   */
  receive(packed: PackedLines, chunkStart: number): PackedCursor {
    if (packed.reset) this.table = [];
    for (const ep of packed.endpoints) this.table.push(ep);
    const { nums } = packed;
    const lines = packed.offsets.length;
    const endpoints: Endpoint[] = new Array<Endpoint>(2 * lines);
    for (let i = 0, r = 0; i < lines; i++, r += STRIDE) {
      if (nums[r + Col.Kind] !== FLOW) continue;
      endpoints[2 * i] = this.table[nums[r + Col.Source] as number] as Endpoint;
      endpoints[2 * i + 1] = this.table[nums[r + Col.Destination] as number] as Endpoint;
    }
    return new PackedCursor(packed, endpoints, chunkStart);
  }
}

/** The converted lines of one chunk, taken in stream order. */
export class PackedCursor implements PrecomputedLines {
  private line = 0;
  private str = 0;
  private obj = 0;

  constructor(private readonly packed: PackedLines, private readonly endpoints: Endpoint[], private readonly chunkStart: number) {}

  /** The event (or conversion error) of the line starting at stream offset `offset`; undefined if this chunk has none. */
  take(offset: number): FlowEvent | PackedError | undefined {
    const at = offset - this.chunkStart;
    const { offsets } = this.packed;
    while (this.line < offsets.length && (offsets[this.line] as number) < at) this.skip();
    if (this.line >= offsets.length || offsets[this.line] !== at) return undefined;
    const r = this.line * STRIDE;
    const kind = this.packed.nums[r + Col.Kind];
    if (kind !== FLOW) {
      this.line++;
      if (kind === AGENT_EVENT) return { kind: 'other', what: 'agent_event' };
      if (kind === DEBUG_EVENT) return { kind: 'other', what: 'debug_event' };
      return this.packed.objs[this.obj++];
    }
    const flow = this.flow(r, this.line);
    this.line++;
    return { kind: 'flow', flow };
  }

  /** Pass a line the reader did not ask for (it read it another way). */
  private skip(): void {
    const n = this.packed.nums;
    const r = this.line++ * STRIDE;
    const kind = n[r + Col.Kind];
    if (kind !== FLOW) {
      if (kind === OBJECT) this.obj++;
      return;
    }
    let count = (n[r + Col.SourceNames] as number) + (n[r + Col.DestinationNames] as number);
    for (let bits = n[r + Col.Strings] as number; bits !== 0; bits &= bits - 1) count++;
    const records = n[r + Col.L7Records] as number;
    if (records & DNS) count += 1 + (n[r + Col.DnsIps] as number);
    if (records & HTTP) count += 2;
    this.str += count;
  }

  private flow(r: number, line: number): Flow {
    const n = this.packed.nums;
    const s = this.packed.strs;
    const present = n[r + Col.Strings] as number;
    const uuid = present & UUID ? s[this.str++] : undefined;
    const dropReason = present & DROP ? s[this.str++] : undefined;
    const point = present & POINT ? s[this.str++] : undefined;
    const nodeName = present & NODE ? s[this.str++] : undefined;
    const sourceIp = present & SRC_IP ? s[this.str++] : undefined;
    const destinationIp = present & DST_IP ? s[this.str++] : undefined;
    const sourceNames = this.strings(n[r + Col.SourceNames] as number);
    const destinationNames = this.strings(n[r + Col.DestinationNames] as number);
    const eventType = n[r + Col.EventType] as number;
    const version = n[r + Col.IpVersion] as number;
    const reply = n[r + Col.IsReply] as number;
    const match = n[r + Col.PolicyMatch] as number;
    return {
      time: n[r + Col.Time] as number,
      uuid,
      observedVerdict: OBSERVED_VERDICTS[n[r + Col.Verdict] as number] as Flow['observedVerdict'],
      dropReason,
      eventType: Number.isNaN(eventType) ? undefined : { type: eventType, subType: n[r + Col.EventSubType] as number },
      flowType: FLOW_TYPES[n[r + Col.FlowType] as number], // NaN (absent) gives undefined
      traceObservationPoint: point,
      trafficDirection: TRAFFIC_DIRECTIONS[n[r + Col.Direction] as number] as Flow['trafficDirection'],
      isReply: Number.isNaN(reply) ? undefined : reply === 1,
      source: { ...(this.endpoints[2 * line] as Endpoint), ip: sourceIp },
      destination: { ...(this.endpoints[2 * line + 1] as Endpoint), ip: destinationIp },
      ipVersion: Number.isNaN(version) ? undefined : version === 4 ? 'IPv4' : 'IPv6',
      l4: layer4(n, r),
      l7: this.layer7(r),
      nodeName,
      sourceNames,
      destinationNames,
      policyMatchType: Number.isNaN(match) ? undefined : match,
    };
  }

  private strings(count: number): string[] {
    const s = this.packed.strs;
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(s[this.str++] as string);
    return out;
  }

  private layer7(r: number): Layer7 | undefined {
    const n = this.packed.nums;
    const type = n[r + Col.L7Type] as number;
    if (Number.isNaN(type)) return undefined;
    const s = this.packed.strs;
    const l7: Layer7 = { type: L7_TYPES[type] as Layer7['type'] };
    const records = n[r + Col.L7Records] as number;
    if (records & DNS) {
      const query = s[this.str++] as string;
      l7.dns = { query, ips: this.strings(n[r + Col.DnsIps] as number), rcode: n[r + Col.DnsRcode] as number };
    }
    if (records & HTTP) {
      const method = s[this.str++] as string;
      l7.http = { method, url: s[this.str++] as string, code: n[r + Col.HttpCode] as number };
    }
    return l7;
  }
}

function layer4(n: Float64Array, r: number): Layer4 | undefined {
  const protocol = L4_PROTOCOLS[n[r + Col.L4] as number]; // NaN (no l4) gives undefined
  const a = n[r + Col.PortA] as number;
  const b = n[r + Col.PortB] as number;
  switch (protocol) {
    case undefined:
      return undefined;
    case 'TCP': {
      const bits = n[r + Col.TcpFlags] as number;
      const flags: TcpFlags = {};
      for (let i = 0; i < TCP_FLAGS.length; i++) if (bits & (1 << i)) flags[TCP_FLAGS[i] as keyof TcpFlags] = true;
      return { protocol, sourcePort: a, destinationPort: b, flags };
    }
    case 'UDP':
    case 'SCTP':
      return { protocol, sourcePort: a, destinationPort: b };
    case 'ICMPv4':
    case 'ICMPv6':
      return { protocol, type: a, code: b };
    case 'VRRP':
    case 'IGMP':
      return { protocol };
  }
}
