// The parse threads' hand-off (collect --workers): what a thread packs, the main thread must
// rebuild exactly as the JSON reader read it, whichever lines it asks for.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowPacker } from '../../../src/collect/flow-pack.js';
import { FlowUnpacker } from '../../../src/collect/flow-unpack.js';
import { eventFromJson } from '../../../src/collect/from-json.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { parseLines } from '../../../src/collect/parse-worker.js';
import { InputError } from '../../../src/errors.js';
import type { Flow, FlowEvent } from '../../../src/model.js';
import { REPO_ROOT } from '../../support/cli.js';
import { generateFlowLines } from '../../support/flow-generator.js';
import { TRICKY } from '../../support/tricky-events.js';

async function eventsOf(dir: string): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.(jsonl?|gz)$/.test(n)).sort()) {
    for await (const event of readFlowFile(join(dir, name), { skipInvalid: true })) out.push(event);
  }
  return out;
}

/** Packs `events` as lines 10 bytes apart, and reads them back through one unpacker. */
function roundTrip(events: (FlowEvent | InputError)[], packer = new FlowPacker(), unpacker = new FlowUnpacker()) {
  events.forEach((e, i) => packer.add(i * 10, e));
  const cursor = unpacker.receive(packer.finish(), 0);
  return events.map((_, i) => cursor.take(i * 10));
}

const flowOf = (e: unknown): Flow => {
  if ((e as FlowEvent).kind !== 'flow') throw new Error('expected a flow');
  return (e as Extract<FlowEvent, { kind: 'flow' }>).flow;
};

describe('flow-pack', () => {
  it('gives back every event exactly: edge cases, the bundled recordings, every JSON shape, generated traffic', async () => {
    const events: FlowEvent[] = TRICKY.map((line) => eventFromJson(JSON.parse(line)));
    events.push(...(await eventsOf(join(REPO_ROOT, 'recorded-flows'))));
    events.push(...(await eventsOf(join(REPO_ROOT, 'test/fixtures/json-shapes'))));
    events.push(...[...generateFlowLines({ seed: 7, flows: 3000, lostEvery: 500 })].map((l) => eventFromJson(JSON.parse(l))));
    events.push({ kind: 'other', what: 'debug_event' });
    const kinds = new Set(events.map((e) => (e.kind === 'flow' ? `${e.flow.l4?.protocol}/${e.flow.l7?.dns ? 'dns' : e.flow.l7?.http ? 'http' : '-'}` : e.kind)));
    expect([...kinds]).toEqual(expect.arrayContaining(['TCP/-', 'UDP/dns', 'TCP/http', 'ICMPv4/-', 'ICMPv6/-', 'lost', 'node-status', 'other']));
    expect(roundTrip(events)).toStrictEqual(events);
  });

  it('a flow with both DNS and HTTP records, and every TCP flag, survives too', () => {
    const line = '{"flow":{"time":"2024-03-01T10:00:00Z","verdict":"FORWARDED","l4":{"TCP":{"source_port":1,"destination_port":2,"flags":{"FIN":true,"SYN":true,"RST":true,"PSH":true,"ACK":true,"URG":true,"ECE":true,"CWR":true,"NS":true}}},"l7":{"type":"SAMPLE","dns":{"query":"a.","ips":["1.1.1.1","::1"]},"http":{"code":404,"method":"PUT","url":"/x"}},"source_names":["s1","s2"],"destination_names":["d"],"source":{"namespace":"a"},"destination":{"namespace":"b"}}}';
    const events = [eventFromJson(JSON.parse(line))];
    expect(roundTrip(events)).toStrictEqual(events);
  });

  it('carries a conversion error as its reason, code and field (the reader adds file and line)', () => {
    const error = new InputError({ file: '', field: 'flow.l4.TCP.source_port' }, 'expected a port', 'E_INPUT');
    expect(roundTrip([error])).toStrictEqual([{ reason: 'expected a port', code: 'E_INPUT', field: 'flow.l4.TCP.source_port' }]);
  });

  it('sends an endpoint once per thread, yet every flow gets its own endpoint objects', () => {
    const lines = [...generateFlowLines({ seed: 3, flows: 400, lostEvery: 0 })];
    const events = lines.map((l) => eventFromJson(JSON.parse(l)));
    const packer = new FlowPacker();
    const unpacker = new FlowUnpacker();
    events.forEach((e, i) => packer.add(i, e));
    const first = packer.finish();
    events.forEach((e, i) => packer.add(i, e));
    const second = packer.finish();
    expect(first.endpoints.length).toBeGreaterThan(10);
    expect(first.endpoints.length).toBeLessThan(events.length);
    expect(second.endpoints).toEqual([]);
    unpacker.receive(first, 0);
    const cursor = unpacker.receive(second, 0);
    const [a, b] = [flowOf(cursor.take(0)), flowOf(cursor.take(1))];
    expect([a, b]).toStrictEqual(events.slice(0, 2).map(flowOf));
    const again = flowOf(events[0]);
    const sameSource = events.findIndex((e, i) => i > 0 && e.kind === 'flow' && e.flow.source.podName === again.source.podName);
    const c = flowOf(cursor.take(sameSource));
    expect(c.source).not.toBe(a.source);
    c.source.ip = 'changed';
    expect(a.source.ip).toBe(again.source.ip);
  });

  it('starts its endpoint table again when it is full, and the reader follows', () => {
    const packer = new FlowPacker(5);
    const unpacker = new FlowUnpacker();
    const events = [...generateFlowLines({ seed: 5, flows: 60, lostEvery: 0 })].map((l) => eventFromJson(JSON.parse(l)));
    const batches = [events.slice(0, 20), events.slice(20, 40), events.slice(40)];
    const back: unknown[] = [];
    const resets: boolean[] = [];
    for (const batch of batches) {
      batch.forEach((e, i) => packer.add(i, e));
      const packed = packer.finish();
      resets.push(packed.reset);
      const cursor = unpacker.receive(packed, 0);
      batch.forEach((_, i) => back.push(cursor.take(i)));
    }
    expect(resets).toEqual([false, true, true]);
    expect(back).toStrictEqual(events);
  });

  it('lines the reader does not ask for are passed over, with all their strings', () => {
    const events = [
      ...TRICKY.map((line) => eventFromJson(JSON.parse(line))),
      ...[...generateFlowLines({ seed: 9, flows: 50, lostEvery: 7 })].map((l) => eventFromJson(JSON.parse(l))),
    ];
    const packer = new FlowPacker();
    events.forEach((e, i) => packer.add(100 + i * 10, e));
    const cursor = new FlowUnpacker().receive(packer.finish(), 1000); // the chunk starts at stream offset 1000
    for (let i = 0; i < events.length; i += 3) {
      expect(cursor.take(1000 + 100 + i * 10 - 5), 'between two lines').toBeUndefined();
      expect(cursor.take(1000 + 100 + i * 10), `line ${i}`).toStrictEqual(events[i]);
    }
    expect(cursor.take(5000)).toBeUndefined();
  });
});

