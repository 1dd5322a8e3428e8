// Protobuf wire format, read by hand: varints, length-delimited ranges and UTF-8 strings (native
// Buffer slices), skipping by wire type. flow-wire.ts uses it to decode only the fields flowpol
// keeps, straight into model objects (no generated message objects in between).
import { InputError } from '../errors.js';

export const VARINT = 0;
const FIXED64 = 1;
export const LEN = 2;
const FIXED32 = 5;

const decoder = new TextDecoder('utf-8', { fatal: false });
type Slicer = Uint8Array & { utf8Slice?: (start: number, end: number) => string };

/** UTF-8 text of buf[start, end): Buffer's native slice when it is a Buffer, else TextDecoder. */
function utf8(buf: Slicer, start: number, end: number): string {
  return buf.utf8Slice === undefined ? decoder.decode(buf.subarray(start, end)) : buf.utf8Slice(start, end);
}

export class WireReader {
  pos: number;

  constructor(readonly buf: Uint8Array, start = 0, public end = buf.length) {
    this.pos = start;
  }

  /** The high 32 bits of the varint varint() read last. */
  private hi = 0;

  /** Reads a varint: returns its low 32 bits (as an int32) and leaves the high 32 in `hi`. */
  private varint(): number {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw truncated();
      const byte = b[this.pos++] as number;
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >>> 4;
      } else if (shift < 64) hi |= (byte & 0x7f) << (shift - 32);
      if (byte < 0x80) {
        this.hi = hi;
        return lo;
      }
      shift += 7;
      if (shift > 63) throw new InputError({ file: '' }, 'malformed protobuf: varint longer than 10 bytes');
    }
  }

  /** A varint as an unsigned 32-bit number (higher bits dropped, as protobuf does for uint32). */
  uint32(): number {
    return this.varint() >>> 0;
  }

  /** A varint as a signed 32-bit number (int32 and enums; negative values use 10 bytes). */
  int32(): number {
    return this.varint() | 0;
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** A varint as a JS number: int64 (two's complement) or uint64; exact up to 2^53. */
  int64(signed: boolean): number {
    const lo = this.varint();
    return (signed ? this.hi | 0 : this.hi >>> 0) * 4294967296 + (lo >>> 0);
  }

  /** The end offset of a length-delimited field starting here (pos moves past the length). */
  lenEnd(): number {
    const n = this.uint32();
    const end = this.pos + n;
    if (end > this.end) throw truncated();
    return end;
  }

  /**
   * Enter the length-delimited message that starts here: until leave(), every read is bounded to
   * it, so a field that runs past its message's end is refused, not read from the next field.
   * Returns the enclosing bound, for leave().
   */
  enter(): number {
    const end = this.lenEnd();
    const outer = this.end;
    this.end = end;
    return outer;
  }

  /** Leave the message entered last (read to its end) and restore the enclosing bound. */
  leave(outer: number): void {
    if (this.pos !== this.end) throw truncated();
    this.end = outer;
  }

  /** `read` of the nested message that starts here (see enter). */
  message<T>(read: (r: WireReader) => T): T {
    const outer = this.enter();
    const value = read(this);
    this.leave(outer);
    return value;
  }

  string(): string {
    const end = this.lenEnd();
    const start = this.pos;
    this.pos = end;
    return utf8(this.buf, start, end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.int64(false);
        return;
      case FIXED64:
        this.pos += 8;
        break;
      case LEN:
        this.pos = this.lenEnd();
        return;
      case FIXED32:
        this.pos += 4;
        break;
      default:
        throw new InputError({ file: '' }, `malformed protobuf: unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw truncated();
  }
}

const truncated = () => new InputError({ file: '' }, 'malformed protobuf: a field runs past the end of its message (truncated?)');
