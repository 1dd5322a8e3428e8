// Hubble protojson → FlowEvent. Accepts GetFlowsResponse / ExportEvent envelopes and bare Flow
// or LostEvent objects (old CLI), in proto or lowerCamelCase field names.
//
// Normalisation (the gRPC mapping in from-proto.ts must produce the same objects):
// * every Flow/Endpoint key is present; proto3 zero values ("", 0, enum 0) become undefined,
//   lists default to [];
// * `isReply` = `is_reply` when present, else `true` when the deprecated `reply` is true, else
//   undefined (unknown);
// * `time` = flow.time, else the envelope's time; epoch ms via timestampToMs;
// * `nodeName` = flow.node_name, else the envelope's node_name;
// * enum names outside our tables (newer Hubble) become the UNKNOWN value.
import type { Endpoint, Flow, FlowEvent, LostEvent, LostEventSource, NodeState, NodeStatus, Workload } from '../model.js';
import { OBSERVED_VERDICTS, TRAFFIC_DIRECTIONS } from '../model.js';
import { InputError } from '../errors.js';
import {
  type JsonObject, fieldError, isObject, objectList, optBool, optEnum, optInt, optObject, optString, optUint, optUint64,
  pick, stringList, typeName,
} from './json-fields.js';
import { layer4FromJson, layer7FromJson, eventTypeFromJson } from './from-json-layers.js';
import { parseRfc3339 } from './time.js';

const FLOW_TYPES = ['UNKNOWN_TYPE', 'L3_L4', 'L7', 'SOCK'] as const;
const LOST_SOURCES: readonly LostEventSource[] = [
  'UNKNOWN_LOST_EVENT_SOURCE', 'PERF_EVENT_RING_BUFFER', 'OBSERVER_EVENTS_QUEUE', 'HUBBLE_RING_BUFFER',
];
const NODE_STATES: readonly NodeState[] = ['UNKNOWN_NODE_STATE', 'NODE_CONNECTED', 'NODE_UNAVAILABLE', 'NODE_GONE', 'NODE_ERROR'];
/** Top-level keys that mark a bare Flow (no envelope). */
const BARE_FLOW_KEYS = ['verdict', 'IP', 'source', 'destination', 'event_type', 'eventType', 'Type', 'l4', 'time'] as const;

/**
 * One parsed JSON value → one FlowEvent. Throws InputError (with `field` set and an empty
 * `file`, which readFlowFile fills in) for anything that is not a well-formed Hubble event.
 */
export function eventFromJson(value: unknown): FlowEvent {
  if (!isObject(value)) {
    throw new InputError({ file: '' }, `expected a JSON object (a Hubble event), found ${typeName(value)}`);
  }
  const flow = optObject(value, 'flow', 'flow', '');
  if (flow !== undefined) return { kind: 'flow', flow: flowFromJson(flow, 'flow', value) };
  const lost = optObject(value, 'lost_events', 'lostEvents', '');
  if (lost !== undefined) return { kind: 'lost', lost: lostFromJson(lost, 'lost_events', value) };
  const status = optObject(value, 'node_status', 'nodeStatus', '');
  if (status !== undefined) return { kind: 'node-status', status: nodeStatusFromJson(status, 'node_status') };
  if (pick(value, 'agent_event', 'agentEvent') !== undefined) return { kind: 'other', what: 'agent_event' };
  if (pick(value, 'debug_event', 'debugEvent') !== undefined) return { kind: 'other', what: 'debug_event' };
  if (pick(value, 'num_events_lost', 'numEventsLost') !== undefined) return { kind: 'lost', lost: lostFromJson(value, '', {}) };
  for (const key of BARE_FLOW_KEYS) {
    if (value[key] !== undefined) return { kind: 'flow', flow: flowFromJson(value, '', {}) };
  }
  throw new InputError({ file: '' },
    'not a Hubble event: expected a "flow", "lost_events", "node_status", "agent_event" or "debug_event" key, or a bare Flow');
}

