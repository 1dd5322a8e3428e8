// Folding many events of a connection into one request edge.
import { describe, expect, it } from 'vitest';
import type { Flow, Layer4 } from '../../../src/model.js';
import { DEFAULT_IDENTITY_OPTIONS } from '../../../src/identity/identity.js';
import { EdgeFolder, type FoldResult, edgeKey } from '../../../src/identity/edge.js';

const T0 = Date.UTC(2024, 0, 1);
const WEB = { namespace: 'shop', labels: ['k8s:app=web'], workloads: [], ip: '10.0.0.1' };
const API = { namespace: 'shop', labels: ['k8s:app=api'], workloads: [], ip: '10.0.0.2' };
const tcp = (sourcePort: number, destinationPort: number, flags: Record<string, true> = {}): Layer4 =>
  ({ protocol: 'TCP', sourcePort, destinationPort, flags });

function flow(over: Partial<Flow> = {}): Flow {
  return {
    time: T0, observedVerdict: 'FORWARDED', trafficDirection: 'EGRESS', isReply: false,
    source: WEB, destination: API, l4: tcp(40000, 8080, { SYN: true }), sourceNames: [], destinationNames: [], ...over,
  };
}
/** The reply direction of `flow()`: api:8080 → web:40000. */
const reply = (over: Partial<Flow> = {}): Flow => flow({ source: API, destination: WEB, l4: tcp(8080, 40000, { ACK: true }), ...over });

const keyOf = (r: FoldResult): string => {
  if (r.kind === 'edge') return edgeKey(r.edge);
  if (r.kind === 'widened') return 'folded:duplicate'; // a duplicate that also moved its connection's span (tested below)
  if (r.kind === 'joined') return 'joined'; // a duplicate that joined two spans of its connection (tested below)
  return r.kind === 'folded' ? `folded:${r.reason}` : `${edgeKey(r.moved.counts[0]!.edge)} ${r.moved.from}->${r.moved.to}`;
};
const run = (flows: Flow[], opts = {}): string[] => {
  const folder = new EdgeFolder({ ...DEFAULT_IDENTITY_OPTIONS, ...opts });
  return flows.map((f) => keyOf(folder.fold(f)));
};
const EDGE = 'workload:shop/app=web > workload:shop/app=api TCP/8080';

