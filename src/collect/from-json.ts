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
// * enums are read as names or numbers (protojson writers use names, its readers take both);
//   names outside our tables (newer Hubble) become the UNKNOWN value, except the trace
//   observation point and drop reason, which keep their text;
// * the deprecated numeric `drop_reason` names a DROPPED flow's reason when `drop_reason_desc`
//   does not.
import type { Endpoint, Flow, FlowEvent, LostEvent, LostEventSource, NodeState, NodeStatus, ObservedVerdict, TrafficDirection, Workload } from '../model.js';
import { FLOW_TYPES, OBSERVED_VERDICTS, TRAFFIC_DIRECTIONS } from '../model.js';
import { InputError } from '../errors.js';
import {
  type JsonObject, bool, enumOf, enumText, fieldError, int, isCount, isObject, isText, obj, objList, str, strList, typeName, uint, uint64,
} from './json-fields.js';
import { type FlowPaths, eventTypeFromJson, flowPaths, layer4FromJson, layer7FromJson } from './from-json-layers.js';
import { IP_VERSIONS, POINTS, dropReasonName } from './proto-enums.js';
import { parseRfc3339 } from './time.js';

type FlowType = (typeof FLOW_TYPES)[number];
const FLOW_TYPE_NAMES: ReadonlySet<string> = new Set(FLOW_TYPES);
const VERDICT_NAMES: ReadonlySet<string> = new Set(OBSERVED_VERDICTS);
const DIRECTION_NAMES: ReadonlySet<string> = new Set(TRAFFIC_DIRECTIONS);
const LOST_SOURCES: readonly LostEventSource[] = [
  'UNKNOWN_LOST_EVENT_SOURCE', 'PERF_EVENT_RING_BUFFER', 'OBSERVER_EVENTS_QUEUE', 'HUBBLE_RING_BUFFER',
];
const NODE_STATES: readonly NodeState[] = ['UNKNOWN_NODE_STATE', 'NODE_CONNECTED', 'NODE_UNAVAILABLE', 'NODE_GONE', 'NODE_ERROR'];
/** Top-level keys that mark a bare Flow (no envelope). */
const BARE_FLOW_KEYS = ['verdict', 'IP', 'source', 'destination', 'event_type', 'eventType', 'Type', 'l4'] as const;
/** The envelope keys of an event (either spelling), for saying which one is there but null. */
const EVENT_KEYS = ['flow', 'lost_events', 'lostEvents', 'node_status', 'nodeStatus', 'agent_event', 'agentEvent', 'debug_event', 'debugEvent'] as const;
const WRAPPED = flowPaths('flow');
const BARE = flowPaths('');
const NO_ENVELOPE: JsonObject = {};

/**
 * One parsed JSON value → one FlowEvent. Throws InputError (with `field` set and an empty
 * `file`, which readFlowFile fills in) for anything that is not a well-formed Hubble event.
 */
export function eventFromJson(value: unknown): FlowEvent {
  if (!isObject(value)) {
    throw new InputError({ file: '' }, `expected a JSON object (a Hubble event), found ${typeName(value)}`);
  }
  const flow = obj(value.flow, '', 'flow');
  if (flow !== undefined) return { kind: 'flow', flow: flowFromJson(flow, value, WRAPPED) };
  const lost = obj(value.lost_events ?? value.lostEvents, '', 'lost_events');
  if (lost !== undefined) return { kind: 'lost', lost: lostFromJson(lost, 'lost_events', value) };
  const status = obj(value.node_status ?? value.nodeStatus, '', 'node_status');
  if (status !== undefined) return { kind: 'node-status', status: nodeStatusFromJson(status, 'node_status') };
  if ((value.agent_event ?? value.agentEvent) != null) return { kind: 'other', what: 'agent_event' };
  if ((value.debug_event ?? value.debugEvent) != null) return { kind: 'other', what: 'debug_event' };
  if ((value.num_events_lost ?? value.numEventsLost) != null) return { kind: 'lost', lost: lostFromJson(value, '', NO_ENVELOPE) };
  for (const key of BARE_FLOW_KEYS) {
    if (value[key] != null) return { kind: 'flow', flow: flowFromJson(value, NO_ENVELOPE, BARE) };
  }
  const empty = EVENT_KEYS.find((key) => value[key] === null);
  throw new InputError({ file: '', ...(empty === undefined ? {} : { field: empty }) }, empty !== undefined
    ? `not a Hubble event: "${empty}" is null, and nothing else makes this record an event`
    : 'not a Hubble event: expected a "flow", "lost_events", "node_status", "agent_event" or "debug_event" key, or a bare Flow');
}

