// Hubble's enums by number, name ↔ number, from the generated code (with from-proto.ts, the only
// modules that import ./gen). Apart from from-proto.ts so that the JSON reader, which needs drop
// reason names, does not load the gRPC client and the generated services (~50 ms a start).
import type { Flow, Layer7, LostEvent, NodeStatus } from '../model.js';
import * as pb from './gen/flow/flow.js';
import { NodeState } from './gen/relay/relay.js';

/** Name ↔ number for one generated `as const` enum table (without ts-proto's UNRECOGNIZED). */
function enumTable<N extends string>(table: Readonly<Record<string, number>>) {
  const byNumber = new Map<number, N>();
  for (const [name, value] of Object.entries(table)) if (value >= 0) byNumber.set(value, name as N);
  return {
    name: (value: number): N | undefined => byNumber.get(value),
    number: (name: string | undefined): number => (name === undefined ? 0 : (table[name] ?? 0)),
  };
}

// For both directions: flow-wire.ts reads, from-proto.ts's encoders write.
export const VERDICTS = enumTable<Flow['observedVerdict']>(pb.Verdict);
export const DIRECTIONS = enumTable<Flow['trafficDirection']>(pb.TrafficDirection);
export const FLOW_TYPES = enumTable<NonNullable<Flow['flowType']>>(pb.FlowType);
export const POINTS = enumTable<string>(pb.TraceObservationPoint);
export const DROP_REASONS = enumTable<string>(pb.DropReason);

/** A DropReason number as Flow.dropReason: its name, or the number for one newer than our table; 0 is none. */
export const dropReasonName = (code: number): string | undefined => (code === 0 ? undefined : (DROP_REASONS.name(code) ?? String(code)));
/** Flow.dropReason as its DropReason number: the inverse of dropReasonName (a newer reason's number included). */
export const dropReasonNumber = (name: string | undefined): number => {
  const known = DROP_REASONS.number(name);
  return known !== 0 || name === undefined || !/^[1-9]\d{0,9}$/.test(name) || Number(name) > 0xffffffff ? known : Number(name);
};
export const IP_VERSIONS = enumTable<NonNullable<Flow['ipVersion']>>(pb.IPVersion);
export const L7_TYPES = enumTable<Layer7['type']>(pb.L7FlowType);
export const LOST_SOURCES = enumTable<LostEvent['source']>(pb.LostEventSource);
export const NODE_STATES = enumTable<NodeStatus['state']>(NodeState);
