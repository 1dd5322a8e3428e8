// Splits decoded text into top-level JSON values, tracking the 1-based line where each starts.
//
// Fast path: a whole line that starts with `{`, ends with `}` and parses is one value (the
// common one-object-per-line case costs one indexOf and one JSON.parse). Anything else goes to a
// small value scanner that follows strings and brackets across lines, so pretty-printed objects
// (several in a row), top-level arrays (each element is yielded on its own; the array itself is
// never held) and several values on one line all work.
//
// Resynchronisation, so one bad record never swallows the next good one:
// * a raw newline inside a string ends the broken value at that line;
// * a line that starts in column 0 with `{` while an object is still open means the open one was
//   truncated: it is reported and the new line starts a new value;
// * a stray token outside any value is reported and the rest of its line skipped.
//
// Container-log lines (`2026-01-02T03:04:05.123Z stdout F {json}`, or `<timestamp> {json}` from
// `kubectl logs --timestamps`) have the prefix removed; CRI partial lines (`P`) are joined.

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

/** Incremental splitter: push() decoded text as it arrives, end() once at the end. */
export class JsonValueSplitter {
  private carry = '';
  /** Number of the line that `carry` belongs to. */
  private lineNo = 1;
  private carryFed = false;
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

  /** Feed the next piece of decoded text; completed values are appended to `out`. */
  push(text: string, out: JsonItem[]): void {
    const data = this.carry === '' ? text : this.carry + text;
    let start = 0;
    for (let nl = data.indexOf('\n', start); nl !== -1; nl = data.indexOf('\n', start)) {
      const end = nl > start && data.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      this.line(data.slice(start, end), out);
      start = nl + 1;
      this.lineNo++;
      this.carryFed = false;
    }
    this.carry = start === 0 ? data : data.slice(start);
    if (this.carry.length > MAX_CARRY) {
      this.segment(this.carryFed ? this.carry : this.stripPrefix(this.carry), !this.carryFed, false, out);
      this.carryFed = true;
      this.carry = '';
    }
  }

  /** Finish the stream: the last line, then any value still open is reported as truncated. */
  end(out: JsonItem[]): void {
    if (this.carry !== '' || this.carryFed) {
      const last = this.carry;
      this.carry = '';
      if (this.carryFed) this.segment(last, false, true, out);
      else this.line(last, out);
    }
    if (this.partial !== '') {
      const text = this.partial;
      this.partial = '';
      this.segmentAt(text, this.partialLine, out);
    }
    if (this.depth > 0) this.fail(out, this.valueLine, 'invalid JSON: the input ends before this value is closed (truncated record?)');
    this.inArray = false;
  }

  private line(raw: string, out: JsonItem[]): void {
    let content = this.lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
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
    if (this.depth === 0 && !this.inArray && content.charCodeAt(0) === OPEN_BRACE && lastNonSpace(content) === CLOSE_BRACE) {
      try {
        out.push({ ok: true, value: JSON.parse(content), line: this.lineNo });
        return;
      } catch {
        // not a complete value on its own: let the scanner find out what it is
      }
    }
    this.segment(content, true, true, out);
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
