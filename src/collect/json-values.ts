// Splits raw bytes into top-level JSON values, tracking the 1-based line where each starts.
//
// Fast path: a whole line whose first byte is `{` and last non-blank byte `}` and that parses is
// one value: one Buffer.indexOf, one utf8 decode of the line and one JSON.parse (the same work as
// the bare ceiling of the ingest bench). Lines are handed out on demand (`load` + `next`), so a
// reader holds one parsed line at a time, not a whole chunk of them. Anything else is decoded and
// goes to a small value scanner that follows strings and brackets across lines, so pretty-printed
// objects (several in a row), top-level arrays (each element is yielded on its own; the array
// itself is never held) and several values on one line all work.
//
// Resynchronisation, so one bad record never swallows the next good one:
// * a raw newline inside a string ends the broken value at that line;
// * a line that starts in column 0 with `{` while an object is still open means the open one was
//   truncated: it is reported and the new line starts a new value;
// * a stray token outside any value is reported and the rest of its line skipped.
//
// Container-log lines (`2026-01-02T03:04:05.123Z stdout F {json}`, or `<timestamp> {json}` from
// `kubectl logs --timestamps`) have the prefix removed; CRI partial lines (`P`) are joined.
import { StringDecoder } from 'node:string_decoder';

/** A value found in the stream (with the line it starts on), or why the text there is not one. */
export type JsonItem =
  | { ok: true; value: unknown; line: number }
  | { ok: false; line: number; reason: string };

