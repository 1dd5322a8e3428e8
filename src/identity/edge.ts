// Folding: the many events of one connection → one request edge (source peer → destination
// peer : protocol/port). Rules, in order (test/integration/recordings shows each on public
// recordings; rules 1, 2, 5 and 6 look at one event alone: event-rules.ts):
//
// 1. Only policy decisions count: verdict FORWARDED, DROPPED, AUDIT or REDIRECTED, and no
//    socket-level trace events (trace-sock, type 7) — else `not-a-decision`.
// 2. Direction of the event:
//    * L7 records: REQUEST is the request; a RESPONSE is swapped back to the request direction
//      (source = the client), so a response-only capture still yields its edge and a pair counts
//      once (rule 4);
//    * TCP SYN without ACK is the request wherever it was seen; SYN+ACK is a reply;
//    * ICMP echo request (v4 8, v6 128) is a request, echo reply (0, 129) a reply;
//    * `is_reply` true → reply (`reply`); false → request (the deprecated `reply: true` is mapped
//      to isReply by the reader);
//    * `is_reply` absent: DROPPED by policy (POLICY_DENIED/POLICY_DENY/AUTH_REQUIRED, or no reason
//      given) is a request — Hubble assumes drops are not replies. Otherwise, when the traffic
//      direction is known the event is a request: Hubble sets `is_reply` whenever the datapath
//      knows the conntrack state and omits the direction when it does not, so "direction known,
//      is_reply absent" only happens in old data (2021, Cilium ≤ 1.10) where `reply` was omitted
//      for false. Events with neither (TO_OVERLAY, FROM_*, non-policy drops) are
//      `unknown-direction`.
// 3. The edge port is the destination port of the request (ICMP: the ICMP type); port 0 or no L4
//    is `no-port` (both readers refuse ports over 65535 and ICMP types over 255); VRRP/IGMP are `unsupported-protocol`. Reply ports are never learned because
//    replies never get here.
// 4. The same connection (protocol, source ip:port, destination ip:port; ICMP: addresses and
//    type) seen again within `windowMs` of its last event — another observation point, another
//    node through Relay, the type-5 + type-1 pair of one dropped packet, SYN retransmits, later
//    packets of the request side — is a `duplicate`. ICMP has no ports to tell two pings apart,
//    so there only events within 1 s (one packet seen at several points) are one. Memory is
//    bounded: the latest `keepConnections` are remembered however old (another node's file, read
//    next, goes back in time and folds into this one's while fewer came between), more only
//    while seen within the window of the latest event, never more than `maxConnections`; a
//    repeat of one forgotten counts again, and is noticed (forgotten-connections.ts). The
//    same addresses and ports keep a span per use; when another file's events bring two spans
//    within the window of each other they join, and the later one's counts are taken back
//    (connection-spans.ts), so node files read one after another count as if merged in time order.
//    Hours: a connection is counted once in each clock hour it is seen in (Cilium reports a busy
//    connection every few seconds), so an hour-granular time window (`--since/--until`) sees
//    long-lived connections; a count is the connections started or still going in each hour. A
//    duplicate widens the first and last seen of its hour's count (connection-counts.ts), in
//    whichever file the count was made.
// 5. A connection counts under the most decisive verdict its events showed: a policy DROPPED
//    over AUDIT over REDIRECTED over FORWARDED over a drop for a datapath reason (not a policy
//    signal: a packet lost to a full CT map says nothing about policy). Its first event may be
//    the source node's FORWARDED and a later one the destination node's DROPPED (the ingress
//    policy denied it): that connection was dropped, whichever node's events (or file) came
//    first. So an event that is more decisive `reclassifies` the counts already made, in every
//    hour (IngestBatch.reclassify), and every count of a connection has its one verdict.
// 6. (Checked right after rule 2.) A pod's traffic to itself (the same pod at both ends: it reached its own Service, say) is
//    `loopback`: no NetworkPolicy can block it ("a pod cannot block access to itself"), so it
//    asks for no rule, and as an edge it would read as traffic between the workload's pods,
//    which policy does govern.
import type { Endpoint, Flow, ObservedEdge, ObservedVerdict, EdgeProtocol } from '../model.js';
import { NO_NAMES } from '../model.js';
import type { IdentityOptions } from './identity.js';
import { Counted, type HourCount, type Joined, type Reclassification, widen } from './connection-counts.js';
import { MAX_ADDRESSES, RecentConnections } from './connections.js';
import { PeerCache } from './peer-cache.js';
import { normaliseName, peerKey } from './peer.js';
import { FOLD_REASONS, type FoldReason, directionOf, isLoopback, rankOf } from './event-rules.js';

