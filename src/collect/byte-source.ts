// Raw bytes of one input (a file, or '-' for stdin), gunzipped when the data starts with the
// gzip magic bytes (the name does not matter). Streams in chunks; never reads a file whole.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import { InputError } from '../errors.js';

const CHUNK = 1024 * 1024;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export interface ByteSourceOptions {
  /** Called with raw (compressed, for .gz) bytes consumed. */
  onBytes?: (bytes: number) => void;
  /** Stream to use for '-' (defaults to process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** Decompressed chunks of `file`. Read failures and corrupt gzip data throw InputError. */
export async function* readBytes(file: string, options: ByteSourceOptions): AsyncGenerator<Buffer> {
  const raw = countBytes(openRaw(file, options), file, options.onBytes);
  const it = raw[Symbol.asyncIterator]();
  try {
    let head: Buffer = Buffer.alloc(0);
    // Gather at least two bytes to look for the gzip magic.
    while (head.length < 2) {
      const next = await it.next();
      if (next.done === true) {
        if (head.length > 0) yield head;
        return;
      }
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
    if (head[0] !== GZIP_MAGIC_0 || head[1] !== GZIP_MAGIC_1) {
      yield head;
      yield* rest;
      return;
    }
    yield* gunzip(prepend(head, rest), file);
  } finally {
    // A reader that stops early (return() while suspended at a yield) closes the file too.
    await it.return?.(undefined);
  }
}

async function* gunzip(compressed: AsyncIterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  const inflater = createGunzip({ chunkSize: 64 * 1024 });
  let sourceError: unknown;
  pipeline(Readable.from(tailInPieces(compressed)), inflater, (err) => {
    if (err) sourceError ??= err;
  });
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (err) {
    throw asInputError(sourceError ?? err, file);
  }
  if (sourceError !== undefined) throw asInputError(sourceError, file);
}

/** Bytes at the end of a gzip input written to zlib a few at a time (see tailInPieces). */
const TAIL = 256;
const TAIL_PIECE = 8;

/**
 * The input with its last TAIL bytes cut into TAIL_PIECE-byte chunks. zlib drops the output of the
 * write in which it finds an error (Node does not push it), so a bad CRC in the 8-byte trailer,
 * or trailing garbage, would lose the last 64 KiB decompressed: written apart, that write holds a
 * few bytes of trailer or garbage and no data. (A truncated input loses nothing either way.)
 */
async function* tailInPieces(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let held: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (chunk.length >= TAIL) {
      // The usual case (1 MiB chunks): the held bytes go ahead on their own, no chunk is copied.
      if (held.length > 0) yield held;
      if (chunk.length > TAIL) yield chunk.subarray(0, chunk.length - TAIL);
      held = chunk.subarray(chunk.length - TAIL);
    } else {
      const all = Buffer.concat([held, chunk]);
      if (all.length > TAIL) yield all.subarray(0, all.length - TAIL);
      held = all.subarray(Math.max(0, all.length - TAIL));
    }
  }
  // Cut from the end: the last piece is exactly a single-member file's trailer (CRC and size).
  for (let at = held.length % TAIL_PIECE || TAIL_PIECE, from = 0; from < held.length; from = at, at += TAIL_PIECE) {
    yield held.subarray(from, at);
  }
}

/** What zlib's messages mean for what was read. */
const GZIP_DAMAGE: Readonly<Record<string, string>> = {
  'unexpected end of file': 'gzip data is truncated: the events before the cut were read',
  'incorrect header check': 'gzip data is followed by bytes that are not gzip (trailing garbage?): the events before them were read',
  'incorrect data check': 'gzip checksum does not match: the file is corrupt, and the events read from it may be damaged',
  'incorrect length check': 'gzip length check does not match: the file is corrupt, and the events read from it may be damaged',
};

function asInputError(err: unknown, file: string): InputError {
  if (err instanceof InputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new InputError({ file }, `${GZIP_DAMAGE[message] ?? 'gzip data is corrupt'} (${message})`, 'E_GZIP');
  }
  return new InputError({ file }, `cannot read: ${message}`, 'E_READ');
}

async function* prepend(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  yield* rest;
}

async function* countBytes(source: AsyncIterable<Buffer | string>, file: string, onBytes?: (bytes: number) => void): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      onBytes?.(buf.length);
      yield buf;
    }
  } catch (err) {
    throw asInputError(err, file);
  }
}

function openRaw(file: string, options: ByteSourceOptions): AsyncIterable<Buffer | string> {
  if (file === '-') return (options.stdin ?? process.stdin) as AsyncIterable<Buffer | string>;
  return createReadStream(file, { highWaterMark: CHUNK });
}