const LOG_PREFIX = /^\d{4}-\d\d-\d\dT[^ ]+ (?:(?:stdout|stderr) ([FP]) )?/;
/** An unterminated line longer than this is scanned in pieces instead of being kept whole. */
const MAX_CARRY = 4 * 1024 * 1024;
const MAX_REASON = 160;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
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
  // scanner state
  private depth = 0;
  private inString = false;
  private escape = false;
  private inArray = false;
  private parts: string[] = [];
  private valueLine = 0;
  private outerIsObject = false;

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
   * the whole chunk: that would copy every byte once more).
   */
  load(chunk: Buffer): void {
    this.pos = 0;
    const carry = this.carry;
    this.carry = EMPTY;
    const nl = carry.length === 0 ? -1 : chunk.indexOf(NEWLINE);
    if (nl === -1 || nl === chunk.length - 1) {
      this.data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      return;
    }
    this.data = Buffer.concat([carry, chunk.subarray(0, nl + 1)]);
    this.rest = chunk.subarray(nl + 1);
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
        this.rest = EMPTY;
        this.pos = 0;
        continue;
      }
      if (nl === -1) {
        this.keepRest(queue);
        return queue.length > 0 ? queue[this.queued++] : undefined;
      }
      const end = nl > start && data[nl - 1] === CR ? nl - 1 : nl;
      this.pos = nl + 1;
      let item: JsonItem | undefined;
      if (this.carryFed) this.line(this.longLine.end(data.subarray(start, end)), queue);
      else item = this.lineBytes(data, start, end, queue);
      this.lineNo++;
      this.carryFed = false;
      if (item !== undefined) return item;
      if (queue.length > 0) return queue[this.queued++];
    }
  }

  /** The input ended: its last line, then any value still open is reported as truncated (take them with next()). */
  finish(): void {
    const out = this.queue;
    const pending: JsonItem[] = []; // what the caller did not take yet comes first
    for (let item = this.next(); item !== undefined; item = this.next()) pending.push(item);
    out.push(...pending);
    const last = this.carry;
    this.carry = EMPTY;
    if (this.carryFed) this.segment(this.longLine.end(last), false, true, out);
    else if (last.length > 0) {
      const item = this.lineBytes(last, 0, last.length, out);
      if (item !== undefined) out.push(item);
    }
    this.carryFed = false;
    if (this.partial !== '') {
      const text = this.partial;
      this.partial = '';
      this.segmentAt(text, this.partialLine, out);
    }
    if (this.depth > 0) this.fail(out, this.valueLine, 'invalid JSON: the input ends before this value is closed (truncated record?)');
    this.inArray = false;
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
    this.segment(this.carryFed ? text : this.stripPrefix(text), !this.carryFed, false, out);
    this.carryFed = true;
  }

  /** One whole line (bytes start..end of buf, without the newline): the fast path's item, else via line() into `out`. */
  private lineBytes(buf: Buffer, start: number, end: number, out: JsonItem[]): JsonItem | undefined {
    if (this.lineNo === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    if (buf[start] === OPEN_BRACE && this.depth === 0 && !this.inArray && this.partial === '' && lastNonSpaceByte(buf, start, end) === CLOSE_BRACE) {
      const text = buf.toString('utf8', start, end);
      const item = this.whole(text);
      if (item === undefined) this.segment(text, true, true, out);
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
      this.segmentAt(joined, this.partialLine, out);
      return;
    }
    const item = this.depth === 0 && !this.inArray && content.charCodeAt(0) === OPEN_BRACE && lastNonSpace(content) === CLOSE_BRACE
      ? this.whole(content) : undefined;
    if (item === undefined) this.segment(content, true, true, out);
    else out.push(item);
  }

  private stripPrefix(text: string): string {
    const m = LOG_PREFIX.exec(text);
    return m === null ? text : text.slice(m[0].length);
  }

  private segmentAt(text: string, line: number, out: JsonItem[]): void {
    const saved = this.lineNo;
    this.lineNo = line;
    this.segment(text, true, true, out);
    this.lineNo = saved;
  }

  /** Scan a piece of one line; `atStart`/`atEnd` say whether it begins/ends the line. */
  private segment(text: string, atStart: boolean, atEnd: boolean, out: JsonItem[]): void {
    if (atStart && this.depth > 0 && this.outerIsObject && text.charCodeAt(0) === OPEN_BRACE) {
      this.fail(out, this.valueLine, `invalid JSON: not closed before the next object starts at line ${this.lineNo} (truncated record?)`);
    }
    let i = 0;
    let valueStart = 0;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.depth === 0) {
        if (c <= 0x20) { i++; continue; }
        if (this.inArray && c === COMMA) { i++; continue; }
        if (this.inArray && c === CLOSE_BRACKET) { this.inArray = false; i++; continue; }
        if (c === OPEN_BRACKET && !this.inArray) { this.inArray = true; i++; continue; }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          this.depth = 1;
          this.outerIsObject = c === OPEN_BRACE;
          this.inString = false;
          this.escape = false;
          this.valueLine = this.lineNo;
          this.parts = [];
          valueStart = i++;
          continue;
        }
        this.fail(out, this.lineNo, `expected a JSON object, found ${describe(text.slice(i))}`);
        return;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--this.depth === 0) this.complete(text.slice(valueStart, i + 1), out);
      }
      i++;
    }
    if (this.depth > 0) {
      if (this.inString && atEnd) {
        this.fail(out, this.valueLine, `invalid JSON: line ${this.lineNo} ends inside a string`);
        return;
      }
      this.parts.push(atEnd ? text.slice(valueStart) + '\n' : text.slice(valueStart));
    }
  }

  private complete(lastPart: string, out: JsonItem[]): void {
    const text = this.parts.length === 0 ? lastPart : this.parts.join('') + lastPart;
    this.parts = [];
    try {
      out.push({ ok: true, value: JSON.parse(text), line: this.valueLine });
    } catch (err) {
      out.push({ ok: false, line: this.valueLine, reason: `invalid JSON: ${clip(err instanceof Error ? err.message : String(err))}` });
    }
  }

  private fail(out: JsonItem[], line: number, reason: string): void {
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.parts = [];
    out.push({ ok: false, line, reason });
  }
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

function describe(rest: string): string {
  const token = rest.trim();
  return token.length > 40 ? `'${token.slice(0, 40)}…'` : `'${token}'`;
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}
