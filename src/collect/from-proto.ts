// The protobuf boundary: with proto-enums.ts, the ONLY module that imports the generated code in
// ./gen (re-exporting what others need). It maps model.ts objects to Hubble's protobuf messages
// (for `flowpol replay`); flow-wire.ts maps received bytes back to the `Flow` /
// `FlowEvent` objects the JSON reader yields for the same event.
//
// Proto3 leaves zero values implicit, and JSON omits them; both readers therefore agree on:
// "" / 0 / enum 0 → field absent (undefined) unless model.ts says otherwise (trafficDirection and
// observedVerdict always carry a name, arrays are [] never undefined), `is_reply` absent →
// undefined, deprecated `reply: true` without `is_reply` → true.
import type { Endpoint, Flow, FlowEvent, Layer4, Layer7 } from '../model.js';
import * as pb from './gen/flow/flow.js';
import { makeGenericClientConstructor, type CallOptions, type ChannelCredentials, type ClientOptions, type ClientReadableStream, type Metadata } from '@grpc/grpc-js';
import { GetFlowsRequest, GetFlowsResponse, ObserverClient, ObserverService } from './gen/observer/observer.js';
import type { NodeState } from './gen/relay/relay.js';
import type { Timestamp } from './gen/google/protobuf/timestamp.js';
import { timestampToMs as secondsNanosToMs } from './time.js';

export { GetFlowsRequest, GetFlowsResponse, ObserverClient, ObserverService } from './gen/observer/observer.js';
export type { ObserverServer } from './gen/observer/observer.js';
export type { FlowFilter as ProtoFlowFilter, Flow as ProtoFlow } from './gen/flow/flow.js';
export type { Timestamp } from './gen/google/protobuf/timestamp.js';

import {
  DIRECTIONS, dropReasonNumber, FLOW_TYPES, IP_VERSIONS, L7_TYPES, LOST_SOURCES, NODE_STATES, POINTS, VERDICTS,
} from './proto-enums.js';

export { DIRECTIONS, FLOW_TYPES, IP_VERSIONS, L7_TYPES, LOST_SOURCES, NODE_STATES, POINTS, VERDICTS, dropReasonName } from './proto-enums.js';

/** Epoch milliseconds of a Timestamp, computed exactly as the JSON reader does. */
export function timestampToMs(ts: Timestamp): number {
  return secondsNanosToMs(Number(ts.seconds), ts.nanos);
}

/** The Timestamp of epoch milliseconds (microsecond precision). */
export function msToTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1000) * 1000 };
}

// ---------------------------------------------------------------------------------------------
// model → protobuf (what `flowpol replay` serves). flowFromProto(flowToProto(f)) deep-equals f
// (the protobuf → model direction is flow-wire.ts).
// ---------------------------------------------------------------------------------------------

function endpointToProto(ep: Endpoint): pb.Endpoint {
  return {
    ID: ep.id ?? 0, identity: ep.identity ?? 0, clusterName: ep.clusterName ?? '', namespace: ep.namespace ?? '',
    labels: ep.labels, podName: ep.podName ?? '', workloads: ep.workloads,
  };
}

const ports = (l4: { sourcePort: number; destinationPort: number }) => ({ sourcePort: l4.sourcePort, destinationPort: l4.destinationPort });

function layer4ToProto(l4: Layer4): pb.Layer4 {
  switch (l4.protocol) {
    case 'TCP': {
      const f = l4.flags;
      const flags: pb.TCPFlags = {
        FIN: f.FIN === true, SYN: f.SYN === true, RST: f.RST === true, PSH: f.PSH === true, ACK: f.ACK === true,
        URG: f.URG === true, ECE: f.ECE === true, CWR: f.CWR === true, NS: f.NS === true,
      };
      return { protocol: { $case: 'TCP', value: { ...ports(l4), flags } } };
    }
    case 'UDP':
    case 'SCTP':
      return { protocol: { $case: l4.protocol, value: ports(l4) } };
    case 'ICMPv4':
    case 'ICMPv6':
      return { protocol: { $case: l4.protocol, value: { type: l4.type, code: l4.code } } };
    case 'VRRP':
      return { protocol: { $case: 'VRRP', value: { type: 0, vrid: 0, priority: 0 } } };
    case 'IGMP':
      return { protocol: { $case: 'IGMP', value: { type: 0, groupAddress: '' } } };
  }
}