/** A protojson Flow object (at JSON path `path`) → Flow; `envelope` supplies time/node_name. */
export function flowFromJson(o: JsonObject, path: string, envelope: JsonObject): Flow {
  const ip = optObject(o, 'IP', 'IP', path);
  const ipPath = join(path, 'IP');
  const l4 = optObject(o, 'l4', 'l4', path);
  const l7 = optObject(o, 'l7', 'l7', path);
  const eventType = optObject(o, 'event_type', 'eventType', path);
  const isReply = optBool(o, 'is_reply', 'isReply', path);
  const version = ip === undefined ? undefined : optString(ip, 'ipVersion', 'ipVersion', ipPath);
  const policyMatchType = optUint(o, 'policy_match_type', 'policyMatchType', path);
  const dropReason = optString(o, 'drop_reason_desc', 'dropReasonDesc', path);
  const point = optString(o, 'trace_observation_point', 'traceObservationPoint', path);
  const flowType = optEnum(o, 'Type', 'Type', path, FLOW_TYPES, undefined);
  return {
    time: timeOf(o, path, envelope),
    uuid: optString(o, 'uuid', 'uuid', path),
    observedVerdict: optEnum(o, 'verdict', 'verdict', path, OBSERVED_VERDICTS, 'VERDICT_UNKNOWN') ?? 'VERDICT_UNKNOWN',
    dropReason: dropReason === 'DROP_REASON_UNKNOWN' ? undefined : dropReason,
    eventType: eventType === undefined ? undefined : eventTypeFromJson(eventType, join(path, 'event_type')),
    flowType: flowType === 'UNKNOWN_TYPE' ? undefined : flowType,
    traceObservationPoint: point === 'UNKNOWN_POINT' ? undefined : point,
    trafficDirection: optEnum(o, 'traffic_direction', 'trafficDirection', path, TRAFFIC_DIRECTIONS, 'TRAFFIC_DIRECTION_UNKNOWN')
      ?? 'TRAFFIC_DIRECTION_UNKNOWN',
    isReply: isReply ?? (optBool(o, 'reply', 'reply', path) === true ? true : undefined),
    source: endpointFromJson(o, 'source', ip === undefined ? undefined : optString(ip, 'source', 'source', ipPath), path),
    destination: endpointFromJson(o, 'destination', ip === undefined ? undefined : optString(ip, 'destination', 'destination', ipPath), path),
    ipVersion: version === 'IPv4' || version === 'IPv6' ? version : undefined,
    l4: l4 === undefined ? undefined : layer4FromJson(l4, join(path, 'l4')),
    l7: l7 === undefined ? undefined : layer7FromJson(l7, join(path, 'l7')),
    nodeName: optString(o, 'node_name', 'nodeName', path) ?? optString(envelope, 'node_name', 'nodeName', ''),
    sourceNames: stringList(o, 'source_names', 'sourceNames', path),
    destinationNames: stringList(o, 'destination_names', 'destinationNames', path),
    policyMatchType: policyMatchType === 0 ? undefined : policyMatchType,
  };
}

function endpointFromJson(flow: JsonObject, key: 'source' | 'destination', ip: string | undefined, flowPath: string): Endpoint {
  const path = join(flowPath, key);
  const o = optObject(flow, key, key, flowPath) ?? {};
  const id = optUint(o, 'ID', 'ID', path);
  const identity = optUint(o, 'identity', 'identity', path);
  return {
    id: id === 0 ? undefined : id,
    identity: identity === 0 ? undefined : identity,
    clusterName: optString(o, 'cluster_name', 'clusterName', path),
    namespace: optString(o, 'namespace', 'namespace', path),
    podName: optString(o, 'pod_name', 'podName', path),
    labels: stringList(o, 'labels', 'labels', path),
    workloads: objectList(o, 'workloads', 'workloads', path).map((w, i) => workloadFromJson(w, `${path}.workloads[${i}]`)),
    ip,
  };
}

function workloadFromJson(o: JsonObject, path: string): Workload {
  return { name: optString(o, 'name', 'name', path) ?? '', kind: optString(o, 'kind', 'kind', path) ?? '' };
}

function timeOf(o: JsonObject, path: string, envelope: JsonObject): number {
  const own = o.time;
  const [value, where] = own !== undefined && own !== null ? [own, path] : [envelope.time, ''];
  if (value === undefined || value === null) throw fieldError(path, 'time', 'missing: a flow needs its event time');
  const ms = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (ms === undefined) throw fieldError(where, 'time', `expected an RFC 3339 timestamp, found ${typeName(value)}`);
  return ms;
}

function lostFromJson(o: JsonObject, path: string, envelope: JsonObject): LostEvent {
  const envTime = envelope.time;
  const time = typeof envTime === 'string' ? parseRfc3339(envTime) : undefined;
  if (envTime !== undefined && envTime !== null && time === undefined) {
    throw fieldError('', 'time', `expected an RFC 3339 timestamp, found ${typeName(envTime)}`);
  }
  return {
    source: optEnum(o, 'source', 'source', path, LOST_SOURCES, 'UNKNOWN_LOST_EVENT_SOURCE') ?? 'UNKNOWN_LOST_EVENT_SOURCE',
    numEventsLost: optUint64(o, 'num_events_lost', 'numEventsLost', path) ?? 0,
    cpu: optInt(o, 'cpu', 'cpu', path),
    nodeName: optString(envelope, 'node_name', 'nodeName', ''),
    time,
  };
}

function nodeStatusFromJson(o: JsonObject, path: string): NodeStatus {
  return {
    state: optEnum(o, 'state_change', 'stateChange', path, NODE_STATES, 'UNKNOWN_NODE_STATE') ?? 'UNKNOWN_NODE_STATE',
    nodeNames: stringList(o, 'node_names', 'nodeNames', path),
    message: optString(o, 'message', 'message', path) ?? '',
  };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
