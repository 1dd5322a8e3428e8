// Rules 1, 2, 5 and 6 of edge.ts, on one event alone: is it a policy decision, which way does it
// go (request, reply, or an L7 response to swap back), how decisive is its verdict, and is it a
// pod's traffic to itself.
import type { Endpoint, Flow } from '../model.js';

/** Why an event did not become an edge (rules in the header comment of edge.ts); for the ingest summary. */
export const FOLD_REASONS = [
  'reply', 'duplicate', 'unknown-direction', 'no-port', 'unsupported-protocol', 'not-a-decision', 'loopback',
] as const;
export type FoldReason = (typeof FOLD_REASONS)[number];

const DECISIONS: ReadonlySet<string> = new Set(['FORWARDED', 'DROPPED', 'AUDIT', 'REDIRECTED']);
const POLICY_DROPS: ReadonlySet<string> = new Set(['POLICY_DENIED', 'POLICY_DENY', 'AUTH_REQUIRED']);
const TRACE_SOCK = 7;
const ECHO_REQUEST: Readonly<Record<string, number>> = { ICMPv4: 8, ICMPv6: 128 };
const ECHO_REPLY: Readonly<Record<string, number>> = { ICMPv4: 0, ICMPv6: 129 };

export type Direction = 'request' | 'response' | FoldReason;

/** Rules 1 and 2 (edge.ts): which way the event goes, or why it is no request edge. */
export function directionOf(flow: Flow): Direction {
  if (!DECISIONS.has(flow.observedVerdict) || flow.flowType === 'SOCK' || flow.eventType?.type === TRACE_SOCK) return 'not-a-decision';
  const l7 = flow.l7?.type;
  if (l7 === 'REQUEST') return 'request';
  if (l7 === 'RESPONSE') return 'response';
  const l4 = flow.l4;
  if (l4?.protocol === 'TCP' && l4.flags.SYN === true) return l4.flags.ACK === true ? 'reply' : 'request';
  if (l4?.protocol === 'ICMPv4' || l4?.protocol === 'ICMPv6') {
    if (l4.type === ECHO_REQUEST[l4.protocol]) return 'request';
    if (l4.type === ECHO_REPLY[l4.protocol]) return 'reply';
  }
  if (flow.isReply === true) return 'reply';
  if (flow.isReply === false) return 'request';
  if (flow.observedVerdict === 'DROPPED') {
    return flow.dropReason === undefined || POLICY_DROPS.has(flow.dropReason) ? 'request' : 'unknown-direction';
  }
  return flow.trafficDirection === 'TRAFFIC_DIRECTION_UNKNOWN' ? 'unknown-direction' : 'request';
}

/**
 * Rule 5's order: a drop by policy (or with no reason given) 4, AUDIT 3, REDIRECTED 2,
 * FORWARDED 1, a drop for a datapath reason 0 (one lost packet does not make a connection
 * denied, and a later FORWARDED event of it shows it went through: order must not matter).
 */
export function rankOf(flow: Flow): number {
  switch (flow.observedVerdict) {
    case 'DROPPED':
      return flow.dropReason === undefined || POLICY_DROPS.has(flow.dropReason) ? 4 : 0;
    case 'AUDIT':
      return 3;
    case 'REDIRECTED':
      return 2;
    default:
      return 1;
  }
}

/** Both ends are one pod (same cluster, namespace and pod name): rule 6. */
export function isLoopback(a: Endpoint, b: Endpoint): boolean {
  return a.podName !== undefined && a.podName === b.podName && a.namespace === b.namespace && a.clusterName === b.clusterName;
}
