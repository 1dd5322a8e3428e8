// Every JSON shape flowpol accepts (test/fixtures/json-shapes/README.md), from hand-made fixtures, maps to the same Flow.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Flow, FlowEvent } from '../../../src/model.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/json-shapes/', import.meta.url));

async function readAll(name: string): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  for await (const ev of readFlowFile(FIXTURES + name, { skipInvalid: false })) out.push(ev);
  return out;
}

/** The flow every fixture describes, written out by hand from getflows.jsonl line 1. */
const WEB_TO_API: Flow = {
  time: Date.UTC(2024, 4, 1, 10, 0, 0) + 123.456,
  uuid: 'u-1',
  observedVerdict: 'FORWARDED',
  dropReason: undefined,
  eventType: { type: 4, subType: 0 },
  flowType: 'L3_L4',
  traceObservationPoint: 'TO_ENDPOINT',
  trafficDirection: 'EGRESS',
  isReply: false,
  source: {
    id: 12, identity: 1234, clusterName: undefined, namespace: 'shop', podName: 'web-1',
    labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop'], workloads: [{ name: 'web', kind: 'Deployment' }], ip: '10.0.0.1',
  },
  destination: {
    id: undefined, identity: 5678, clusterName: undefined, namespace: 'shop', podName: 'api-1',
    labels: ['k8s:app=api', 'k8s:io.kubernetes.pod.namespace=shop'], workloads: [], ip: '10.0.0.2',
  },
  ipVersion: 'IPv4',
  l4: { protocol: 'TCP', sourcePort: 40000, destinationPort: 8080, flags: { SYN: true } },
  l7: undefined,
  nodeName: 'kind-worker',
  sourceNames: [],
  destinationNames: [],
  policyMatchType: undefined,
};
const LOST = { kind: 'lost', lost: { source: 'HUBBLE_RING_BUFFER', numEventsLost: 42, cpu: 1, nodeName: 'kind-worker', time: Date.UTC(2024, 4, 1, 10, 0, 1) } };

describe('recorded JSON shapes', () => {
  it('reads GetFlowsResponse lines: flow, lost_events (count from a string), node_status', async () => {
    const events = await readAll('getflows.jsonl');
    expect(events).toStrictEqual([
      { kind: 'flow', flow: WEB_TO_API },
      LOST,
      { kind: 'node-status', status: { state: 'NODE_UNAVAILABLE', nodeNames: ['kind-worker2'], message: 'connection refused' } },
    ]);
  });

  it('reads bare Flow and bare LostEvent lines (old CLI)', async () => {
    const events = await readAll('bare-flow.json');
    expect(events).toStrictEqual([
      { kind: 'flow', flow: WEB_TO_API },
      { kind: 'lost', lost: { source: 'PERF_EVENT_RING_BUFFER', numEventsLost: 7, cpu: 3, nodeName: undefined, time: undefined } },
    ]);
  });

  it('reads lowerCamelCase field names the same as proto names', async () => {
    expect(await readAll('camel-case.jsonl')).toStrictEqual([{ kind: 'flow', flow: WEB_TO_API }, LOST]);
  });

  it.each(['array.json', 'one-line-array.json', 'container-log.log'])('reads %s element by element', async (name) => {
    const events = await readAll(name);
    const expected = name === 'container-log.log'
      ? [{ kind: 'flow', flow: WEB_TO_API }, { kind: 'flow', flow: WEB_TO_API }, LOST]
      : [{ kind: 'flow', flow: WEB_TO_API }, LOST, expect.objectContaining({ kind: 'node-status' })];
    expect(events).toStrictEqual(expected);
  });

  it('reads several pretty-printed objects in a row', async () => {
    expect(await readAll('pretty-several.json')).toStrictEqual([{ kind: 'flow', flow: WEB_TO_API }, LOST]);
  });

  it('reads exporter lines: field-masked flows, agent/debug events, aggregated flows', async () => {
    const events = await readAll('exporter.jsonl');
    expect(events.map((e) => e.kind)).toEqual(['flow', 'other', 'other', 'flow']);
    expect(events[1]).toEqual({ kind: 'other', what: 'agent_event' });
    expect(events[2]).toEqual({ kind: 'other', what: 'debug_event' });
    const masked = (events[0] as Extract<FlowEvent, { kind: 'flow' }>).flow;
    expect(masked).toMatchObject({
      uuid: undefined, flowType: undefined, eventType: undefined, observedVerdict: 'DROPPED', dropReason: 'POLICY_DENIED',
      trafficDirection: 'INGRESS', isReply: undefined, nodeName: 'poc1/poc1-worker', time: Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    expect(masked.source).toEqual({
      id: undefined, identity: 300, clusterName: undefined, namespace: 'lab', podName: 'client', labels: [], workloads: [], ip: '10.1.0.5',
    });
    const aggregated = (events[3] as Extract<FlowEvent, { kind: 'flow' }>).flow;
    expect(aggregated.l4).toEqual({ protocol: 'UDP', sourcePort: 53001, destinationPort: 53 });
    expect(aggregated.time).toBe(Date.UTC(2026, 0, 2, 3, 4, 8, 500));
  });
});