function layer7ToProto(l7: Layer7): pb.Layer7 {
  let record: pb.Layer7['record'];
  if (l7.dns) record = { $case: 'dns', value: { ...l7.dns, ttl: 0, cnames: [], observationSource: '', qtypes: [], rrtypes: [] } };
  else if (l7.http) record = { $case: 'http', value: { ...l7.http, protocol: '' } };
  return { type: L7_TYPES.number(l7.type) as pb.L7FlowType, latencyNs: 0n, record };
}

/** A model Flow as the protobuf message Hubble would send (fields flowpol does not keep are zero). */
export function flowToProto(f: Flow): pb.Flow {
  const hasIp = f.source.ip !== undefined || f.destination.ip !== undefined || f.ipVersion !== undefined;
  return {
    time: msToTimestamp(f.time), uuid: f.uuid ?? '', verdict: VERDICTS.number(f.observedVerdict) as pb.Verdict,
    dropReason: dropReasonNumber(f.dropReason), dropReasonDesc: dropReasonNumber(f.dropReason) as pb.DropReason,
    IP: hasIp
      ? { source: f.source.ip ?? '', sourceXlated: '', destination: f.destination.ip ?? '', ipVersion: IP_VERSIONS.number(f.ipVersion) as pb.IPVersion, encrypted: false }
      : undefined,
    l4: f.l4 ? layer4ToProto(f.l4) : undefined,
    source: endpointToProto(f.source), destination: endpointToProto(f.destination),
    Type: FLOW_TYPES.number(f.flowType) as pb.FlowType, nodeName: f.nodeName ?? '', nodeLabels: [],
    sourceNames: f.sourceNames, destinationNames: f.destinationNames,
    l7: f.l7 ? layer7ToProto(f.l7) : undefined,
    reply: f.isReply === true, isReply: f.isReply,
    eventType: f.eventType ? { type: f.eventType.type, subType: f.eventType.subType } : undefined,
    sourceService: undefined, destinationService: undefined,
    trafficDirection: DIRECTIONS.number(f.trafficDirection) as pb.TrafficDirection,
    policyMatchType: f.policyMatchType ?? 0,
    traceObservationPoint: POINTS.number(f.traceObservationPoint) as pb.TraceObservationPoint,
    traceReason: 0, aggregate: undefined,
  };
}

/** A FlowEvent as one GetFlows response; `undefined` for events GetFlows never carries. */
export function eventToResponse(e: FlowEvent): GetFlowsResponse | undefined {
  switch (e.kind) {
    case 'flow':
      return { responseTypes: { $case: 'flow', value: flowToProto(e.flow) }, nodeName: e.flow.nodeName ?? '', time: msToTimestamp(e.flow.time) };
    case 'lost': {
      const l = e.lost;
      const value: pb.LostEvent = { source: LOST_SOURCES.number(l.source) as pb.LostEventSource, numEventsLost: BigInt(l.numEventsLost), cpu: l.cpu, first: undefined, last: undefined };
      return { responseTypes: { $case: 'lostEvents', value }, nodeName: l.nodeName ?? '', time: l.time === undefined ? undefined : msToTimestamp(l.time) };
    }
    case 'node-status': {
      const s = e.status;
      return { responseTypes: { $case: 'nodeStatus', value: { stateChange: NODE_STATES.number(s.state) as NodeState, nodeNames: s.nodeNames, message: s.message } }, nodeName: '', time: undefined };
    }
    case 'other':
      return undefined;
  }
}

/** Encoded GetFlowsResponse bytes (the replay server sends these as they are). */
export function encodeResponse(r: GetFlowsResponse): Buffer {
  return Buffer.from(GetFlowsResponse.encode(r).finish());
}

/** Decoded GetFlowsResponse bytes. */
export function decodeResponse(bytes: Uint8Array): GetFlowsResponse {
  return GetFlowsResponse.decode(bytes);
}

/** The Observer client with GetFlows responses left as bytes (flow-wire.ts reads them). */
export interface RawObserverClient extends Omit<ObserverClient, 'getFlows'> {
  getFlows(request: GetFlowsRequest, metadata?: Metadata, options?: Partial<CallOptions>): ClientReadableStream<Buffer>;
}
export const RawObserverClient = makeGenericClientConstructor(
  { ...ObserverService, getFlows: { ...ObserverService.getFlows, responseDeserialize: (b: Buffer) => b } },
  'observer.Observer',
) as unknown as new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => RawObserverClient;