/**
 * A protojson Flow object → Flow; `envelope` supplies time/node_name when the flow lacks them.
 * Every flow goes through here: fields are read in the hot-path idiom of json-fields.ts.
 */
export function flowFromJson(o: JsonObject, envelope: JsonObject, p: FlowPaths = BARE): Flow {
  const path = p.flow;
  const { IP: rawIp, l4: rawL4, l7: rawL7, verdict, Type: type, uuid } = o;
  const ip = isObject(rawIp) ? rawIp : obj(rawIp, path, 'IP');
  const l4 = isObject(rawL4) ? rawL4 : obj(rawL4, path, 'l4');
  const l7 = rawL7 === undefined ? undefined : obj(rawL7, path, 'l7');
  const rawEventType = o.event_type ?? o.eventType;
  const eventType = isObject(rawEventType) ? rawEventType : obj(rawEventType, path, 'event_type');
  const rawReply = o.is_reply ?? o.isReply;
  const isReply = typeof rawReply === 'boolean' ? rawReply : bool(rawReply, path, 'is_reply');
  const version = ip === undefined ? undefined : enumText(ip.ipVersion, p.ip, 'ipVersion', IP_VERSIONS.name);
  const rawMatch = o.policy_match_type ?? o.policyMatchType;
  const policyMatchType = rawMatch === undefined ? undefined : nonZero(uint(rawMatch, path, 'policy_match_type'));
  const observedVerdict = typeof verdict === 'string' && VERDICT_NAMES.has(verdict) ? verdict as ObservedVerdict
    : enumOf(verdict, path, 'verdict', OBSERVED_VERDICTS, 'VERDICT_UNKNOWN');
  const rawDrop = o.drop_reason_desc ?? o.dropReasonDesc;
  const dropDesc = rawDrop === undefined ? undefined : enumText(rawDrop, path, 'drop_reason_desc', dropReasonName);
  const dropReason = dropDesc !== undefined && dropDesc !== 'DROP_REASON_UNKNOWN' ? dropDesc
    : observedVerdict === 'DROPPED' ? dropReasonOfCode(o.drop_reason ?? o.dropReason, path) : undefined;
  const rawPoint = o.trace_observation_point ?? o.traceObservationPoint;
  const point = isText(rawPoint) ? rawPoint : enumText(rawPoint, path, 'trace_observation_point', POINTS.name);
  const flowType = typeof type === 'string' && FLOW_TYPE_NAMES.has(type) ? type as FlowType : enumOf(type, path, 'Type', FLOW_TYPES, undefined);
  const direction = o.traffic_direction ?? o.trafficDirection;
  const nodeName = o.node_name ?? o.nodeName;
  const sourceNames = o.source_names ?? o.sourceNames;
  const destinationNames = o.destination_names ?? o.destinationNames;
  return {
    time: timeOf(o, envelope, path),
    uuid: isText(uuid) ? uuid : str(uuid, path, 'uuid'),
    observedVerdict,
    dropReason,
    eventType: eventType === undefined ? undefined : eventTypeFromJson(eventType, p.eventType),
    flowType: flowType === 'UNKNOWN_TYPE' ? undefined : flowType,
    traceObservationPoint: point === 'UNKNOWN_POINT' ? undefined : point,
    trafficDirection: typeof direction === 'string' && DIRECTION_NAMES.has(direction) ? direction as TrafficDirection
      : enumOf(direction, path, 'traffic_direction', TRAFFIC_DIRECTIONS, 'TRAFFIC_DIRECTION_UNKNOWN'),
    isReply: isReply ?? (bool(o.reply, path, 'reply') === true ? true : undefined),
    source: endpointFromJson(obj(o.source, path, 'source'), ip === undefined ? undefined : str(ip.source, p.ip, 'source'), p.source),
    destination: endpointFromJson(obj(o.destination, path, 'destination'), ip === undefined ? undefined : str(ip.destination, p.ip, 'destination'), p.destination),
    ipVersion: version === 'IPv4' || version === 'IPv6' ? version : undefined,
    l4: l4 === undefined ? undefined : layer4FromJson(l4, p),
    l7: l7 === undefined ? undefined : layer7FromJson(l7, p),
    nodeName: (isText(nodeName) ? nodeName : str(nodeName, path, 'node_name')) ?? str(envelope.node_name ?? envelope.nodeName, '', 'node_name'),
    sourceNames: sourceNames === undefined ? [] : strList(sourceNames, path, 'source_names'),
    destinationNames: destinationNames === undefined ? [] : strList(destinationNames, path, 'destination_names'),
    policyMatchType,
  };
}