export { FOLD_REASONS, type FoldReason } from './event-rules.js';

/**
 * An event folds into a new request edge (a new connection, or one seen in a clock hour it has no
 * count in yet: rule 4), or is absorbed for a reason, or is a duplicate that moves its
 * connection's counts to a more decisive verdict (`reclassified`, rule 5) or widens its hour's
 * count's first/last seen (`widened`). An edge that raised its connection's verdict carries the
 * move of the earlier counts (`moved`). An event that joined two spans of its connection (another
 * node's file filled the gap between them: connection-spans.ts) carries what that did to their
 * counts (`joined`, to apply before the rest); a duplicate that did nothing else is `joined`.
 */
export type FoldResult =
  | { kind: 'edge'; edge: ObservedEdge; count: HourCount; moved?: Reclassification; joined?: Joined }
  | { kind: 'folded'; reason: FoldReason }
  | { kind: 'reclassified'; moved: Reclassification; joined?: Joined }
  | { kind: 'widened'; count: HourCount; verdict: ObservedVerdict; joined?: Joined }
  | { kind: 'joined'; joined: Joined };

/** One shared, frozen result per reason: most events are folded, none of them allocates. */
const FOLDED = Object.fromEntries(FOLD_REASONS.map((reason) => [reason, Object.freeze({ kind: 'folded', reason })])) as Readonly<Record<FoldReason, FoldResult>>;

/**
 * Most connections remembered at once by default: past it the least recently seen go, however
 * recent. At about 0.4 KB each (plus what the garbage collector lets grow), 100 000 keeps collect
 * under 300 MB RSS when another node's file goes back in time (QA: 200 000 peaked at 400-520 MB).
 */
export const DEFAULT_MAX_CONNECTIONS = 100_000;

/** ICMP: one echo seen at several observation points is microseconds to milliseconds apart. */
const ICMP_WINDOW_MS = 1000;

/** IdentityOptions plus the connection window and memory bound of the folder. */
export interface FolderOptions extends IdentityOptions {
  /** Events of one connection closer than this (ms, by event time) are one edge. Default 60 s (longer than the largest gap between TCP SYN retransmits, 32 s). */
  windowMs?: number;
  /** Most connections remembered at once. Default DEFAULT_MAX_CONNECTIONS, or keepConnections if more. */
  maxConnections?: number;
  /** The latest connections remembered however old (see RecentConnections.repeat). Default 20 000. */
  keepConnections?: number;
  /** Earlier spans of connections kept over all connections, past a few each (see connection-spans.ts). Default 100 000. */
  maxSpans?: number;
  /** Most connection addresses numbered at once (at most and by default 2^20); see addressPair. */
  maxAddresses?: number;
}

/** Stateful (bounded memory) folder: many events of one connection → one request edge. */
export class EdgeFolder {
  private readonly recent: RecentConnections<Counted>;
  private readonly peers: PeerCache;
  private readonly windowMs: number;
  /** What joining spans did during the current event's `repeat` (see FoldResult). */
  private joining: Joined | undefined;

