// The value splitter: chunk boundaries anywhere, line numbers, several values per line, long lines.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FlowEvent } from '../../../src/model.js';
import { type JsonItem, JsonValueSplitter } from '../../../src/collect/json-values.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';

function split(pieces: string[]): JsonItem[] {
  const s = new JsonValueSplitter();
  const out: JsonItem[] = [];
  for (const p of pieces) s.push(p, out);
  s.end(out);
  return out;
}

const TEXT = [
  '{"a":1}',
  '',
  '{"b":"x}{]"}   {"c":[1,{"d":2}]}',
  '[',
  '  {"e":"\\"quoted\\" \\\\"},',
  '  {',
  '    "f": 3',
  '  }',
  ']',
  '{"g":4}\r',
].join('\n');
const EXPECTED = [
  { ok: true, value: { a: 1 }, line: 1 },
  { ok: true, value: { b: 'x}{]' }, line: 3 },
  { ok: true, value: { c: [1, { d: 2 }] }, line: 3 },
  { ok: true, value: { e: '"quoted" \\' }, line: 5 },
  { ok: true, value: { f: 3 }, line: 6 },
  { ok: true, value: { g: 4 }, line: 10 },
];

describe('JsonValueSplitter', () => {
  it('finds values and their start lines in one piece', () => {
    expect(split([TEXT])).toEqual(EXPECTED);
  });

  it('gives the same result for every split point of the input', () => {
    for (let i = 0; i <= TEXT.length; i++) {
      expect(split([TEXT.slice(0, i), TEXT.slice(i)])).toEqual(EXPECTED);
    }
  });

  it('gives the same result when fed one character at a time', () => {
    expect(split([...TEXT])).toEqual(EXPECTED);
  });

  it('reports a stray token and keeps the next line', () => {
    expect(split(['nonsense here\n{"a":1}\n'])).toEqual([
      { ok: false, line: 1, reason: "expected a JSON object, found 'nonsense here'" },
      { ok: true, value: { a: 1 }, line: 2 },
    ]);
  });

  it('an object at column 0 inside an open array value is part of it, not a new record', () => {
    // Only an open object is taken for truncated when the next line starts with `{`.
    expect(split(['[\n[\n{"a":1}\n]\n]\n'])).toEqual([{ ok: true, value: [{ a: 1 }], line: 2 }]);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(split(['\uFEFF{"a":1}\n'])).toEqual([{ ok: true, value: { a: 1 }, line: 1 }]);
  });
});

const GOOD = readFileSync(fileURLToPath(new URL('../../fixtures/json-shapes/getflows.jsonl', import.meta.url)), 'utf8');

describe('JsonValueSplitter with lines converted elsewhere (collect --workers)', () => {
  // Lines 1, 4, 9 are lone objects; line 7 is one too, but inside the open array it is the
  // scanner's; line 2 starts with a BOM-less space, line 10 ends the input without a newline.
  const LINES = ['{"a":1}', ' {"b":2}', '', '{"c":3}\r', '[', '  {"d":4},', '{"e":5}', ']', '{"f":"é"}', '{"g":6}'];
  const TEXT_BYTES = Buffer.from(LINES.join('\n'));
  const lineStart = (i: number): number => Buffer.byteLength(LINES.slice(0, i).map((l) => `${l}\n`).join(''));

  /** Splits TEXT_BYTES at `cuts`, with lines "converted" as {at: offset} by a source that knows every offset. */
  function run(cuts: number[]): { items: JsonItem[]; asked: number[] } {
    const asked: number[] = [];
    const pre = { take: (offset: number) => (asked.push(offset), { at: offset }) };
    const s = new JsonValueSplitter();
    const items: JsonItem[] = [];
    const bounds = [0, ...cuts, TEXT_BYTES.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      s.load(TEXT_BYTES.subarray(bounds[i], bounds[i + 1]), pre);
      for (let item = s.next(); item !== undefined; item = s.next()) items.push(item);
    }
    s.finish();
    for (let item = s.next(); item !== undefined; item = s.next()) items.push(item);
    return { items, asked };
  }

  it('asks by the stream offset where each lone line starts, and only where it would parse that line alone', () => {
    const { items, asked } = run([]);
    expect(asked).toEqual([0, 3, 8].map((i) => lineStart(i)));
    expect(items).toEqual([
      { ok: true, value: undefined, converted: { at: lineStart(0) }, line: 1 },
      { ok: true, value: { b: 2 }, line: 2 },
      { ok: true, value: undefined, converted: { at: lineStart(3) }, line: 4 },
      { ok: true, value: { d: 4 }, line: 6 },
      { ok: true, value: { e: 5 }, line: 7 },
      { ok: true, value: undefined, converted: { at: lineStart(8) }, line: 9 },
      { ok: true, value: { g: 6 }, line: 10 }, // the last line has no newline: always read here
    ]);
  });

  it('the offsets hold wherever the chunks are cut', () => {
    const whole = run([]);
    for (let cut = 0; cut <= TEXT_BYTES.length; cut++) {
      for (const second of [cut + 1, cut + 7]) {
        const cuts = second < TEXT_BYTES.length ? [cut, second] : [cut];
        expect(run(cuts), `cuts ${cuts.join(',')}`).toEqual(whole);
      }
    }
  });

  it('a line it does not have is parsed here', () => {
    const s = new JsonValueSplitter();
    s.load(Buffer.from('{"a":1}\n{"b":2}\n'), { take: (offset: number) => (offset === 0 ? 'known' : undefined) });
    expect([s.next(), s.next(), s.next()]).toEqual([
      { ok: true, value: undefined, converted: 'known', line: 1 }, { ok: true, value: { b: 2 }, line: 2 }, undefined,
    ]);
  });
});

