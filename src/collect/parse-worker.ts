// A parse thread of `collect --workers`: it gets a chunk of a recorded file, parses and converts
// every whole `{...}` line in it exactly as the reader's fast path does (json-values.ts), and
// sends the results back packed (flow-pack.ts). Lines it cannot place (cut by the chunk's ends,
// invalid JSON, pretty-printed values, log prefixes) are left to the main thread's reader.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { FlowEvent } from '../model.js';
import { FlowPacker, type PackedLines } from './flow-pack.js';
import { eventFromJson } from './from-json.js';
import { isLoneObjectLine, lineEnd } from './json-values.js';

const NEWLINE = 0x0a;

/** What the main thread sends: a chunk's bytes, and whether it starts a line. */
export interface ParseJob { id: number; bytes: Uint8Array; atLineStart: boolean }
/** The chunk's lines, and its bytes given back; first of all, that the thread is ready. */
export type ParseReply = { id: number; lines: PackedLines; bytes: Uint8Array } | { id: number; error: string } | { ready: true };
/** workerData that makes this module listen for jobs. */
export const PARSE_WORKER = 'flowpol-parse-worker';

/** The converted whole lines of `buf` (each keyed by its start in `buf`), packed. */
export function parseLines(buf: Buffer, atLineStart: boolean, packer: FlowPacker): PackedLines {
  let pos = 0;
  if (!atLineStart) {
    const nl = buf.indexOf(NEWLINE);
    pos = nl === -1 ? buf.length : nl + 1;
  }
  for (let nl = buf.indexOf(NEWLINE, pos); nl !== -1; nl = buf.indexOf(NEWLINE, pos)) {
    const start = pos;
    const end = lineEnd(buf, start, nl);
    pos = nl + 1;
    if (!isLoneObjectLine(buf, start, end)) continue;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      continue; // the reader's scanner says what is wrong with it
    }
    let converted: FlowEvent | InputError;
    try {
      converted = eventFromJson(value);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      converted = err;
    }
    packer.add(start, converted);
  }
  return packer.finish();
}

if (workerData === PARSE_WORKER && parentPort !== null) {
  const port = parentPort;
  const packer = new FlowPacker();
  port.on('message', (job: ParseJob) => {
    let reply: ParseReply;
    try {
      const { bytes } = job;
      reply = { id: job.id, lines: parseLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), job.atLineStart, packer), bytes };
    } catch (err) {
      reply = { id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    const moved = 'lines' in reply ? [reply.lines.offsets.buffer, reply.lines.nums.buffer, reply.bytes.buffer] as ArrayBuffer[] : [];
    port.postMessage(reply, moved);
  });
  port.postMessage({ ready: true } satisfies ParseReply); // its modules are loaded
}
