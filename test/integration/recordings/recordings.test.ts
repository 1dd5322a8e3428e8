// The public recordings parse without errors and fold into the edges a person would draw.
// Expected numbers were counted independently of flowpol, with jq (commands in the comments).
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FlowEvent, ObservedEdge } from '../../../src/model.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { DEFAULT_IDENTITY_OPTIONS } from '../../../src/identity/identity.js';
import { EdgeFolder, edgeKey } from '../../../src/identity/edge.js';

const BUNDLED = fileURLToPath(new URL('../../../recorded-flows/', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../../../../shared/recorded-flows-public/', import.meta.url));
const hasPublic = existsSync(PUBLIC);

async function events(file: string): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  for await (const ev of readFlowFile(file, { skipInvalid: false })) out.push(ev);
  return out;
}

async function edges(file: string): Promise<ObservedEdge[]> {
  const folder = new EdgeFolder(DEFAULT_IDENTITY_OPTIONS);
  const out: ObservedEdge[] = [];
  for (const ev of await events(file)) {
    if (ev.kind !== 'flow') continue;
    const r = folder.fold(ev.flow);
    if (r.kind === 'edge') out.push(r.edge);
  }
  return out;
}

function tally(list: ObservedEdge[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of list) out[edgeKey(e)] = (out[edgeKey(e)] ?? 0) + 1;
  return out;
}

// flows: `jq -c 'select(.flow)' F | wc -l` (NDJSON), `jq '[.[] | select(.flow)] | length' F` (arrays),
// `jq '[.[] | select(.verdict)] | length' F` (bare array); lost/other: `grep -c lost_events|agent_event|debug_event F` = 0.
const COUNTS: [string, number][] = [
  ['accuknox-discovery-engine__flows-template-verbose-bare-array.json', 16],
  ['bakito-policy-report-publisher__hubble.json', 226],
  ['bakito-policy-report-publisher__hubble2.json', 218],
  ['bszlacht-collectingdataflows__example_flow-pretty.json', 1],
  ['bszlacht-collectingdataflows__flows-minikube-jsonpb.jsonl', 256],
  ['ephico2real2-cilium-implementation-poc__26-flow-stranger-to-shop-exporter-fieldmask.jsonl', 1],
  ['ephico2real2-cilium-implementation-poc__31-dns-visibility-flows-pos-egress-named.jsonl', 4],
  ['hubble-otel__basic-sample-10-flows.jsonl', 10],
  ['hubble-otel__basic-sample-330-dns-flows.jsonl', 330],
  ['hubble-otel__basic-sample-348-http-flows.jsonl', 348],
  ['hubble-otel__basic-sample-400-icmpv4-flows.jsonl', 18],
  ['hubble-otel__basic-sample-400-l7-redirected-flows.jsonl', 400],
  ['hubble-otel__basic-sample-400-tcp-flows.jsonl', 400],
  ['hubble-otel__basic-sample-400-udp-flows.jsonl', 400],
  ['imroc-tke-guide__tke-exporter-events-all-3lines.jsonl', 3],
];

describe.skipIf(!hasPublic)('public recordings (../shared/recorded-flows-public)', () => {
  it.each(COUNTS)('%s: %i flows, no lost or other events, no errors', async (name, flows) => {
    const kinds = (await events(PUBLIC + name)).map((e) => e.kind);
    expect({ flow: kinds.filter((k) => k === 'flow').length, other: kinds.filter((k) => k !== 'flow').length }).toEqual({ flow: flows, other: 0 });
  });

  it('never learns an ephemeral client port (>= 32768 on these Linux clients) from any recording', async () => {
    for (const [name] of COUNTS) {
      for (const e of await edges(PUBLIC + name)) expect({ name, key: edgeKey(e), ephemeral: e.port >= 32768 }).toMatchObject({ ephemeral: false });
    }
  });

  it('Star Wars demo: deathstar:80 is learned, the xwing/tiefighter client ports are not', async () => {
    // Distinct request connections (`jq 'select(.flow.is_reply == false)'`, unique src ip:port →
    // dst ip:port): 2 tiefighter→deathstar:80, 3 xwing→deathstar:80, 2+3 → coredns:53, 1 host→health:4240
    // (keep-alive from 17:45 to 18:04, so counted in each of its two clock hours: rule 4 of
    // identity/edge.ts); 20 echo requests host→health (`jq 'select(.flow.l4.ICMPv4.type == 8)'`), each its own request.
    const tiefighter = 'workload:default/class=tiefighter,org=empire';
    const xwing = 'workload:default/class=xwing,org=alliance';
    const deathstar = 'workload:default/class=deathstar,org=empire';
    expect(tally(await edges(`${PUBLIC}bszlacht-collectingdataflows__flows-minikube-jsonpb.jsonl`))).toEqual({
      'reserved:host > reserved:health ICMPv4/8': 20,
      'reserved:host > reserved:health TCP/4240': 2,
      [`${tiefighter} > ${deathstar} TCP/80`]: 2,
      [`${xwing} > ${deathstar} TCP/80`]: 3,
      [`${tiefighter} > workload:kube-system/ UDP/53`]: 2,
      [`${xwing} > workload:kube-system/ UDP/53`]: 3,
    });
  });

  it.each([
    // `jq -r '.[].flow | [.IP.source, (.l4.TCP.source_port // .l4.UDP.source_port // "icmp"), .IP.destination,
    //  (.l4.TCP.destination_port // .l4.UDP.destination_port // 0)] | @tsv' F | sort -u | wc -l`;
    // event_type 5 / 1 counts: `jq '[.[] | select(.flow.event_type.type==5)] | length' F`.
    ['bakito-policy-report-publisher__hubble.json', 19, 113],
    ['bakito-policy-report-publisher__hubble2.json', 48, 109],
  ])('%s: each policy-verdict + drop pair (and SYN retransmits) counts once: %i edges', async (name, connections, pairs) => {
    const all = await events(PUBLIC + name);
    const types = all.map((e) => (e.kind === 'flow' ? e.flow.eventType?.type : undefined));
    expect([types.filter((t) => t === 5).length, types.filter((t) => t === 1).length]).toEqual([pairs, pairs]);
    const learned = await edges(PUBLIC + name);
    expect(learned).toHaveLength(connections);
    expect(new Set(learned.map((e) => e.observedVerdict))).toEqual(new Set(['DROPPED']));
  });
});

describe('bundled recordings (recorded-flows/)', () => {
  it('hubble-otel 10 flows: the five requests, listed by hand from the file', async () => {
    // Lines 2, 3, 6, 8, 9 are requests (no `reply`, direction known, or a SYN); the others are replies.
    const reviews = 'workload:bookinfo/app=reviews,security.istio.io/tlsMode=istio,version=v1';
    expect(tally(await edges(`${BUNDLED}hubble-otel__basic-sample-10-flows.jsonl`))).toEqual({
      [`reserved:host > ${reviews} TCP/15020`]: 1,
      [`workload:istio-system/app=prometheus,release=istio > ${reviews} TCP/15090`]: 1,
      ['workload:istio-system/app=telemetry,chart=mixer,heritage=Tiller,istio=mixer,istio-mixer-type=telemetry,release=istio,security.istio.io/tlsMode=istio'
        + ' > workload:istio-system/app=galley,chart=galley,heritage=Tiller,istio=galley,release=istio TCP/9901']: 1,
      'workload:kube-system/k8s-app=event-exporter,version=v0.3.4 > cidr:35.246.31.234/32 TCP/443': 1,
      'reserved:host > workload:kube-system/k8s-app=kube-dns TCP/10054': 1,
    });
  });

  it('hubble-otel ICMPv4: echo requests to health are learned as ICMPv4/8, replies folded', async () => {
    // `jq -r '.flow | [(.source.labels|join(",")), .l4.ICMPv4.type] | @tsv' F | sort | uniq -c`:
    // 11 echo requests (type 8: 4 from host, 7 from remote-node), 7 echo replies (type 0).
    const learned = await edges(`${BUNDLED}hubble-otel__basic-sample-400-icmpv4-flows.jsonl`);
    expect(tally(learned)).toEqual({ 'reserved:host > reserved:health ICMPv4/8': 4, 'reserved:remote-node > reserved:health ICMPv4/8': 7 });
  });
});
