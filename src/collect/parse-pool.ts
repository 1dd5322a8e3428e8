// `collect --workers N`: N parse threads that read ahead of the main thread. The main thread still
// reads the bytes, splits them into values and folds every flow in order (json-reader.ts, then
// the pipeline); a thread only parses and converts a chunk's whole `{...}` lines, the bulk of the
// work, and hands them back packed (flow-pack.ts). What is read is the same with or without them.
import { Worker } from 'node:worker_threads';
import { InternalError } from '../errors.js';
import { FlowUnpacker } from './flow-unpack.js';
import type { PrecomputedLines } from './json-values.js';
import { PARSE_WORKER, type ParseJob, type ParseReply } from './parse-worker.js';

/** A chunk of a file's bytes, with its lines parsed ahead when a pool did it. */
export interface ParsedChunk { bytes: Buffer; lines?: PrecomputedLines }

const MIN_JOB = 512 * 1024;

/**
 * The chunks of `chunks`, each with its lines parsed by `pool` when a thread has room for it
 * (JOBS_PER_THREAD), else left to the caller's thread: the queue ahead holds what every thread
 * may have, and two chunks more. Small chunks (gzip inflates 64 KiB at a time) are joined to
 * at least MIN_JOB bytes, so a job outweighs its hand-off. A read error comes after the
 * chunks before it, as it would without the pool.
 */
export async function* readAhead(chunks: AsyncIterable<Buffer>, pool: ParsePool): AsyncGenerator<ParsedChunk> {
  const source = chunks[Symbol.asyncIterator]();
  try {
    yield* parsedAhead(source, pool);
  } finally {
    await source.return?.(); // a reader that stops early closes the file (and its gunzip) too
  }
}

async function* parsedAhead(source: AsyncIterator<Buffer>, pool: ParsePool): AsyncGenerator<ParsedChunk> {
  const queue: Promise<ParsedChunk>[] = [];
  let offset = 0;
  let atLineStart = true;
  let done = false;
  let failure: unknown;
  for (;;) {
    while (!done && queue.length < JOBS_PER_THREAD * pool.size + 2) {
      const parts: Buffer[] = [];
      let size = 0;
      try {
        while (size < MIN_JOB) {
          const next = await source.next();
          if (next.done === true) {
            done = true;
            break;
          }
          parts.push(next.value);
          size += next.value.length;
        }
      } catch (err) {
        failure = err;
        done = true;
      }
      if (size === 0) break;
      const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
      const endsLine = bytes[size - 1] === 0x0a; // before parse(): it may move the bytes away
      // A thread takes a chunk when one has room; else this thread parses it when it gets there,
      // as it does a small file (a round trip to a thread would cost more than its few lines).
      const parsed = size < MIN_JOB || pool.busy() ? Promise.resolve({ bytes }) : pool.parse(bytes, offset, atLineStart);
      parsed.catch(() => {}); // a chunk left unread (the reader stopped) must not fail the process
      queue.push(parsed);
      offset += size;
      atLineStart = endsLine;
    }
    const head = queue.shift();
    if (head === undefined) break;
    yield await head;
  }
  if (failure !== undefined) throw failure;
}

/** A parse thread, the unpacker that mirrors its endpoint table, how many chunks it has, and whether it has loaded. */
interface Thread { worker: Worker; unpacker: FlowUnpacker; jobs: number; ready: boolean }
interface Pending { resolve(chunk: ParsedChunk): void; reject(err: Error): void; chunkStart: number }
/** Chunks a thread may have: one to parse while its last result travels back. */
const JOBS_PER_THREAD = 2;

export class ParsePool {
  private readonly threads: Thread[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextJob = 0;
  private failure: Error | undefined;
  private closed = false;
  /** Waiting for every thread to load (ready()). */
  private waiting: { resolve(): void; reject(err: Error): void }[] = [];

  /** `size` threads, started when a file first has a chunk for them (not for small files, stdin, or nothing to read). */
  constructor(readonly size: number) {}

  private start(): void {
    if (this.threads.length > 0 || this.closed) return;
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: PARSE_WORKER });
      const thread: Thread = { worker, unpacker: new FlowUnpacker(), jobs: 0, ready: false };
      worker.on('message', (reply: ParseReply) => this.settle(thread, reply));
      worker.on('error', (err) => this.fail(new InternalError(`a parse thread failed: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new InternalError(`a parse thread exited (code ${code})`));
      });
      worker.unref(); // see holdProcess
      this.threads.push(thread);
    }
  }

  /**
   * Parse and convert the whole lines of `chunk`, which starts at stream offset `chunkStart`.
   * The chunk's bytes come back with its lines: a chunk that owns its memory is moved to the
   * thread and back (not copied), so `chunk` itself is then empty.
   */
  parse(chunk: Buffer, chunkStart: number, atLineStart: boolean): Promise<ParsedChunk> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new InternalError('the parse threads are closed'));
    this.start();
    const id = this.nextJob++;
    const thread = this.pick();
    thread.jobs++;
    const owned = chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length && !(chunk.buffer instanceof SharedArrayBuffer);
    const bytes = owned ? chunk : new Uint8Array(chunk);
    const job: ParseJob = { id, bytes, atLineStart };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, chunkStart });
      this.holdProcess();
      thread.worker.postMessage(job, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Start the threads, and wait until every one has loaded (else the first chunks are parsed here while they load). */
  ready(): Promise<void> {
    this.start();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.threads.every((t) => t.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.holdProcess();
    });
  }

  /** The ready thread with the fewest chunks (while none is ready, any: the chunk waits for it to load). */
  private pick(): Thread {
    const ready = this.threads.filter((t) => t.ready);
    return (ready.length > 0 ? ready : this.threads).reduce((least, t) => (t.jobs < least.jobs ? t : least));
  }

  /** No thread can take a chunk now: each is loading (they start on the first call) or has as many as it may have. */
  busy(): boolean {
    this.start();
    return !this.threads.some((t) => t.ready && t.jobs < JOBS_PER_THREAD);
  }

  /** Stop the threads; jobs still running are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectAll(new InternalError('the parse threads were closed'));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private settle(thread: Thread, reply: ParseReply): void {
    if ('ready' in reply) {
      thread.ready = true;
      if (this.threads.every((t) => t.ready)) for (const w of this.waiting.splice(0)) w.resolve();
      this.holdProcess();
      return;
    }
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    thread.jobs--;
    this.holdProcess();
    if ('error' in reply) {
      this.fail(new InternalError(`a parse thread failed: ${reply.error}`));
      pending?.reject(this.failure as Error);
      return;
    }
    // Every reply is received, even one nobody waits for any more: it carries the thread's new endpoints.
    const lines = thread.unpacker.receive(reply.lines, pending?.chunkStart ?? 0);
    pending?.resolve({ bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength), lines });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.rejectAll(this.failure);
  }

  private rejectAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.waiting.splice(0)) w.reject(err);
    this.holdProcess();
  }

  /**
   * Threads keep the process alive while they have work or are being closed (else an await on
   * close() could be the process's last, and it would end there with code 0), never when idle.
   */
  private holdProcess(): void {
    const hold = this.closed || this.pending.size > 0 || this.waiting.length > 0;
    for (const t of this.threads) {
      if (hold) t.worker.ref();
      else t.worker.unref();
    }
  }
}
