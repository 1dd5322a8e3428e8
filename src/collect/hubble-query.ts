// What a live collect asks Hubble's GetFlows for, and what the client reports besides flows.
import type { FlowFilter, NodeStatus } from '../model.js';
import { selectorsOf } from './flow-selection.js';
import { type GetFlowsRequest, msToTimestamp } from './from-proto.js';
import { selectorToProto } from './proto-filter.js';

/**
 * What to ask GetFlows for (the selection `hubble observe` sends): the time window
 * and the FlowFilter selection (namespaces, pods, verdicts, labels) plus how many flows.
 */
export interface HubbleFlowQuery extends FlowFilter {
  /** Newest N flows (or oldest N with `first`); 0 with follow and no since = only new flows. */
  number: number;
  first?: boolean;
  follow: boolean;
  /** Reconnect attempts after the stream was established and broke (default: 10, follow: unlimited). */
  maxReconnects?: number;
  onNotice?: (notice: HubbleNotice) => void;
}

/** Stream news that are about the connection, not flows (the CLI prints them on stderr). */
export type HubbleNotice =
  | { kind: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { kind: 'resumed'; since: number | undefined; downMs: number }
  /** Relay could not read some nodes (NODE_UNAVAILABLE / NODE_ERROR); the event is yielded too. */
  | { kind: 'node-problem'; status: NodeStatus };

export interface HubbleServerStatus {
  version: string;
  numFlows: number;
  maxFlows: number;
  seenFlows: number;
  uptimeNs: number;
  flowsRate: number;
  numConnectedNodes?: number;
  numUnavailableNodes?: number;
  unavailableNodes: string[];
}

/** The GetFlows request for a query; the selection becomes the whitelist the hubble CLI would send. */
export function flowsRequest(q: Omit<HubbleFlowQuery, 'onNotice' | 'maxReconnects'>): GetFlowsRequest {
  return {
    number: BigInt(q.number), first: q.first ?? false, follow: q.follow, blacklist: [], whitelist: selectorsOf(q).map(selectorToProto),
    since: q.since === undefined ? undefined : msToTimestamp(q.since),
    // hubble sends until only without follow
    until: q.until === undefined || q.follow ? undefined : msToTimestamp(q.until),
  };
}
