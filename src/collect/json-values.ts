// Splits raw bytes into top-level JSON values, tracking the 1-based line where each starts.
//
// Fast path: a whole line whose first byte is `{` and last non-blank byte `}` and that parses is
// one value: one Buffer.indexOf, one utf8 decode of the line and one JSON.parse (the same work as
// the bare ceiling of the ingest bench), or none when a parse thread already converted the line
// (`collect --workers`: PrecomputedLines below). Lines are parsed on demand (`load` + `next`),
// a run of PARSE_AHEAD at a time, so a reader holds a few dozen parsed lines, not a whole chunk of
// them. Anything else is decoded and goes to the value scanner (json-scanner.ts: pretty-printed
// objects, arrays, several values on a line, and how it resynchronises after a bad record).
//
// Container-log lines (`2026-01-02T03:04:05.123Z stdout F {json}`, or `<timestamp> {json}` from
// `kubectl logs --timestamps`) have the prefix removed; CRI partial lines (`P`) are joined.
import { StringDecoder } from 'node:string_decoder';
import { type JsonItem, ValueScanner } from './json-scanner.js';

export type { JsonItem } from './json-scanner.js';

/**
 * Whole `{...}` lines already parsed and converted elsewhere (`collect --workers`: a parse thread),
 * found by the stream offset where the line starts. A line it does not have is parsed here as
 * usual, so what it holds changes how fast a line is read, never what is read.
 */
export interface PrecomputedLines {
  /** The converted value of the line at `offset`, or undefined; asked in increasing offset order. */
  take(offset: number): unknown;
}

const LOG_PREFIX = /^\d{4}-\d\d-\d\dT[^ ]+ (?:(?:stdout|stderr) ([FP]) )?/;
/**
 * Values next() parses before it hands out the first: JSON.parse in runs, not one call between
 * each line's conversion and folding, keeps its code and data in the CPU's caches (see the
 * reader's CONVERT_AHEAD).
 */
const PARSE_AHEAD = 64;
/** An unterminated line longer than this is scanned in pieces instead of being kept whole. */
const MAX_CARRY = 4 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/**
 * Incremental splitter. Push style: push() bytes (or text) as they arrive, end() once at the end.
 * Pull style: load() a chunk and take next() until it gives undefined; after the last chunk,
 * finish() and take next() again.
 */
export class JsonValueSplitter {
  /** Bytes of an unfinished line from earlier chunks. */
  private carry: Buffer = EMPTY;
  /** The loaded chunk (carry included) and the position of the next line in it. */
  private data: Buffer = EMPTY;
  /** The loaded chunk after its first line, when `data` is that line joined with the carry. */
  private rest: Buffer = EMPTY;
  private pos = 0;
  /** Stream offsets: of data[0], of rest[0], and of the next chunk's first byte. */
  private base = 0;
  private restBase = 0;
  private loaded = 0;
  private precomputed: PrecomputedLines | undefined;
  /** Number of the line that `carry` (or the next line of `data`) belongs to. */
  private lineNo = 1;
  /** The current line is so long that its beginning was already scanned (see MAX_CARRY). */
  private carryFed = false;
  private readonly longLine = new StringDecoder('utf8');
  /** Items found by the scanner (several per line, or none), handed out by next(). */
  private readonly queue: JsonItem[] = [];
  private queued = 0;
  private partial = '';
  private partialLine = 0;
  /** Values that are not a lone `{...}` line: pretty-printed, arrays, several per line. */
  private readonly scanner = new ValueScanner();