/** Two per flow, so written in the hot-path idiom of json-fields.ts (same result as the helpers alone). */
function endpointFromJson(o: JsonObject | undefined, ip: string | undefined, path: string): Endpoint {
  if (o === undefined) {
    return { id: undefined, identity: undefined, clusterName: undefined, namespace: undefined, podName: undefined, labels: [], workloads: [], ip };
  }
  const { ID: id, identity, namespace, labels, workloads } = o;
  const clusterName = o.cluster_name ?? o.clusterName;
  const podName = o.pod_name ?? o.podName;
  return {
    id: isCount(id) ? id : nonZero(uint(id, path, 'ID')),
    identity: isCount(identity) ? identity : nonZero(uint(identity, path, 'identity')),
    clusterName: isText(clusterName) ? clusterName : str(clusterName, path, 'cluster_name'),
    namespace: isText(namespace) ? namespace : str(namespace, path, 'namespace'),
    podName: isText(podName) ? podName : str(podName, path, 'pod_name'),
    labels: strList(labels, path, 'labels'),
    workloads: workloads === undefined ? [] : workloadsFromJson(objList(workloads, path, 'workloads'), path),
    ip,
  };
}

const nonZero = (n: number | undefined): number | undefined => (n === 0 ? undefined : n);

/** The deprecated numeric `drop_reason` (all old data has) as its DropReason name: 133 → POLICY_DENIED. */
function dropReasonOfCode(raw: unknown, path: string): string | undefined {
  return raw === undefined ? undefined : dropReasonName(uint(raw, path, 'drop_reason') ?? 0);
}

function workloadsFromJson(list: JsonObject[], path: string): Workload[] {
  const out: Workload[] = [];
  for (let i = 0; i < list.length; i++) {
    const { name, kind } = list[i] as JsonObject;
    if (typeof name === 'string' && typeof kind === 'string') out.push({ name, kind }); // the common case, no path text built
    else {
      const at = `${path}.workloads[${i}]`;
      out.push({ name: str(name, at, 'name') ?? '', kind: str(kind, at, 'kind') ?? '' });
    }
  }
  return out;
}

function timeOf(o: JsonObject, envelope: JsonObject, path: string): number {
  const own = o.time;
  const value = own ?? envelope.time;
  if (value === undefined || value === null) throw fieldError(path, 'time', 'missing: a flow needs its event time');
  const ms = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (ms === undefined) throw fieldError(own == null ? '' : path, 'time', `expected an RFC 3339 timestamp, found ${typeName(value)}`);
  return ms;
}

function lostFromJson(o: JsonObject, path: string, envelope: JsonObject): LostEvent {
  const envTime = envelope.time;
  const time = typeof envTime === 'string' ? parseRfc3339(envTime) : undefined;
  if (envTime != null && time === undefined) throw fieldError('', 'time', `expected an RFC 3339 timestamp, found ${typeName(envTime)}`);
  return {
    source: enumOf(o.source, path, 'source', LOST_SOURCES, 'UNKNOWN_LOST_EVENT_SOURCE'),
    numEventsLost: uint64(o.num_events_lost ?? o.numEventsLost, path, 'num_events_lost') ?? 0,
    cpu: int(o.cpu, path, 'cpu'),
    nodeName: str(envelope.node_name ?? envelope.nodeName, '', 'node_name'),
    time,
  };
}

function nodeStatusFromJson(o: JsonObject, path: string): NodeStatus {
  return {
    state: enumOf(o.state_change ?? o.stateChange, path, 'state_change', NODE_STATES, 'UNKNOWN_NODE_STATE'),
    nodeNames: strList(o.node_names ?? o.nodeNames, path, 'node_names'),
    message: str(o.message, path, 'message') ?? '',
  };
}