describe('EdgeFolder', () => {
  it('a request is an edge with all its fields', () => {
    const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
    const edge = {
      source: { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } },
      destination: { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'api' } } },
      protocol: 'TCP', port: 8080, observedVerdict: 'FORWARDED', time: T0, destinationNames: ['a.example.com', 'b.example.com'],
    };
    const folded = folder.fold(flow({ destinationNames: ['B.example.com.', 'a.example.com', 'a.example.com'] }));
    expect(folded).toEqual({ kind: 'edge', edge, count: { edge, first: T0, last: T0, batch: 0 } });
    expect(folded.kind === 'edge' && folded.count.edge).toBe(folded.kind === 'edge' && folded.edge); // the count is of this edge
  });

  it('replies are folded, by is_reply, the deprecated reply mapping, or SYN+ACK', () => {
    expect(run([reply({ isReply: true }), reply({ isReply: undefined, l4: tcp(8080, 40000, { SYN: true, ACK: true }) })]))
      .toEqual(['folded:reply', 'folded:reply']);
  });

  it('the same connection at several observation points and nodes is one edge', () => {
    expect(run([
      flow({ traceObservationPoint: 'TO_STACK', nodeName: 'a' }),
      flow({ time: T0 + 0.2, traceObservationPoint: 'TO_ENDPOINT', nodeName: 'b', trafficDirection: 'INGRESS' }),
      flow({ time: T0 + 5, l4: tcp(40000, 8080, { ACK: true, PSH: true }) }),
      reply({ isReply: true, time: T0 + 6 }),
    ])).toEqual([EDGE, 'folded:duplicate', 'folded:duplicate', 'folded:reply']);
  });

  it('a policy-verdict + drop-notification pair and its SYN retransmits count once', () => {
    const drop = (time: number, type: number) => flow({
      time, observedVerdict: 'DROPPED', dropReason: 'POLICY_DENIED', isReply: undefined, eventType: { type, subType: type === 1 ? 133 : 0 },
    });
    const results = run([drop(T0, 5), drop(T0 + 0.01, 1), drop(T0 + 31_000, 5), drop(T0 + 31_000.01, 1), drop(T0 + 63_000, 5), drop(T0 + 63_000.01, 1)]);
    expect(results).toEqual([EDGE, ...Array(5).fill('folded:duplicate')]);
  });

  describe('a connection counts under its most decisive verdict (rule 5)', () => {
    const denied = (over: Partial<Flow> = {}) => flow({
      time: T0 + 0.3, nodeName: 'b', trafficDirection: 'INGRESS', observedVerdict: 'DROPPED', dropReason: 'POLICY_DENIED', isReply: undefined, ...over,
    });
    it("the source node forwards, the destination node's ingress policy drops: the count moves to DROPPED, once", () => {
      expect(run([flow({ nodeName: 'a' }), denied(), denied({ time: T0 + 0.31, eventType: { type: 1, subType: 133 } }), flow({ time: T0 + 1 })]))
        .toEqual([EDGE, `${EDGE} FORWARDED->DROPPED`, 'folded:duplicate', 'folded:duplicate']);
    });
    it('whichever node came first: dropped first stays dropped', () => {
      const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
      const first = folder.fold(denied({ time: T0 }));
      expect(first.kind === 'edge' && first.edge.observedVerdict).toBe('DROPPED');
      expect(keyOf(folder.fold(flow({ time: T0 + 0.3 })))).toBe('folded:duplicate');
    });
    it('DROPPED by policy over AUDIT over REDIRECTED over FORWARDED; never back down', () => {
      expect(run([
        flow(), flow({ time: T0 + 1, observedVerdict: 'REDIRECTED' }), flow({ time: T0 + 2, observedVerdict: 'AUDIT' }),
        flow({ time: T0 + 3, observedVerdict: 'REDIRECTED' }), denied({ time: T0 + 4 }), flow({ time: T0 + 5, observedVerdict: 'AUDIT' }),
      ])).toEqual([EDGE, `${EDGE} FORWARDED->REDIRECTED`, `${EDGE} REDIRECTED->AUDIT`, 'folded:duplicate', `${EDGE} AUDIT->DROPPED`, 'folded:duplicate']);
    });
    it('a drop without a reason counts as a policy drop (as Hubble assumes)', () => {
      expect(run([flow(), denied({ dropReason: undefined })])).toEqual([EDGE, `${EDGE} FORWARDED->DROPPED`]);
    });
    it('a drop for a datapath reason does not make a connection denied, in either order', () => {
      const lost = denied({ dropReason: 'CT_MAP_INSERTION_FAILED', isReply: false });
      expect(run([flow(), lost])).toEqual([EDGE, 'folded:duplicate']);
      expect(run([{ ...lost, time: T0 }, flow({ time: T0 + 0.5 })])).toEqual([EDGE, `${EDGE} DROPPED->FORWARDED`]);
      expect(run([{ ...lost, time: T0 }, flow({ time: T0 + 0.5, observedVerdict: 'REDIRECTED' })])).toEqual([EDGE, `${EDGE} DROPPED->REDIRECTED`]);
    });
  });

  it('the same 5-tuple long after its last event is a new connection', () => {
    expect(run([flow(), flow({ time: T0 + 61_000 })])).toEqual([EDGE, EDGE]);
  });

  it('the window is inclusive and measured either way in time', () => {
    expect(run([flow(), flow({ time: T0 + 60_000 })])).toEqual([EDGE, 'folded:duplicate']);
    expect(run([flow(), flow({ time: T0 + 5000 }), flow({ time: T0 + 10_001 })], { windowMs: 5000 })).toEqual([EDGE, 'folded:duplicate', EDGE]);
    // An earlier event (another node's file) long before the last one is another connection, not a repeat.
    expect(run([flow({ time: T0 + 100_000 }), flow()])).toEqual([EDGE, EDGE]);
    expect(run([flow({ time: T0 + 30_000 }), flow()])).toEqual([EDGE, 'folded:duplicate']);
  });

  describe('clock hours and spans (rule 4)', () => {
    const HOUR = 3_600_000;
    const at = (ms: number) => flow({ time: T0 + HOUR - 10_000 + ms, l4: tcp(40000, 8080, { ACK: true }) });
    it('a connection still going in a later clock hour is counted again there, once', () => {
      // 00:59:50 counted; 00:59:55 repeat; 01:00:05 counted in hour 1; 01:00:30 repeat.
      expect(run([at(0), at(5000), at(15_000), at(40_000)])).toEqual([EDGE, 'folded:duplicate', EDGE, 'folded:duplicate']);
    });
    it('an event of an earlier hour than its count (another node, read later) counts in that hour too, once', () => {
      expect(run([at(15_000), at(8000), at(9000), at(16_000)])).toEqual([EDGE, EDGE, 'folded:duplicate', 'folded:duplicate']);
    });
    it("duplicates widen the first and last seen of their hour's count; inside the span they are plain duplicates", () => {
      const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
      const fold = (ms: number) => folder.fold(flow({ time: T0 + ms }));
      expect(fold(10_000).kind).toBe('edge');
      expect(fold(20_000)).toMatchObject({ kind: 'widened', verdict: 'FORWARDED', count: { first: 10_000 + T0, last: 20_000 + T0 } });
      expect(fold(5000)).toMatchObject({ kind: 'widened', count: { first: 5000 + T0, last: 20_000 + T0 } });
      expect(fold(15_000)).toEqual({ kind: 'folded', reason: 'duplicate' });
      const denied = folder.fold(flow({ time: T0 + 30_000, observedVerdict: 'DROPPED', dropReason: 'POLICY_DENIED', isReply: undefined }));
      expect(denied).toMatchObject({ kind: 'reclassified', moved: { from: 'FORWARDED', to: 'DROPPED', counts: [{ first: 5000 + T0, last: 30_000 + T0 }] } });
      expect(fold(40_000)).toMatchObject({ kind: 'widened', verdict: 'DROPPED', count: { last: 40_000 + T0 } });
    });
    it('an out-of-order event widens the count of its own hour, not the latest', () => {
      const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
      expect(folder.fold(at(15_000)).kind).toBe('edge');
      expect(folder.fold(at(8000)).kind).toBe('edge');
      expect(folder.fold(at(5000))).toMatchObject({ kind: 'widened', count: { first: T0 + HOUR - 5000, last: T0 + HOUR - 2000 } });
    });
    describe('one verdict for all of a connection\'s hours (rule 5)', () => {
      // One SYN: the source node forwards it at 00:59:59.990, the destination node's policy drops it at 01:00:00.010.
      const forwarded = flow({ time: T0 + HOUR - 10, nodeName: 'a' });
      const dropped = flow({ time: T0 + HOUR + 10, nodeName: 'b', trafficDirection: 'INGRESS', observedVerdict: 'DROPPED', dropReason: 'POLICY_DENIED', isReply: undefined });
      it('a drop in the later hour moves the earlier count to DROPPED and counts there as DROPPED', () => {
        const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
        expect(folder.fold(forwarded)).toMatchObject({ kind: 'edge', edge: { observedVerdict: 'FORWARDED' } });
        const later = folder.fold(dropped);
        expect(later).toMatchObject({ kind: 'edge', edge: { observedVerdict: 'DROPPED', time: T0 + HOUR + 10 } });
        expect(later.kind === 'edge' && later.moved).toMatchObject({ from: 'FORWARDED', to: 'DROPPED', counts: [{ edge: { time: T0 + HOUR - 10 } }] });
      });
      it("a drop after the connection was counted in two hours moves both hours' counts", () => {
        const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
        folder.fold(flow({ time: T0 + HOUR - 30_000 }));
        expect(folder.fold(flow({ time: T0 + HOUR + 5000 })).kind).toBe('edge');
        const drop = folder.fold({ ...dropped, time: T0 + HOUR + 20_000 });
        expect(drop.kind === 'reclassified' && drop.moved.counts.map((c) => c.edge.time).sort()).toEqual([T0 + HOUR - 30_000, T0 + HOUR + 5000]);
      });
      it('read the other way round (the later file first), the earlier hour counts as DROPPED too', () => {
        const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
        expect(folder.fold(dropped)).toMatchObject({ kind: 'edge', edge: { observedVerdict: 'DROPPED' } });
        const earlier = folder.fold(forwarded);
        expect(earlier).toMatchObject({ kind: 'edge', edge: { observedVerdict: 'DROPPED', time: T0 + HOUR - 10 } });
        expect(earlier).not.toHaveProperty('moved'); // nothing to move: the connection was DROPPED all along
      });
    });
  });

  it("another node's file of a long-lived connection, read after this one's, repeats it all along (its span, not only its last event)", () => {
    const at = (ms: number, nodeName: string) => flow({ time: T0 + ms, nodeName, l4: tcp(40000, 8080, { ACK: true }) });
    const nodeA = Array.from({ length: 30 }, (_, k) => at(k * 20_000, 'a')); // 10 minutes, an event every 20 s
    const nodeB = nodeA.map((f) => ({ ...f, nodeName: 'b', time: f.time + 5 }));
    expect(run([...nodeA, ...nodeB]).filter((r) => r === EDGE)).toHaveLength(1);
    // The same 5-tuple used again after the span, past the window, is a new connection.
    expect(run([...nodeA, at(30 * 20_000 + 61_000, 'a')]).filter((r) => r === EDGE)).toHaveLength(2);
  });

  it('the periodic sweep forgets only connections older than the window', () => {
    // Every 1024th event sweeps the memory: a connection seen 1 s before the sweep must survive it.
    const other = Array.from({ length: 1023 }, (_, i) => flow({ time: T0 + 1 + i, l4: tcp(1, 8080, { SYN: true }) }));
    expect(run([flow(), ...other, flow({ time: T0 + 2000 })]).at(-1)).toBe('folded:duplicate');
  });

  it('ICMP: only events within 1 s are one echo, whatever the window', () => {
    const ping = (time: number): Flow => flow({ time, isReply: undefined, l4: { protocol: 'ICMPv4', type: 8, code: 0 } });
    const PING = 'workload:shop/app=web > workload:shop/app=api ICMPv4/8';
    expect(run([ping(T0), ping(T0 + 1000), ping(T0 + 2001)])).toEqual([PING, 'folded:duplicate', PING]);
  });

  it('endpoints without an address are told apart by identity and pod', () => {
    const pod = (podName: string) => ({ ...WEB, ip: undefined, identity: 4242, podName });
    expect(run([flow({ source: pod('web-1') }), flow({ source: pod('web-2') }), flow({ source: pod('web-1') })]))
      .toEqual([EDGE, EDGE, 'folded:duplicate']);
  });

  it('memory is bounded: the least recently seen connection is forgotten first', () => {
    const conn = (port: number) => flow({ l4: tcp(port, 8080, { SYN: true }) });
    expect(run([conn(1), conn(2), conn(3), conn(1), conn(3)], { maxConnections: 2 })).toEqual([EDGE, EDGE, EDGE, EDGE, 'folded:duplicate']);
  });

  it('the latest keepConnections are remembered however far the clock went (the next file goes back), older ones past them are not', () => {
    const conn = (port: number, seconds: number) => flow({ time: T0 + seconds * 1000, l4: tcp(port, 8080, { SYN: true }) });
    const events = [conn(1, 0), conn(2, 100), conn(3, 200), conn(1, 0.5)];
    expect(run(events, { keepConnections: 3 })).toEqual([EDGE, EDGE, EDGE, 'folded:duplicate']);
    expect(run(events, { keepConnections: 2 })).toEqual([EDGE, EDGE, EDGE, EDGE]);
  });

  it("another node's copy of an earlier use of the same addresses and ports folds into that use, not into the latest", () => {
    const use = (seconds: number) => flow({ time: T0 + seconds * 1000, l4: tcp(40000, 8080, { SYN: true }) });
    // Node a's file: the port used at 0 s and again at 100 s (two connections); node b's: its copy of the first.
    expect(run([use(0), use(100), use(0.5)])).toEqual([EDGE, EDGE, 'folded:duplicate']);
    // Each earlier use keeps its own count: the copy of the first widens that, the second's copy folds into the second.
    expect(run([use(0), use(100), use(200), use(0.5), use(100.5), use(200.5)])).toEqual([EDGE, EDGE, EDGE, 'folded:duplicate', 'folded:duplicate', 'folded:duplicate']);
  });

  it('the numbered addresses are bounded: when the table is full, connections are forgotten with it', () => {
    const other = (ip: string) => flow({ source: { ...WEB, ip }, l4: tcp(1, 8080, { SYN: true }) });
    expect(run([flow(), other('10.0.0.3'), flow()], { maxAddresses: 5 })).toEqual([EDGE, EDGE, 'folded:duplicate']);
    expect(run([flow(), other('10.0.0.3'), other('10.0.0.4'), flow()], { maxAddresses: 5 })).toEqual([EDGE, EDGE, EDGE, EDGE]);
  });

  it('connections differ by protocol and by each port', () => {
    const udp = (sourcePort: number, destinationPort: number): Layer4 => ({ protocol: 'UDP', sourcePort, destinationPort });
    expect(run([
      flow(), flow({ l4: udp(40000, 8080) }), flow({ l4: tcp(40001, 8080, { SYN: true }) }), flow({ l4: tcp(40000, 8081, { SYN: true }) }),
      flow({ l4: tcp(65535, 65535, { SYN: true }) }),
    ])).toEqual([
      EDGE, EDGE.replace('TCP', 'UDP'), EDGE, EDGE.replace('8080', '8081'), EDGE.replace('8080', '65535'),
    ]);
  });

  it('a source that goes back in time (the next file) still folds its own repeats', () => {
    const later = flow({ time: T0 + 3_600_000, l4: tcp(1, 8080, { SYN: true }) });
    const repeats = Array.from({ length: 3000 }, (_, i) => flow({ time: T0 + i, l4: tcp(40000, 8080, { ACK: true }) }));
    const results = run([later, ...repeats]);
    expect(results.filter((r) => r === EDGE)).toHaveLength(2);
  });

  it('an L7 response is swapped back to the request direction and pairs with its request', () => {
    const l7 = { type: 'RESPONSE' as const, http: { method: 'GET', url: '/', code: 200 } };
    const response = reply({ isReply: true, flowType: 'L7', l7, l4: tcp(8080, 40000) });
    expect(run([response])).toEqual([EDGE]);
    expect(run([flow({ flowType: 'L7', l7: { type: 'REQUEST' }, l4: tcp(40000, 8080) }), response])).toEqual([EDGE, 'folded:duplicate']);
  });

  it('an L7 response takes the DNS names of each end from its own side', () => {
    // The client (the response's destination) is known by name only: its names are destination_names.
    const client = { labels: ['reserved:world'], workloads: [] };
    const l7 = { type: 'RESPONSE' as const, http: { method: 'GET', url: '/', code: 200 } };
    const response = flow({
      source: API, destination: client, isReply: true, flowType: 'L7', l7, l4: tcp(8080, 40000),
      sourceNames: ['api.shop.example'], destinationNames: ['client.example.com'],
    });
    const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
    const result = folder.fold(response);
    expect(keyOf(result)).toBe('fqdn:client.example.com > workload:shop/app=api TCP/8080');
    expect(result.kind === 'edge' && result.edge.destinationNames).toEqual(['api.shop.example']);
  });

  it("a pod's traffic to itself is loopback, not an edge; to another pod of its workload it is one", () => {
    const pod = (podName: string, over = {}) => ({ ...WEB, podName, ...over });
    const self = flow({ source: pod('web-1'), destination: pod('web-1', { ip: '10.0.0.9' }), l4: tcp(40000, 80, { SYN: true }) });
    const sibling = flow({ source: pod('web-1'), destination: pod('web-2', { ip: '10.0.0.9' }), l4: tcp(40001, 80, { SYN: true }) });
    const otherCluster = flow({ source: pod('web-1'), destination: pod('web-1', { clusterName: 'east' }), l4: tcp(40002, 80, { SYN: true }) });
    const sameNameElsewhere = flow({ source: pod('web-1'), destination: pod('web-1', { namespace: 'lab' }), l4: tcp(40003, 80, { SYN: true }) });
    const selfEdge = 'workload:shop/app=web > workload:shop/app=web TCP/80';
    expect(run([self, sibling])).toEqual(['folded:loopback', selfEdge]);
    expect(run([otherCluster])).toEqual([selfEdge]);
    expect(run([sameNameElsewhere])).toEqual(['workload:shop/app=web > workload:lab/app=web TCP/80']);
  });

  it('unknown direction: a SYN is still a request, other packets are folded', () => {
    const unknown = { isReply: undefined, trafficDirection: 'TRAFFIC_DIRECTION_UNKNOWN' as const, traceObservationPoint: 'TO_OVERLAY' };
    expect(run([flow({ ...unknown, l4: tcp(40000, 8080, { ACK: true }) })])).toEqual(['folded:unknown-direction']);
    expect(run([flow({ ...unknown })])).toEqual([EDGE]);
  });

  it('old data without is_reply: a known traffic direction means a request', () => {
    expect(run([flow({ isReply: undefined, l4: tcp(40000, 8080, { ACK: true }) })])).toEqual([EDGE]);
  });

  it('drops without is_reply are requests only when policy dropped them', () => {
    const drop = (dropReason: string | undefined) => flow({ observedVerdict: 'DROPPED', dropReason, isReply: undefined, l4: tcp(40000, 8080, { ACK: true }) });
    expect(run([drop('POLICY_DENY')])).toEqual([EDGE]);
    expect(run([drop('AUTH_REQUIRED')])).toEqual([EDGE]);
    expect(run([drop(undefined)])).toEqual([EDGE]);
    expect(run([drop('CT_MAP_INSERTION_FAILED')])).toEqual(['folded:unknown-direction']);
  });

  it('ICMP uses the type as the port; echo replies are folded', () => {
    const icmp = (type: number): Flow => flow({ isReply: undefined, trafficDirection: 'TRAFFIC_DIRECTION_UNKNOWN', l4: { protocol: 'ICMPv4', type, code: 0 } });
    expect(run([icmp(8), icmp(0)])).toEqual(['workload:shop/app=web > workload:shop/app=api ICMPv4/8', 'folded:reply']);
    const icmp6 = (type: number): Flow => flow({ isReply: undefined, trafficDirection: 'TRAFFIC_DIRECTION_UNKNOWN', l4: { protocol: 'ICMPv6', type, code: 0 } });
    expect(run([icmp6(128), icmp6(129)])).toEqual(['workload:shop/app=web > workload:shop/app=api ICMPv6/128', 'folded:reply']);
  });

  it('events that are no policy decision, or lack ports, are folded with their reason', () => {
    expect(run([
      flow({ observedVerdict: 'TRACED' }),
      flow({ observedVerdict: 'ERROR' }),
      flow({ flowType: 'SOCK' }),
      flow({ eventType: { type: 7, subType: 0 } }),
      flow({ l4: undefined }),
      flow({ l4: tcp(40000, 0) }),
      flow({ l4: { protocol: 'VRRP' } }),
    ])).toEqual([
      'folded:not-a-decision', 'folded:not-a-decision', 'folded:not-a-decision', 'folded:not-a-decision',
      'folded:no-port', 'folded:no-port', 'folded:unsupported-protocol',
    ]);
  });

  it('the Cilium identity number is only a cache hint: labels and namespace decide the peer', () => {
    // Same number, other labels / other namespace (a reused or other-cluster identity), fresh
    // label arrays for every flow (as JSON.parse gives them), and one workload under two numbers.
    const ep = (identity: number, namespace: string, ...labels: string[]) => ({ ...WEB, identity, namespace, labels });
    const at = (i: number, source: ReturnType<typeof ep>) => flow({ time: T0 + i * 120_000, source, l4: tcp(40000 + i, 8080, { SYN: true }) });
    expect(run([
      at(0, ep(42, 'shop', 'k8s:app=web')),
      at(1, ep(42, 'shop', 'k8s:app=web', 'k8s:tier=fe')),
      at(2, ep(42, 'shop', 'k8s:app=web')),
      at(3, ep(42, 'shop', 'k8s:app=wex')),
      at(4, ep(42, 'shop2', 'k8s:app=web')),
      at(5, ep(43, 'shop', 'k8s:app=web', 'k8s:pod-template-hash=abc')),
      at(6, ep(42, 'shop', 'k8s:app=web')),
    ])).toEqual([
      EDGE,
      'workload:shop/app=web,tier=fe > workload:shop/app=api TCP/8080',
      EDGE,
      'workload:shop/app=wex > workload:shop/app=api TCP/8080',
      'workload:shop2/app=web > workload:shop/app=api TCP/8080',
      EDGE,
      EDGE,
    ]);
  });

  it('peers outside the cluster are not cached by labels: each address and name is its own peer', () => {
    const world = (ip: string | undefined) => ({ labels: ['reserved:world'], workloads: [], ip });
    const to = (i: number, destination: ReturnType<typeof world>, names: string[] = []) =>
      flow({ time: T0 + i * 120_000, destination, destinationNames: names, l4: tcp(40000 + i, 443, { SYN: true }) });
    expect(run([
      to(0, world('140.82.121.4')), to(1, world('140.82.121.5')),
      to(2, world(undefined), ['github.com']), to(3, world(undefined), ['gitlab.com']),
    ]).map((key) => key.split(' > ')[1])).toEqual([
      'cidr:140.82.121.4/32 TCP/443', 'cidr:140.82.121.5/32 TCP/443', 'fqdn:github.com TCP/443', 'fqdn:gitlab.com TCP/443',
    ]);
  });

  it('the peer cache tells label sets apart whatever characters their labels hold', () => {
    // Without identity numbers the cache key is built from the labels: two label sets whose
    // labels would join into the same text must still be two peers.
    const ep = (namespace: string, ...labels: string[]) => ({ ...WEB, namespace, labels });
    const at = (i: number, source: ReturnType<typeof ep>) => flow({ time: T0 + i * 120_000, source, l4: tcp(40000 + i, 8080, { SYN: true }) });
    const peers = run([
      at(0, ep('shop', 'k8s:app=web\u0001k8s:tier=fe')),
      at(1, ep('shop', 'k8s:app=web', 'k8s:tier=fe')),
      at(2, ep('shop\u0000k8s:app=web', 'k8s:tier=fe')),
      at(3, ep('shop', '\u0000k8s:app=web', 'k8s:tier=fe')),
    ]).map((key) => key.split(' > ')[0]);
    expect(new Set(peers).size).toBe(4);
    expect(peers[1]).toBe('workload:shop/app=web,tier=fe');
  });
});
