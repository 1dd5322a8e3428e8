// Bad input names file, line and field; skipInvalid reports and goes on; gzip and stdin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { FlowEvent } from '../../../src/model.js';
import { InputError } from '../../../src/errors.js';
import { type ReadOptions, readFlowFile } from '../../../src/collect/json-reader.js';

const GETFLOWS = fileURLToPath(new URL('../../fixtures/json-shapes/getflows.jsonl', import.meta.url));
const good = readFileSync(GETFLOWS, 'utf8').split('\n')[0] as string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowpol-json-errors-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function write(name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

async function collect(file: string, options: Partial<ReadOptions> = {}): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  for await (const ev of readFlowFile(file, { skipInvalid: false, ...options })) out.push(ev);
  return out;
}

async function firstError(file: string): Promise<InputError> {
  try {
    await collect(file);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

const withField = (path: string[], value: unknown): string => {
  const v = JSON.parse(good) as Record<string, unknown>;
  let o = v;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1] as string] = value;
  return JSON.stringify(v);
};

describe('reader errors', () => {
  it.each([
    ['invalid JSON', `${good}\n{"flow": {"time": }\n${good}\n`, 2, undefined, /invalid JSON/],
    ['a non-object value', `${good}\n${good}\n42\n`, 3, undefined, /expected a JSON object, found '42'/],
    ['a JSON array value inside an array', `[${good},[1,2]]\n`, 1, undefined, /expected a JSON object \(a Hubble event\), found an array/],
    ['a time that is not a timestamp', `${good}\n${withField(['flow', 'time'], '2024-13-01T00:00:00Z')}\n`, 2, 'flow.time', /RFC 3339/],
    ['a numeric time', `${withField(['flow', 'time'], 1714557600)}\n`, 1, 'flow.time', /RFC 3339.*number/],
    ['a wrong-typed port', `${withField(['flow', 'l4', 'TCP', 'destination_port'], 'x')}\n`, 1, 'flow.l4.TCP.destination_port', /integer from 0 to 65535.*"x"/],
    ['a port out of range', `${withField(['flow', 'l4', 'TCP', 'source_port'], 70000)}\n`, 1, 'flow.l4.TCP.source_port', /65535/],
    ['a TCP flag that is not a boolean', `${withField(['flow', 'l4', 'TCP', 'flags', 'ACK'], 'yes')}\n`, 1, 'flow.l4.TCP.flags.ACK', /true or false/],
    ['a FIN flag that is not a boolean', `${withField(['flow', 'l4', 'TCP', 'flags', 'FIN'], 1)}\n`, 1, 'flow.l4.TCP.flags.FIN', /true or false/],
    ['an ICMP type over 255', `${withField(['flow', 'l4'], { ICMPv4: { type: 256 } })}\n`, 1, 'flow.l4.ICMPv4.type', /integer from 0 to 255/],
    ['labels that are not strings', `${withField(['flow', 'source', 'labels'], [1])}\n`, 1, 'flow.source.labels', /list of strings/],
    ['a wrong-typed is_reply', `${withField(['flow', 'is_reply'], 'no')}\n`, 1, 'flow.is_reply', /true or false/],
    // The fields converted in the hot-path idiom (json-fields.ts) still name the field when wrong.
    ['a negative endpoint ID', `${withField(['flow', 'source', 'ID'], -1)}\n`, 1, 'flow.source.ID', /integer from 0 to 4294967295.*-1/],
    ['a fractional identity', `${withField(['flow', 'destination', 'identity'], 1.5)}\n`, 1, 'flow.destination.identity', /integer from 0/],
    ['a numeric namespace', `${withField(['flow', 'source', 'namespace'], 7)}\n`, 1, 'flow.source.namespace', /expected a string, found number 7/],
    ['a pod name that is a list', `${withField(['flow', 'destination', 'pod_name'], ['p'])}\n`, 1, 'flow.destination.pod_name', /expected a string, found an array/],
    ['workloads that are not objects', `${withField(['flow', 'source', 'workloads'], ['web'])}\n`, 1, 'flow.source.workloads', /list of objects/],
    ['a workload without a kind', `${withField(['flow', 'source', 'workloads'], [{ name: 'web', kind: 3 }])}\n`, 1, 'flow.source.workloads[0].kind', /expected a string/],
    ['a TCP layer that is a string', `${withField(['flow', 'l4', 'TCP'], 'tcp')}\n`, 1, 'flow.l4.TCP', /expected an object, found the string "tcp"/],
    ['flags that are a list', `${withField(['flow', 'l4', 'TCP', 'flags'], ['SYN'])}\n`, 1, 'flow.l4.TCP.flags', /expected an object, found an array/],
    ['an IP that is a string', `${withField(['flow', 'IP'], '10.0.0.1')}\n`, 1, 'flow.IP', /expected an object/],
    ['a boolean verdict', `${withField(['flow', 'verdict'], true)}\n`, 1, 'flow.verdict', /enum name/],
    ['a fractional trace_observation_point', `${withField(['flow', 'trace_observation_point'], 3.5)}\n`, 1, 'flow.trace_observation_point', /expected an enum name or number, found number 3.5/],
    ['source_names that are not a list', `${withField(['flow', 'source_names'], 'a.example')}\n`, 1, 'flow.source_names', /list of strings/],
    ['an object without a Hubble key', '{"hello":"world"}\n', 1, undefined, /not a Hubble event/],
    ['an envelope without a payload', '{"node_name":"n1","time":"2024-01-01T00:00:00Z"}\n', 1, undefined, /not a Hubble event: expected a "flow"/],
    ['a null payload, named', '{"node_name":"n1","lostEvents":null}\n', 1, 'lostEvents', /not a Hubble event: "lostEvents" is null/],
    ['an array never closed (its elements are read first)', `[\n${good},\n${good}\n`, 1, undefined, /ends before this array is closed with '\]'/],
    ['a pretty-printed record whose error is lines below its start', `${good}\n{\n  "flow": {\n    "time" "x"\n  }\n}\n`, 2, undefined, /invalid JSON: .* at line 4, column 12$/],
    ['a byte order mark in the middle of a file (cat of two files)', `${good}\n\ufeff${good}\n`, 2, undefined, /found '.*' \(it starts with U\+FEFF, which does not show\)/],
    ['a truncated last record', `${good}\n${good.slice(0, 50)}`, 2, undefined, /invalid JSON: (the input ends|line 2 ends inside a string)/],
  ])('%s → InputError naming file:line (field)', async (_what, content, line, field, reason) => {
    const file = await write(`bad-${line}-${String(field)}.jsonl`, content);
    const err = await firstError(file);
    expect(err.location).toEqual({ file, line, field });
    expect(err.message).toMatch(reason);
    expect(err.message.startsWith(`${file}:${line}${field === undefined ? '' : ` (${field})`}: `)).toBe(true);
    expect(err.code).toBe('E_INPUT');
  });

  it('yields the good events before the first bad one when strict', async () => {
    const file = await write('strict.jsonl', `${good}\n${good}\nnot json\n${good}\n`);
    const seen: FlowEvent[] = [];
    await expect(async () => {
      for await (const ev of readFlowFile(file, { skipInvalid: false })) seen.push(ev);
    }).rejects.toThrow(/strict\.jsonl:3: expected a JSON object/);
    expect(seen).toHaveLength(2);
    // The read stops at the error: asked again, it ends instead of going on past the bad record.
    const it = readFlowFile(file, { skipInvalid: false })[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    await expect(it.next()).rejects.toThrow(InputError);
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('a one-byte file is read, not taken for empty', async () => {
    const err = await firstError(await write('one-byte.jsonl', '7'));
    expect(err.location.line).toBe(1);
    expect(err.message).toMatch(/expected a JSON object, found '7'/);
  });

  it('with skipInvalid reports every bad record and loses no good one', async () => {
    const lines = [good, '{"flow": {"time": }', good, withField(['flow', 'l4', 'TCP', 'destination_port'], -1), `${good.slice(0, 40)}`, good, '', '  ', good];
    const file = await write('mixed.jsonl', `${lines.join('\n')}\n`);
    const errors: InputError[] = [];
    const events = await collect(file, { skipInvalid: true, onInvalid: (e) => errors.push(e) });
    expect(events.filter((e) => e.kind === 'flow')).toHaveLength(4);
    expect(errors.map((e) => [e.location.line, e.location.field])).toEqual([[2, undefined], [4, 'flow.l4.TCP.destination_port'], [5, undefined]]);
  });

  it('events converted ahead in runs come out in file order, every bad record reported in between, whatever the run boundaries', async () => {
    // 1,000 lines, every 7th bad: the reader converts runs of events ahead, so bad records fall
    // at every position of a run, and at its ends.
    const lines = Array.from({ length: 1000 }, (_, i) => (i % 7 === 3 ? `{"flow": ${i}}` : withField(['flow', 'uuid'], `line-${i + 1}`)));
    const file = await write('runs.jsonl', `${lines.join('\n')}\n`);
    const order: string[] = [];
    const source = readFlowFile(file, { skipInvalid: true, onInvalid: (e) => order.push(`bad ${e.location.line}`) });
    for await (const first of source) {
      for (let ev: FlowEvent | undefined = first; ev !== undefined; ev = source.takeReady()) if (ev.kind === 'flow') order.push(`${ev.flow.uuid}`);
    }
    const expected = lines.map((_, i) => (i % 7 === 3 ? `bad ${i + 1}` : `line-${i + 1}`));
    expect(order.filter((o) => o.startsWith('line-'))).toEqual(expected.filter((o) => o.startsWith('line-')));
    expect(order.filter((o) => o.startsWith('bad'))).toEqual(expected.filter((o) => o.startsWith('bad')));
    // Strict: every event before the first bad record (line 4, then line 11 once it is fixed), then its error.
    const strict = await write('runs-strict.jsonl', `${lines.map((l, i) => (i === 3 ? withField(['flow', 'uuid'], 'line-4') : l)).join('\n')}\n`);
    const seen: string[] = [];
    await expect(async () => {
      for await (const ev of readFlowFile(strict, { skipInvalid: false })) if (ev.kind === 'flow') seen.push(`${ev.flow.uuid}`);
    }).rejects.toThrow(/runs-strict\.jsonl:11 \(flow\): /);
    expect(seen).toEqual(['line-1', 'line-2', 'line-3', 'line-4', 'line-5', 'line-6', 'line-7', 'line-8', 'line-9', 'line-10']);
  });

  it('resynchronises after a truncated pretty-printed object', async () => {
    const pretty = JSON.stringify(JSON.parse(good), null, 2).split('\n');
    const content = [...pretty.slice(0, 6), ...pretty, ''].join('\n');
    const file = await write('pretty-truncated.json', content);
    const errors: InputError[] = [];
    const events = await collect(file, { skipInvalid: true, onInvalid: (e) => errors.push(e) });
    expect(events).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.location.line).toBe(1);
    expect(errors[0]?.message).toMatch(/not closed before the next object starts at line 7/);
  });
});

describe('gzip and stdin', () => {
  it('reads gzip by magic bytes whatever the name, counting compressed bytes', async () => {
    const gz = gzipSync(Buffer.from(`${good}\n${good}\n`));
    const file = await write('recording.jsonl', gz);
    let bytes = 0;
    const events = await collect(file, { onBytes: (n) => (bytes += n) });
    expect(events.map((e) => e.kind)).toEqual(['flow', 'flow']);
    expect(bytes).toBe(gz.length);
  });

  it('a truncated gzip file is an E_GZIP InputError after the events before the damage', async () => {
    const body = Array.from({ length: 2000 }, () => good).join('\n');
    const gz = gzipSync(Buffer.from(body));
    const file = await write('truncated.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const seen: FlowEvent[] = [];
    let error: unknown;
    try {
      for await (const ev of readFlowFile(file, { skipInvalid: false })) seen.push(ev);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('E_GZIP');
    expect((error as InputError).message).toMatch(/truncated\.jsonl\.gz: gzip data is truncated: the events before the cut were read \(unexpected end of file\)/);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(2000);
  });

  it.each([
    ['a wrong checksum', (gz: Buffer) => Buffer.from(gz).fill(0x55, gz.length - 8, gz.length - 4), /gzip checksum does not match.*\(incorrect data check\)/],
    ['trailing garbage', (gz: Buffer) => Buffer.concat([gz, Buffer.from('log line appended\n'.repeat(10))]), /followed by bytes that are not gzip.*\(incorrect header check\)/],
  ])('%s after the data: every event is read, then E_GZIP says what is wrong', async (_what, damage, reason) => {
    const lines = Array.from({ length: 3000 }, (_, i) => good.replace('"uuid":"u-1"', `"uuid":"u-${i}"`));
    const file = await write('damaged.jsonl.gz', damage(gzipSync(Buffer.from(`${lines.join('\n')}\n`))));
    const errors: InputError[] = [];
    const events = await collect(file, { skipInvalid: true, onInvalid: (e) => errors.push(e) });
    expect(events.map((e) => (e.kind === 'flow' ? e.flow.uuid : e.kind))).toEqual(lines.map((_, i) => `u-${i}`));
    expect(errors.map((e) => [e.code, e.message])).toEqual([['E_GZIP', expect.stringMatching(reason)]]);
  });

  it('with skipInvalid a corrupt gzip file is reported and ends the file', async () => {
    const gz = gzipSync(Buffer.from(`${good}\n`));
    gz.fill(0x55, 12, gz.length - 8);
    const file = await write('corrupt.gz', gz);
    const errors: InputError[] = [];
    const events = await collect(file, { skipInvalid: true, onInvalid: (e) => errors.push(e) });
    expect(events).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['E_GZIP']);
  });

  it('a plain file is gzip only with both magic bytes: after a leading 0x1f alone the record is read as text', async () => {
    const file = await write('unit-separator.jsonl', Buffer.concat([Buffer.from([0x1f]), Buffer.from(`${good}\n`)]));
    const errors: InputError[] = [];
    const events = await collect(file, { skipInvalid: true, onInvalid: (e) => errors.push(e) });
    expect(errors.map((e) => e.code)).not.toContain('E_GZIP');
    expect(events.map((e) => e.kind)).toEqual(['flow']);
  });

  it("reads '-' from the stdin option, plain or gzipped", async () => {
    for (const payload of [Buffer.from(`${good}\n`), gzipSync(Buffer.from(`${good}\n`))]) {
      const stdin = new PassThrough();
      stdin.end(payload);
      const events = await collect('-', { stdin });
      expect(events.map((e) => e.kind)).toEqual(['flow']);
    }
  });

  it("recognises gzip on '-' when the magic bytes arrive in separate chunks", async () => {
    const gz = gzipSync(Buffer.from(`${good}\n${good}\n`));
    const stdin = Readable.from([gz.subarray(0, 1), gz.subarray(1)]);
    const events = await collect('-', { stdin });
    expect(events.map((e) => e.kind)).toEqual(['flow', 'flow']);
  });

  it('a missing file is an InputError naming it', async () => {
    const err = await firstError(join(dir, 'nope.jsonl'));
    expect(err.message).toMatch(/nope\.jsonl: cannot read: .*ENOENT/);
  });
});
