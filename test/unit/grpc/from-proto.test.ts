// from-proto.ts against the JSON reader. The protobuf bytes come from an independent encoder:
// `buf convert` (Go protojson → binary, using our proto/), so the mapping is checked on bytes
// flowpol did not write itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventFromJson } from '../../../src/collect/from-json.js';
import {
  decodeResponse, encodeResponse, eventToResponse, flowToProto, msToTimestamp, timestampToMs,
} from '../../../src/collect/from-proto.js';
import { eventFromBytes, eventFromProto, flowFromProto } from '../../../src/collect/flow-wire.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { REPO_ROOT } from '../../support/cli.js';
import type { Flow } from '../../../src/model.js';
import { InputError } from '../../../src/errors.js';
import { TRICKY } from '../../support/tricky-events.js';

const RECORDINGS = join(REPO_ROOT, 'recorded-flows');
const BASE: Flow = {
  time: 1709287200123.456, uuid: undefined, observedVerdict: 'FORWARDED', dropReason: undefined, eventType: { type: 4, subType: 0 },
  flowType: 'L3_L4', traceObservationPoint: undefined, trafficDirection: 'EGRESS', isReply: false,
  source: { id: 7, identity: 300, clusterName: undefined, namespace: 'shop', podName: 'web-1', labels: ['k8s:app=web'], workloads: [{ name: 'web', kind: 'Deployment' }], ip: undefined },
  destination: { id: undefined, identity: 2, clusterName: undefined, namespace: undefined, podName: undefined, labels: ['reserved:world'], workloads: [], ip: '1.1.1.1' },
  ipVersion: 'IPv4', l4: { protocol: 'UDP', sourcePort: 5000, destinationPort: 53 }, l7: undefined, nodeName: 'n1',
  sourceNames: [], destinationNames: [], policyMatchType: undefined,
};
const dir = mkdtempSync(join(tmpdir(), 'flowpol-proto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** protojson text → GetFlowsResponse bytes, by buf (not by flowpol). */
function bufEncode(json: string): Uint8Array {
  const input = join(dir, 'in.json');
  writeFileSync(input, json);
  const bin = join(dir, 'out.binpb');
  execFileSync(join(REPO_ROOT, 'node_modules/.bin/buf'), ['convert', 'proto', '--type', 'observer.GetFlowsResponse', '--from', `${input}#format=json`, '--to', `${bin}#format=binpb`], { cwd: REPO_ROOT, stdio: 'pipe' });
  return readFileSync(bin);
}


describe('from-proto vs the JSON reader', () => {
  it('maps independently encoded protobuf to the same FlowEvent, edge cases included', () => {
    const lines = [...TRICKY];
    for (const name of readdirSync(RECORDINGS).filter((n) => n.endsWith('.jsonl')).sort()) {
      lines.push(...readFileSync(join(RECORDINGS, name), 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, 2));
    }
    expect(lines.length).toBeGreaterThan(TRICKY.length);
    for (const line of lines) {
      const bytes = bufEncode(line);
      expect(eventFromBytes(bytes), line).toStrictEqual(eventFromJson(JSON.parse(line)));
      expect(eventFromProto(decodeResponse(bytes)), line).toStrictEqual(eventFromJson(JSON.parse(line)));
    }
  });

  it('names a drop by its numeric drop_reason when drop_reason_desc is missing (old agents)', () => {
    const reasons = TRICKY.slice(5, 8).map((line) => {
      const event = eventFromJson(JSON.parse(line));
      return event.kind === 'flow' ? event.flow.dropReason : event.kind;
    });
    expect(reasons).toEqual(['CT_MAP_INSERTION_FAILED', 'POLICY_DENIED', '250']);
  });

  it('reads enums written as numbers, as protojson readers do; a number that is no enum is an error naming the field', () => {
    const flows = TRICKY.slice(-2).map((line) => {
      const event = eventFromJson(JSON.parse(line));
      if (event.kind !== 'flow') throw new Error(`not a flow: ${line}`);
      const f = event.flow;
      return [f.observedVerdict, f.dropReason, f.flowType, f.trafficDirection, f.traceObservationPoint, f.ipVersion];
    });
    expect(flows).toEqual([
      ['DROPPED', 'POLICY_DENIED', 'L3_L4', 'INGRESS', 'TO_ENDPOINT', 'IPv4'],
      ['DROPPED', 'CT_MAP_INSERTION_FAILED', undefined, 'TRAFFIC_DIRECTION_UNKNOWN', undefined, 'IPv6'],
    ]);
    const bad = '{"flow":{"time":"2024-03-01T10:00:05Z","trace_observation_point":1.5}}';
    expect(() => eventFromJson(JSON.parse(bad))).toThrow(/trace_observation_point.*expected an enum name or number, found number 1.5/);
  });

  it('a deprecated reply of false leaves the direction unknown and a zero identity is none, as protobuf reads them', () => {
    const event = eventFromJson(JSON.parse(TRICKY.find((l) => l.includes('"reply":false')) as string));
    expect(event.kind).toBe('flow');
    expect(event.kind === 'flow' ? event.flow.isReply : 'not a flow').toBeUndefined();
    expect(event.kind === 'flow' ? [event.flow.source.id, event.flow.source.identity] : 'not a flow').toEqual([undefined, undefined]);
  });

  it('round-trips every event of the bundled recordings through protobuf unchanged', async () => {
    let n = 0;
    for (const name of readdirSync(RECORDINGS).filter((f) => f.endsWith('.jsonl'))) {
      for await (const event of readFlowFile(join(RECORDINGS, name), { skipInvalid: false })) {
        const response = eventToResponse(event);
        if (response === undefined) continue;
        expect(eventFromBytes(encodeResponse(response))).toStrictEqual(event);
        if (event.kind === 'flow') expect(flowFromProto(flowToProto(event.flow))).toStrictEqual(event.flow);
        n++;
      }
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('round-trips the edge cases through protobuf too: a drop reason newer than our table keeps its number', () => {
    for (const line of TRICKY) {
      const event = eventFromJson(JSON.parse(line));
      const response = eventToResponse(event);
      if (response !== undefined) expect(eventFromBytes(encodeResponse(response)), line).toStrictEqual(event);
    }
    const unknown = eventFromJson(JSON.parse(TRICKY[7] as string));
    expect(unknown.kind === 'flow' ? flowToProto(unknown.flow).dropReasonDesc : 'not a flow').toBe(250);
  });

  it('flows of the same pod decode to separate endpoint objects (the decoder caches endpoints)', () => {
    const flow = (ip: string): Flow => ({ ...BASE, source: { ...BASE.source, ip } });
    const bytes = (f: Flow) => encodeResponse(eventToResponse({ kind: 'flow', flow: f }) as NonNullable<ReturnType<typeof eventToResponse>>);
    const a = eventFromBytes(bytes(flow('10.0.0.1')));
    const b = eventFromBytes(bytes(flow('10.0.0.2')));
    const c = eventFromBytes(bytes(flow('10.0.0.3'))); // a second cache hit must not share the first hit's object
    if (a.kind !== 'flow' || b.kind !== 'flow' || c.kind !== 'flow') throw new Error('expected flows');
    expect([a.flow.source.ip, b.flow.source.ip, c.flow.source.ip]).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(a.flow.source).not.toBe(b.flow.source);
    expect(b.flow.source).not.toBe(c.flow.source);
    expect(b.flow).toStrictEqual(flow('10.0.0.2'));
  });

  it('refuses malformed bytes with an InputError instead of guessing', () => {
    const good = encodeResponse(eventToResponse({ kind: 'flow', flow: BASE }) as NonNullable<ReturnType<typeof eventToResponse>>);
    expect(() => eventFromBytes(good.subarray(0, good.length - 3))).toThrow(InputError);
    expect(() => eventFromBytes(good.subarray(0, good.length - 3))).toThrow(/malformed protobuf: a field runs past the end of its message/);
    // A source Endpoint of 4 bytes whose namespace claims 10: it would run into the next field (uuid).
    const endpoint = [0x1a, 10, 0x61, 0x62];
    const flow = [0x42, endpoint.length, ...endpoint, 0x92, 0x02, 10, ...Buffer.from('xxxxxxxxxx')];
    expect(() => eventFromBytes(Buffer.from([0x0a, flow.length, ...flow]))).toThrow(/malformed protobuf: a field runs past the end of its message/);
    expect(() => eventFromBytes(Buffer.from([0x0b]))).toThrow(/unsupported wire type 3/);
    // Ranges the JSON reader refuses too: a 16-bit port, an 8-bit ICMP type.
    const bytesOf = (l4: Flow['l4']): Uint8Array => encodeResponse(eventToResponse({ kind: 'flow', flow: { ...BASE, l4 } }) as NonNullable<ReturnType<typeof eventToResponse>>);
    expect(() => eventFromBytes(bytesOf({ protocol: 'TCP', sourcePort: 40000, destinationPort: 70000, flags: {} }))).toThrow(/malformed flow: TCP port 70000 is over 65535/);
    expect(() => eventFromBytes(bytesOf({ protocol: 'ICMPv4', type: 300, code: 0 }))).toThrow(/malformed flow: ICMPv4 type\/code 300 is over 255/);
    expect(eventFromBytes(bytesOf({ protocol: 'ICMPv4', type: 255, code: 255 }))).toMatchObject({ kind: 'flow', flow: { l4: { protocol: 'ICMPv4', type: 255, code: 255 } } });
    expect(() => eventFromBytes(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(/varint longer than 10 bytes/);
  });

  it('skips unknown fixed64 / fixed32 fields by their width, and refuses one cut short', () => {
    // Unknown fields (field 99 fixed64, 98 fixed32) at the top level, in the Flow and in its source Endpoint.
    const unknown = [...tag(99, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...tag(98, 5), 9, 10, 11, 12];
    const source = [...unknown, ...text(3, 'shop'), ...unknown, ...text(5, 'web-1')];
    const flow = [...unknown, ...len(8, source), ...unknown, ...text(11, 'n1'), ...unknown];
    const event = eventFromBytes(Buffer.from([...unknown, ...len(1, flow), ...unknown, ...text(1000, 'envelope')]));
    expect(event).toMatchObject({ kind: 'flow', flow: { nodeName: 'n1', source: { namespace: 'shop', podName: 'web-1' } } });
    // A fixed64 with 3 of its 8 bytes, the last field of the Flow: the Flow ends before it does.
    const short = [...text(11, 'n1'), ...tag(99, 1), 1, 2, 3];
    expect(() => eventFromBytes(Buffer.from(len(1, short)))).toThrow(/malformed protobuf: a field runs past the end of its message/);
    const short32 = [...text(11, 'n1'), ...tag(98, 5), 1, 2];
    expect(() => eventFromBytes(Buffer.from(len(1, short32)))).toThrow(/malformed protobuf: a field runs past the end of its message/);
  });

  it('refuses a Flow field that runs into the next field of the response', () => {
    // uuid (34) claims 20 bytes, the Flow holds 3 more: the rest would be read from node_name (1000).
    const flow = [...tag(34, 2), 20, ...Buffer.from('abc')];
    const bytes = Buffer.from([...len(1, flow), ...text(1000, 'node-with-a-long-name')]);
    expect(() => eventFromBytes(bytes)).toThrow(/malformed protobuf: a field runs past the end of its message/);
  });

  it('keeps the last of Layer7 dns / http (a oneof), as protobuf does', () => {
    const dns = len(100, text(1, 'a.example.'));
    const http = len(101, [...tag(1, 0), ...varint(200), ...text(2, 'GET')]);
    const l7Of = (body: number[]): unknown => {
      const event = eventFromBytes(Buffer.from(len(1, len(15, body))));
      return event.kind === 'flow' ? event.flow.l7 : event.kind;
    };
    expect(l7Of([...dns, ...http])).toStrictEqual({ type: 'UNKNOWN_L7_TYPE', http: { method: 'GET', url: '', code: 200 } });
    expect(l7Of([...http, ...dns])).toStrictEqual({ type: 'UNKNOWN_L7_TYPE', dns: { query: 'a.example.', ips: [], rcode: 0 } });
  });

  it('keeps microseconds through Timestamp and back', () => {
    for (const ms of [0, 1709287200123.456, 1709287200000.001, 1624862533136.834, -1500.25]) {
      expect(timestampToMs(msToTimestamp(ms))).toBe(ms);
    }
    expect(msToTimestamp(1709287200123.456)).toEqual({ seconds: 1709287200n, nanos: 123456000 });
  });
});

/** Hand-built protobuf, for what an encoder would not write: a varint, a tag, a length-delimited field. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}
const tag = (field: number, wireType: number): number[] => varint(field * 8 + wireType);
const len = (field: number, body: number[]): number[] => [...tag(field, 2), ...varint(body.length), ...body];
const text = (field: number, s: string): number[] => len(field, [...Buffer.from(s)]);