  constructor(opts: FolderOptions) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.peers = new PeerCache(opts);
    const keepConnections = opts.keepConnections ?? 20_000;
    this.recent = new RecentConnections({
      maxConnections: opts.maxConnections ?? Math.max(DEFAULT_MAX_CONNECTIONS, keepConnections), keepConnections, windowMs: this.windowMs, maxAddresses: opts.maxAddresses ?? MAX_ADDRESSES,
      maxSpans: opts.maxSpans ?? 100_000,
    }, (keep, gone) => keep.join(gone, (this.joining ??= { retracted: [], widened: [], moved: [], verdict: keep.verdict })));
  }

  /** Connections (spans) counted so far, how many may repeat a forgotten one (RecentConnections.recounted), and keepConnections. */
  get connections(): { started: number; recounted: number; complete: boolean; remembered: number } {
    const { started, recounted, recountComplete: complete, keep: remembered } = this.recent;
    return { started, recounted, complete, remembered };
  }

  fold(flow: Flow): FoldResult {
    const direction = directionOf(flow);
    if (direction !== 'request' && direction !== 'response') return FOLDED[direction];
    if (isLoopback(flow.source, flow.destination)) return FOLDED.loopback;
    const l4 = flow.l4;
    if (l4 === undefined) return FOLDED['no-port'];
    const swap = direction === 'response';
    const src = swap ? flow.destination : flow.source;
    const dst = swap ? flow.source : flow.destination;
    let port: number;
    let srcPort = 0; // ICMP: none
    switch (l4.protocol) {
      case 'VRRP':
      case 'IGMP':
        return FOLDED['unsupported-protocol'];
      case 'ICMPv4':
      case 'ICMPv6':
        port = l4.type;
        break;
      case 'TCP':
      case 'UDP':
      case 'SCTP': {
        port = swap ? l4.sourcePort : l4.destinationPort;
        srcPort = swap ? l4.destinationPort : l4.sourcePort;
        if (port === 0) return FOLDED['no-port'];
      }
    }
    const protocol: EdgeProtocol = l4.protocol;
    const window = protocol === 'ICMPv4' || protocol === 'ICMPv6' ? Math.min(ICMP_WINDOW_MS, this.windowMs) : this.windowMs;
    let counted: Counted | undefined;
    let joined: Joined | undefined;
    if (this.recent.repeat(protocol, address(src), srcPort, address(dst), port, flow.time, window)) {
      joined = this.joining;
      this.joining = undefined;
      counted = this.recent.attached;
      if (counted === undefined) return FOLDED.duplicate;
      const count = counted.countAt(flow.time);
      if (count !== undefined) return duplicate(flow, counted, count, joined);
      // Seen in a clock hour it has no count in yet: counted there too (rule 4).
    }
    const rank = rankOf(flow);
    const moved = counted?.raise(flow.observedVerdict, rank);
    const names = swap ? flow.sourceNames : flow.destinationNames;
    const edge: ObservedEdge = {
      source: this.peers.peer(src, swap ? flow.destinationNames : flow.sourceNames),
      destination: this.peers.peer(dst, names),
      protocol,
      port,
      observedVerdict: counted?.verdict ?? flow.observedVerdict,
      time: flow.time,
      destinationNames: names.length === 0 ? NO_NAMES : [...new Set(names.map(normaliseName))].sort(),
    };
    const count: HourCount = { edge, first: flow.time, last: flow.time, batch: 0 };
    if (counted === undefined) this.recent.attach(new Counted(count, flow.observedVerdict, rank));
    else counted.add(count);
    return moved === undefined && joined === undefined ? { kind: 'edge', edge, count } : { kind: 'edge', edge, count, moved, joined };
  }
}

/**
 * A repeat of a connection in an hour it was counted in (`count`): folded, widened (it moves that
 * count's first or last seen) or reclassified (rule 5).
 */
function duplicate(flow: Flow, counted: Counted, count: HourCount, joined: Joined | undefined): FoldResult {
  const widened = widen(count, flow.time);
  const moved = counted.raise(flow.observedVerdict, rankOf(flow));
  if (moved !== undefined) return joined === undefined ? { kind: 'reclassified', moved } : { kind: 'reclassified', moved, joined };
  if (widened) return joined === undefined ? { kind: 'widened', count, verdict: counted.verdict } : { kind: 'widened', count, verdict: counted.verdict, joined };
  return joined === undefined ? FOLDED.duplicate : { kind: 'joined', joined };
}

/** Stable key of an edge: `<source peerKey> > <destination peerKey> <protocol>/<port>`. */
export function edgeKey(e: Pick<ObservedEdge, 'source' | 'destination' | 'protocol' | 'port'>): string {
  return `${peerKey(e.source)} > ${peerKey(e.destination)} ${e.protocol}/${e.port}`;
}

/** The address that identifies an endpoint in a connection key (the identity when no IP). */
function address(ep: Endpoint): string {
  return ep.ip ?? `#${ep.identity ?? ''}/${ep.podName ?? ''}`;
}
