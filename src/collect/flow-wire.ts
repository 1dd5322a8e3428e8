// GetFlowsResponse bytes → FlowEvent, reading only the fields model.ts keeps (the others, e.g.
// ethernet, node labels, services, trace context, are skipped by wire type). This is the one
// protobuf → model mapping: the gRPC client decodes with it, and flowFromProto / eventFromProto
// (generated message objects) encode and come through here. Its output equals the JSON reader's
// for the same event (see the normalisation rules in from-json.ts).
import type { Endpoint, Flow, FlowEvent, Layer4, Layer7, LostEvent } from '../model.js';
import { cachedEndpoint, layer4, layer7, withIp } from './flow-wire-parts.js';
import * as pe from './from-proto.js';
import { timestampToMs as secondsNanosToMs } from './time.js';
import { LEN, VARINT, WireReader } from './wire-reader.js';
import { InternalError } from '../errors.js';

/** One encoded GetFlowsResponse as the FlowEvent the JSON reader yields for the same `-o json` line. */
export function eventFromBytes(bytes: Uint8Array): FlowEvent {
  const r = new WireReader(bytes);
  let kind = 0;
  let start = 0;
  let end = 0;
  let nodeName = '';
  let time: number | undefined;
  while (r.pos < r.end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if ((field === 1 || field === 2 || field === 3) && (tag & 7) === LEN) {
      end = r.lenEnd();
      kind = field; // a oneof: the last one wins
      start = r.pos;
      r.pos = end;
    } else if (field === 1000 && (tag & 7) === LEN) nodeName = r.string();
    else if (field === 1001 && (tag & 7) === LEN) time = r.message(timestamp);
    else r.skip(tag & 7);
  }
  const sub = new WireReader(bytes, start, end);
  if (kind === 1) return { kind: 'flow', flow: flow(sub, time, nodeName) };
  if (kind === 3) return { kind: 'lost', lost: lost(sub, time, nodeName) };
  if (kind === 2) return { kind: 'node-status', status: nodeStatus(sub) };
  return { kind: 'other', what: 'agent_event' };
}

function timestamp(r: WireReader): number {
  let seconds = 0;
  let nanos = 0;
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag === 0x08) seconds = r.int64(true);
    else if (tag === 0x10) nanos = r.int32();
    else r.skip(tag & 7);
  }
  return secondsNanosToMs(seconds, nanos);
}