describe('parseLines (a parse thread)', () => {
  const flowLine = (port: number) => `{"flow":{"time":"2024-03-01T10:00:00Z","verdict":"FORWARDED","l4":{"UDP":{"source_port":${port},"destination_port":53}},"source":{"namespace":"a"},"destination":{"namespace":"b"}}}`;

  it('converts the whole `{...}` lines only, keyed by where each starts', () => {
    const text = [
      '{"flow":{"tail of a line cut by the chunk start"}}',
      flowLine(1),
      `${flowLine(2)}  \r`,
      '{"not json',
      '{"flow":{"time":"yesterday","source":{},"destination":{}}}',
      '  {"indented":"left to the reader"}',
      '2024-01-02T03:04:05Z stdout F {"prefixed":"left to the reader"}',
      flowLine(3),
      flowLine(4), // no newline after it: the next chunk has the rest
    ];
    const bytes = Buffer.from(text.join('\n'));
    const starts = text.map((_, i) => Buffer.byteLength(text.slice(0, i).map((l) => `${l}\n`).join('')));
    const packed = parseLines(bytes, false, new FlowPacker());
    expect([...packed.offsets]).toEqual([starts[1], starts[2], starts[4], starts[7]]);
    const cursor = new FlowUnpacker().receive(packed, 0);
    expect(cursor.take(starts[1] as number)).toStrictEqual(eventFromJson(JSON.parse(flowLine(1))));
    expect(cursor.take(starts[2] as number)).toStrictEqual(eventFromJson(JSON.parse(flowLine(2))));
    expect(cursor.take(starts[4] as number)).toMatchObject({ field: 'flow.time', code: 'E_INPUT' });
    expect(cursor.take(starts[7] as number)).toStrictEqual(eventFromJson(JSON.parse(flowLine(3))));
  });

  it('packs a bounded number of bad records per chunk and leaves the rest to the reader', () => {
    const lines = Array.from({ length: 1000 }, () => '{}');
    lines[500] = flowLine(7);
    const packed = parseLines(Buffer.from(`${lines.join('\n')}\n`), true, new FlowPacker());
    expect(packed.objs).toHaveLength(256);
    expect(packed.offsets).toHaveLength(257); // 256 errors, then only the flow
    expect(packed.offsets[256]).toBe(500 * 3);
    const agents = parseLines(Buffer.from('{"agent_event":{"type":"x"}}\n'.repeat(1000)), true, new FlowPacker());
    expect(agents.offsets).toHaveLength(1000); // these need no object: never left out
    expect(agents.objs).toEqual([]);
  });

  it('takes the first line too when the chunk starts a line', () => {
    const packed = parseLines(Buffer.from(`${flowLine(1)}\n${flowLine(2)}\n`), true, new FlowPacker());
    expect([...packed.offsets]).toEqual([0, flowLine(1).length + 1]);
  });
});