describe('reader on awkward byte streams', () => {
  it('multi-byte UTF-8 split across chunks decodes the same', async () => {
    const text = `${GOOD.split('\n')[0]?.replace('"TCP Flags: SYN"', '"Zürich → 東京"')}\n`;
    const stdin = new PassThrough();
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i++) stdin.write(bytes.subarray(i, i + 1));
    stdin.end();
    const events: FlowEvent[] = [];
    for await (const ev of readFlowFile('-', { skipInvalid: false, stdin })) events.push(ev);
    expect(events).toHaveLength(1);
  });

  it('a one-line array longer than the carry limit is read element by element', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowpol-long-line-'));
    try {
      const line = GOOD.split('\n')[0] as string;
      const count = Math.ceil((5 * 1024 * 1024) / line.length);
      const file = join(dir, 'one-line.json');
      await writeFile(file, `[${Array.from({ length: count }, () => line).join(',')}]`);
      let flows = 0;
      for await (const ev of readFlowFile(file, { skipInvalid: false })) if (ev.kind === 'flow') flows++;
      expect(flows).toBe(count);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('readFlowFile takeReady', () => {
  it('events taken synchronously between iterator steps are the same events, in order; errors are thrown there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowpol-ready-'));
    try {
      const lines = GOOD.split('\n').filter((l) => l !== '');
      const file = join(dir, 'many.jsonl');
      await writeFile(file, `${Array.from({ length: 3000 }, (_, i) => lines[i % lines.length]).join('\n')}\n{"flow": 1}\n`);
      const iterated: FlowEvent[] = [];
      await expect((async () => { for await (const ev of readFlowFile(file, { skipInvalid: false })) iterated.push(ev); })()).rejects.toThrow(/:3001 \(flow\): expected an object/);
      const mixed: FlowEvent[] = [];
      const source = readFlowFile(file, { skipInvalid: false });
      let ready = 0;
      await expect((async () => {
        for await (const ev of source) {
          mixed.push(ev);
          for (let next = source.takeReady(); next !== undefined; next = source.takeReady()) {
            mixed.push(next);
            ready++;
          }
        }
      })()).rejects.toThrow(/:3001 \(flow\): expected an object/);
      expect(mixed).toEqual(iterated);
      expect(mixed).toHaveLength(3000);
      expect(ready).toBeGreaterThan(2000); // most events come without a promise
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets the event loop run within a long run of skipped records, so a stop (Ctrl-C) is not held up by them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowpol-pause-'));
    try {
      const file = join(dir, 'bad.jsonl');
      const lastLine = GOOD.split('\n').find((l) => l.includes('"flow"')) as string;
      await writeFile(file, `${'{}\n'.repeat(10_000)}${lastLine}\n`); // one chunk
      let skipped = 0;
      const source = readFlowFile(file, {
        skipInvalid: true,
        // Stop from a callback scheduled while the chunk is being worked through, as a signal handler is.
        onInvalid: () => void (++skipped === 100 && setImmediate(() => void source.close())),
      });
      const first = await source[Symbol.asyncIterator]().next();
      expect(first.done).toBe(true); // stopped before the flow at the end
      expect(skipped).toBe(4096);
      let all = 0;
      const events: FlowEvent[] = [];
      for await (const ev of readFlowFile(file, { skipInvalid: true, onInvalid: () => all++ })) events.push(ev);
      expect([all, events.length]).toEqual([10_000, 1]); // without a stop, nothing is lost to the pauses
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