function flow(r: WireReader, envelopeTime: number | undefined, envelopeNode: string): Flow {
  let time: number | undefined;
  let uuid = '', verdict = 0, dropDesc = 0, dropCode = 0, flowType = 0, point = 0, direction = 0, policyMatchType = 0, nodeName = '';
  let reply = false;
  let isReply: boolean | undefined;
  let srcIp = '', dstIp = '', ipVersion = 0;
  let l4: Layer4 | undefined;
  let l7: Layer7 | undefined;
  let eventType: Flow['eventType'];
  let src: Endpoint | undefined;
  let dst: Endpoint | undefined;
  const sourceNames: string[] = [];
  const destinationNames: string[] = [];
  while (r.pos < r.end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | LEN: time = r.message(timestamp); break;
      case (34 << 3) | LEN: uuid = r.string(); break;
      case (2 << 3) | VARINT: verdict = r.int32(); break;
      case (5 << 3) | LEN: {
        const outer = r.enter();
        while (r.pos < r.end) {
          const t = r.uint32();
          if (t === 0x0a) srcIp = r.string();
          else if (t === 0x12) dstIp = r.string();
          else if (t === 0x18) ipVersion = r.int32();
          else r.skip(t & 7);
        }
        r.leave(outer);
        break;
      }
      case (6 << 3) | LEN: l4 = r.message(layer4); break;
      case (8 << 3) | LEN: src = r.message(cachedEndpoint); break;
      case (9 << 3) | LEN: dst = r.message(cachedEndpoint); break;
      case (10 << 3) | VARINT: flowType = r.int32(); break;
      case (11 << 3) | LEN: nodeName = r.string(); break;
      case (13 << 3) | LEN: sourceNames.push(r.string()); break;
      case (14 << 3) | LEN: destinationNames.push(r.string()); break;
      case (15 << 3) | LEN: l7 = r.message(layer7); break;
      case (16 << 3) | VARINT: reply = r.bool(); break;
      case (19 << 3) | LEN: {
        const outer = r.enter();
        eventType = { type: 0, subType: 0 };
        while (r.pos < r.end) {
          const t = r.uint32();
          if (t === 0x08) eventType.type = r.int32();
          else if (t === 0x10) eventType.subType = r.int32();
          else r.skip(t & 7);
        }
        r.leave(outer);
        break;
      }
      case (22 << 3) | VARINT: direction = r.int32(); break;
      case (23 << 3) | VARINT: policyMatchType = r.uint32(); break;
      case (24 << 3) | VARINT: point = r.int32(); break;
      case (25 << 3) | VARINT: dropDesc = r.int32(); break;
      case (3 << 3) | VARINT: dropCode = r.uint32(); break;
      case (26 << 3) | LEN: {
        const outer = r.enter();
        isReply = false;
        while (r.pos < r.end) {
          const t = r.uint32();
          if (t === 0x08) isReply = r.bool();
          else r.skip(t & 7);
        }
        r.leave(outer);
        break;
      }
      default: r.skip(tag & 7);
    }
  }
  const at = time ?? envelopeTime;
  return {
    time: at ?? 0,
    uuid: uuid || undefined,
    observedVerdict: pe.VERDICTS.name(verdict) ?? 'VERDICT_UNKNOWN',
    dropReason: pe.dropReasonName(dropDesc || dropCode), // old agents: the numeric drop_reason only
    eventType,
    flowType: flowType ? pe.FLOW_TYPES.name(flowType) : undefined,
    traceObservationPoint: point ? pe.POINTS.name(point) : undefined,
    trafficDirection: pe.DIRECTIONS.name(direction) ?? 'TRAFFIC_DIRECTION_UNKNOWN',
    isReply: isReply ?? (reply ? true : undefined),
    source: withIp(src, srcIp),
    destination: withIp(dst, dstIp),
    ipVersion: ipVersion ? pe.IP_VERSIONS.name(ipVersion) : undefined,
    l4,
    l7,
    nodeName: nodeName || envelopeNode || undefined,
    sourceNames,
    destinationNames,
    policyMatchType: policyMatchType || undefined,
  };
}


function lost(r: WireReader, time: number | undefined, nodeName: string): LostEvent {
  let source = 0;
  let count = 0;
  let cpu: number | undefined;
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag === 0x08) source = r.int32();
    else if (tag === 0x10) count = r.int64(false);
    else if (tag === 0x1a) {
      const outer = r.enter();
      cpu = 0;
      while (r.pos < r.end) {
        const t = r.uint32();
        if (t === 0x08) cpu = r.int32();
        else r.skip(t & 7);
      }
      r.leave(outer);
    } else r.skip(tag & 7);
  }
  return { source: pe.LOST_SOURCES.name(source) ?? 'UNKNOWN_LOST_EVENT_SOURCE', numEventsLost: count, cpu, nodeName: nodeName || undefined, time };
}

function nodeStatus(r: WireReader): Extract<FlowEvent, { kind: 'node-status' }>['status'] {
  let state = 0;
  let message = '';
  const nodeNames: string[] = [];
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag === 0x08) state = r.int32();
    else if (tag === 0x12) nodeNames.push(r.string());
    else if (tag === 0x1a) message = r.string();
    else r.skip(tag & 7);
  }
  return { state: pe.NODE_STATES.name(state) ?? 'UNKNOWN_NODE_STATE', nodeNames, message };
}

/** A generated GetFlowsResponse object as a FlowEvent (encoded, then read like the wire). */
export function eventFromProto(response: pe.GetFlowsResponse): FlowEvent {
  return eventFromBytes(pe.GetFlowsResponse.encode(response).finish());
}

/** A generated Flow object in model shape; the envelope supplies time / node name when the flow lacks them. */
export function flowFromProto(f: pe.ProtoFlow, envelope?: { time: pe.Timestamp | undefined; nodeName: string }): Flow {
  const event = eventFromProto({ responseTypes: { $case: 'flow', value: f }, nodeName: envelope?.nodeName ?? '', time: envelope?.time });
  if (event.kind !== 'flow') throw new InternalError('unreachable: a flow response decoded as something else');
  return event.flow;
}
