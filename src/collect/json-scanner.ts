// The general path of the value splitter (json-values.ts): a small scanner that follows strings
// and brackets across lines and pieces of lines, so pretty-printed objects (several in a row),
// top-level arrays (each element on its own; the array itself is never held) and several values
// on one line are found. Each value found is parsed by JSON.parse; its line is where it starts.
//
// Resynchronisation, so one bad record never swallows the next good one:
// * a raw newline inside a string ends the broken value at that line;
// * a line that starts in column 0 with `{` while an object is still open means the open one was
//   truncated: it is reported and the new line starts a new value;
// * a stray token outside any value is reported and the rest of its line skipped.

/** A value found in the stream (with the line it starts on), or why the text there is not one. */
export type JsonItem =
  | { ok: true; value: unknown; line: number; converted?: unknown }
  | { ok: false; line: number; reason: string };

const MAX_REASON = 160;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

export class ValueScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  private inArray = false;
  /** The line of the top-level `[` while inArray. */
  private arrayLine = 0;
  private parts: string[] = [];
  private valueLine = 0;
  private outerIsObject = false;

  /** No value and no top-level array open: the next line may be a lone object. */
  get idle(): boolean {
    return this.depth === 0 && !this.inArray;
  }

  /** The input ended: a value still open is reported as truncated. */
  end(out: JsonItem[]): void {
    if (this.depth > 0) this.fail(out, this.valueLine, 'invalid JSON: the input ends before this value is closed (truncated record?)');
    if (this.inArray) out.push({ ok: false, line: this.arrayLine, reason: "invalid JSON: the input ends before this array is closed with ']' (truncated file?)" });
    this.inArray = false;
  }

  /** Scan a piece of line `lineNo`; `atStart`/`atEnd` say whether it begins/ends the line. Found values go to `out`. */
  segment(text: string, lineNo: number, atStart: boolean, atEnd: boolean, out: JsonItem[]): void {
    if (atStart && this.depth > 0 && this.outerIsObject && text.charCodeAt(0) === OPEN_BRACE) {
      this.fail(out, this.valueLine, `invalid JSON: not closed before the next object starts at line ${lineNo} (truncated record?)`);
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
        if (c === OPEN_BRACKET && !this.inArray) {
          this.inArray = true;
          this.arrayLine = lineNo;
          i++;
          continue;
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          this.depth = 1;
          this.outerIsObject = c === OPEN_BRACE;
          this.inString = false;
          this.escape = false;
          this.valueLine = lineNo;
          this.parts = [];
          valueStart = i++;
          continue;
        }
        this.fail(out, lineNo, `expected a JSON object, found ${describe(text.slice(i))}`);
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
        this.fail(out, this.valueLine, `invalid JSON: line ${lineNo} ends inside a string`);
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
      const message = err instanceof Error ? err.message : String(err);
      out.push({ ok: false, line: this.valueLine, reason: `invalid JSON: ${clip(text.includes('\n') ? withLine(message, text, this.valueLine) : message)}` });
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

function describe(rest: string): string {
  const token = rest.replace(JSON_SPACE_AROUND, '');
  const shown = token.length > 40 ? `'${token.slice(0, 40)}…'` : `'${token}'`;
  // A byte order mark or a no-break space (`cat` of files saved by an editor) does not show.
  const first = token.charCodeAt(0);
  return INVISIBLE.test(token.charAt(0)) ? `${shown} (it starts with U+${first.toString(16).toUpperCase().padStart(4, '0')}, which does not show)` : shown;
}

/** Only these four are whitespace in JSON (String.trim also removes U+FEFF, U+00A0…). */
const JSON_SPACE_AROUND = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const INVISIBLE = /^[\s\u200b-\u200f\u2060\ufeff]/;

/**
 * JSON.parse's `at position N` in a value that spans lines, as the file's line and column: the
 * record is reported at the line where it starts, its error may be lines further down.
 */
function withLine(message: string, text: string, firstLine: number): string {
  const at = /at position (\d+)/.exec(message);
  if (at === null) return message;
  const position = Number(at[1]);
  let line = firstLine;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${position - lineStart + 1}`;
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}