  /** Feed the next piece of input; completed values are appended to `out`. */
  push(chunk: Buffer | string, out: JsonItem[]): void {
    this.load(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    for (let item = this.next(); item !== undefined; item = this.next()) out.push(item);
  }

  /** Finish the stream; the last values are appended to `out`. */
  end(out: JsonItem[]): void {
    this.finish();
    for (let item = this.next(); item !== undefined; item = this.next()) out.push(item);
  }

  /**
   * Make `chunk` the input of next() (after next() gave undefined for the previous one). An
   * unfinished line from the previous chunk is joined with this chunk's first line only (not
   * the whole chunk: that would copy every byte once more). `precomputed` holds lines of this
   * chunk converted elsewhere.
   */
  load(chunk: Buffer, precomputed?: PrecomputedLines): void {
    this.pos = 0;
    this.precomputed = precomputed;
    const chunkStart = this.loaded;
    this.loaded += chunk.length;
    const carry = this.carry;
    this.carry = EMPTY;
    this.base = chunkStart - carry.length;
    const nl = carry.length === 0 ? -1 : chunk.indexOf(NEWLINE);
    if (nl === -1 || nl === chunk.length - 1) {
      this.data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      return;
    }
    this.data = Buffer.concat([carry, chunk.subarray(0, nl + 1)]);
    this.rest = chunk.subarray(nl + 1);
    this.restBase = chunkStart + nl + 1;
  }

  /**
   * The next value (or why the text there is not one) of the loaded input; undefined when it is
   * used up (an unfinished last line is kept for the next chunk).
   */
  next(): JsonItem | undefined {
    const queue = this.queue;
    if (this.queued < queue.length) return queue[this.queued++];
    if (this.queued !== 0) {
      queue.length = 0;
      this.queued = 0;
    }
    let data = this.data;
    for (;;) {
      const start = this.pos;
      const nl = data.indexOf(NEWLINE, start);
      if (nl === -1 && this.rest !== EMPTY) {
        data = this.data = this.rest; // the joined first line is done: on with the chunk
        this.base = this.restBase;
        this.rest = EMPTY;
        this.pos = 0;
        continue;
      }
      if (nl === -1) {
        this.keepRest(queue);
        return queue.length > 0 ? queue[this.queued++] : undefined;
      }
      const end = lineEnd(data, start, nl);
      this.pos = nl + 1;
      let item: JsonItem | undefined;
      if (this.carryFed) this.line(this.longLine.end(data.subarray(start, end)), queue);
      else item = this.lineBytes(data, start, end, queue);
      this.lineNo++;
      this.carryFed = false;
      if (item !== undefined) queue.push(item);
      if (queue.length >= PARSE_AHEAD) return queue[this.queued++];
    }
  }

  /** The input ended: its last line, then any value still open is reported as truncated (take them with next()). */
  finish(): void {
    const out = this.queue;
    const pending: JsonItem[] = []; // what the caller did not take yet comes first
    for (let item = this.next(); item !== undefined; item = this.next()) pending.push(item);
    out.push(...pending);
    this.precomputed = undefined;
    const last = this.carry;
    this.carry = EMPTY;
    if (this.carryFed) this.scanner.segment(this.longLine.end(last), this.lineNo, false, true, out);
    else if (last.length > 0) {
      const item = this.lineBytes(last, 0, last.length, out);
      if (item !== undefined) out.push(item);
    }
    this.carryFed = false;
    if (this.partial !== '') {
      const text = this.partial;
      this.partial = '';
      this.scanner.segment(text, this.partialLine, true, true, out);
    }
    this.scanner.end(out);
  }

  /** Keep the unfinished end of the chunk; a very long one is scanned now instead of kept whole. */
  private keepRest(out: JsonItem[]): void {
    if (this.data === EMPTY) return; // already kept
    const rest = this.data.subarray(this.pos);
    this.data = EMPTY;
    this.pos = 0;
    if (rest.length <= MAX_CARRY) {
      this.carry = Buffer.from(rest); // a copy: the chunk's memory is not kept alive
      return;
    }
    const text = this.longLine.write(rest);
    this.scanner.segment(this.carryFed ? text : this.stripPrefix(text), this.lineNo, !this.carryFed, false, out);
    this.carryFed = true;
  }

  /** One whole line (bytes start..end of buf, without the newline): the fast path's item, else via line() into `out`. */
  private lineBytes(buf: Buffer, start: number, end: number, out: JsonItem[]): JsonItem | undefined {
    if (this.lineNo === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    if (isLoneObjectLine(buf, start, end) && this.scanner.idle && this.partial === '') {
      const converted = this.precomputed?.take(this.base + start);
      if (converted !== undefined) return { ok: true, value: undefined, converted, line: this.lineNo };
      const text = buf.toString('utf8', start, end);
      const item = this.whole(text);
      if (item === undefined) this.scanner.segment(text, this.lineNo, true, true, out);
      return item;
    }
    this.line(buf.toString('utf8', start, end), out);
    return undefined;
  }

  /** A line that looks like one whole object: its item, or undefined to let the scanner find out what it is. */
  private whole(text: string): JsonItem | undefined {
    try {
      return { ok: true, value: JSON.parse(text), line: this.lineNo };
    } catch {
      return undefined;
    }
  }

  /** A decoded line that is not a lone `{...}` (or follows a CRI partial line). */
  private line(content: string, out: JsonItem[]): void {
    const first = content.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) {
      const m = LOG_PREFIX.exec(content);
      if (m !== null) {
        content = content.slice(m[0].length);
        if (m[1] === 'P') {
          if (this.partial === '') this.partialLine = this.lineNo;
          this.partial += content;
          return;
        }
      }
    }
    if (this.partial !== '') {
      const joined = this.partial + content;
      this.partial = '';
      this.scanner.segment(joined, this.partialLine, true, true, out);
      return;
    }
    const item = this.scanner.idle && content.charCodeAt(0) === OPEN_BRACE && lastNonSpace(content) === CLOSE_BRACE
      ? this.whole(content) : undefined;
    if (item === undefined) this.scanner.segment(content, this.lineNo, true, true, out);
    else out.push(item);
  }

  private stripPrefix(text: string): string {
    const m = LOG_PREFIX.exec(text);
    return m === null ? text : text.slice(m[0].length);
  }

}

/** Where the line from `start` to the newline at `nl` ends: a CR before the newline is not part of it. */
export function lineEnd(buf: Buffer, start: number, nl: number): number {
  return nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
}

/** buf[start, end) may be one whole object (the fast path's test): it starts with `{` and its last non-blank byte is `}`. */
export function isLoneObjectLine(buf: Buffer, start: number, end: number): boolean {
  return buf[start] === OPEN_BRACE && lastNonSpaceByte(buf, start, end) === CLOSE_BRACE;
}

function lastNonSpaceByte(buf: Buffer, start: number, end: number): number {
  let i = end - 1;
  while (i >= start && (buf[i] as number) <= 0x20) i--;
  return i < start ? -1 : (buf[i] as number);
}

function lastNonSpace(s: string): number {
  let i = s.length - 1;
  while (i >= 0 && s.charCodeAt(i) <= 0x20) i--;
  return i < 0 ? -1 : s.charCodeAt(i);
}
