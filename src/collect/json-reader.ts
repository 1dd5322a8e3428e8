// Recorded Hubble JSON → FlowSource: bytes (file, stdin, gzip) → JSON values with line numbers →
// FlowEvents. Every shape `hubble observe -o json|jsonpb`, Hubble's exporter and older CLIs write is
// accepted (test/fixtures/json-shapes has one of each); see json-values.ts for how values
// are found and from-json.ts for how they are mapped.
import type { FlowEvent, FlowSource } from '../model.js';
import { InputError } from '../errors.js';
import { readBytes } from './byte-source.js';
import { eventFromJson } from './from-json.js';
import type { PackedError } from './flow-pack.js';
import { type ParsedChunk, type ParsePool, readAhead } from './parse-pool.js';
import { type JsonItem, JsonValueSplitter } from './json-values.js';

export interface ReadOptions {
  /** With true, invalid records are reported through onInvalid and skipped; else the first throws. */
  skipInvalid: boolean;
  onInvalid?: (error: InputError) => void;
  /** Called with raw (compressed, for .gz) bytes consumed, for progress. */
  onBytes?: (bytes: number) => void;
  /** Stream to use for '-' (defaults to process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /**
   * Parse threads that convert a file's lines ahead of the reader (`collect --workers`). Not for
   * '-': stdin is a stream that arrives over time, read as it comes.
   */
  workers?: ParsePool;
}

/**
 * Stream every event of one recorded file (or '-' for stdin), in file order. Bad records become
 * InputError{file, line, field}: thrown, or with `skipInvalid` passed to `onInvalid` and skipped.
 * A truncated or corrupt gzip stream is an InputError with code E_GZIP (after the events read
 * before the damage); with `skipInvalid` it is reported and the file ends there.
 */
export function readFlowFile(file: string, options: ReadOptions): ReadyFlowSource {
  const iterator = new FileEvents(file, options);
  return {
    [Symbol.asyncIterator]: () => iterator,
    takeReady: () => iterator.take(),
    close: async () => {
      await iterator.return();
    },
  };
}

/** A FlowSource that always has `takeReady` (see FlowSource). */
export type ReadyFlowSource = FlowSource & Required<Pick<FlowSource, 'takeReady'>>;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
/**
 * Records skipped in a row (--skip-invalid) before the reader lets the event loop run: a chunk
 * can hold 350,000 bad lines, seconds of work in which Ctrl-C would otherwise go unnoticed.
 */
const SKIPS_BEFORE_PAUSE = 4096;
const CLOSED = Symbol('closed');
/**
 * Events converted in one go before the first is handed out: JSON.parse, the conversion and the
 * consumer's folding each run 64 times in a row instead of taking turns line by line, which keeps
 * each one's code and data in the CPU's caches (collect of 1M flows: 5-8 % faster). See also the
 * splitter's PARSE_AHEAD.
 */
const CONVERT_AHEAD = 64;

/**
 * Hand-written iterator (not an async generator): a chunk is read, then its lines are parsed and
 * mapped CONVERT_AHEAD at a time and handed out one per next() (one already-resolved promise per
 * event) or takeReady(), so a few dozen events are alive, not a whole chunk of parsed values.
 */
class FileEvents implements AsyncIterator<FlowEvent, undefined> {
  private readonly splitter = new JsonValueSplitter();
  private readonly chunks: AsyncGenerator<ParsedChunk>;
  private failure: InputError | undefined;
  /** No more chunks (end of input, or a read error). */
  private drained = false;
  private finished = false;
  /**
   * Ends the read that waits for bytes (a quiet stdin can wait forever), if one does. A fresh
   * promise per read: racing every read against one long-lived promise would keep each read's
   * result (a 1 MiB chunk) reachable from that promise's reactions until the end.
   */
  private interrupt: ((closed: typeof CLOSED) => void) | undefined;
  /** take() stopped after SKIPS_BEFORE_PAUSE skipped records; what was loaded is not used up. */
  private paused = false;
  /** Events converted ahead of the consumer (see CONVERT_AHEAD), and the next one to hand out. */
  private readonly ready: FlowEvent[] = [];
  private readyAt = 0;

  constructor(private readonly file: string, private readonly options: ReadOptions) {
    const bytes = readBytes(file, options);
    this.chunks = options.workers !== undefined && file !== '-' ? readAhead(bytes, options.workers) : unparsed(bytes);
  }

  next(): Promise<IteratorResult<FlowEvent, undefined>> {
    if (!this.paused) {
      try {
        const event = this.take();
        if (event !== undefined) return Promise.resolve({ done: false, value: event });
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.refill();
  }

  /**
   * Stop reading. A read that waits for bytes ends at once: `hubble observe --follow | flowpol
   * collect -` stopped by a signal must not wait for the next flow, and stdin is destroyed so an
   * open pipe keeps neither the read nor the process alive.
   */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.finished = true;
    this.ready.length = 0;
    this.readyAt = 0;
    const interrupt = this.interrupt;
    if (interrupt === undefined) {
      await this.chunks.return(undefined);
      return DONE;
    }
    interrupt(CLOSED);
    if (this.file === '-') ((this.options.stdin ?? process.stdin) as { destroy?: () => void }).destroy?.();
    void this.chunks.return(undefined).catch(() => {}); // runs once the waiting read ends
    return DONE;
  }

  /** The next event of the data read so far; undefined when more must be read, at the end, or to pause (see SKIPS_BEFORE_PAUSE). */
  take(): FlowEvent | undefined {
    if (this.readyAt === this.ready.length && !this.finished && this.failure === undefined) this.convertAhead();
    if (this.readyAt < this.ready.length) return this.ready[this.readyAt++];
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      this.finished = true;
      // A for-await loop does not call return() when next() throws: close the file here.
      void this.chunks.return(undefined).catch(() => {});
      throw failure;
    }
    return undefined;
  }

  /**
   * Convert up to CONVERT_AHEAD events of the data read so far into `ready`. Stops early at the
   * end of that data, at a bad record of a strict read (thrown once the events before it are
   * taken), or to pause.
   */
  private convertAhead(): void {
    const ready = this.ready;
    ready.length = 0;
    this.readyAt = 0;
    let skipped = 0;
    while (ready.length < CONVERT_AHEAD) {
      const item = this.splitter.next();
      if (item === undefined) {
        if (this.drained) this.finished = true;
        return;
      }
      const event = this.convert(item);
      if (event !== undefined) ready.push(event);
      else if (this.failure !== undefined) return;
      else if (++skipped === SKIPS_BEFORE_PAUSE) {
        this.paused = true;
        return;
      }
    }
  }

  private async refill(): Promise<IteratorResult<FlowEvent, undefined>> {
    for (;;) {
      if (this.finished) return DONE;
      if (this.paused) {
        this.paused = false;
        await new Promise((resolve) => setImmediate(resolve)); // signal handlers and timers run
      } else {
        await this.read();
      }
      const event = this.take();
      if (event !== undefined) return { done: false, value: event };
    }
  }

  /** Load the next chunk into the splitter; at the end, flush it. */
  private async read(): Promise<void> {
    let next: IteratorResult<ParsedChunk> | typeof CLOSED;
    try {
      next = await Promise.race([this.chunks.next(), new Promise<typeof CLOSED>((resolve) => (this.interrupt = resolve))]);
    } catch (err) {
      this.drained = true;
      if (!(err instanceof InputError)) throw err;
      this.reject(err);
      return;
    } finally {
      this.interrupt = undefined;
    }
    if (next === CLOSED) {
      this.drained = true;
    } else if (next.done === true) {
      this.drained = true;
      this.splitter.finish();
    } else {
      this.splitter.load(next.value.bytes, next.value.lines);
    }
  }

  /** One value → its event; a bad one is rejected (and stops a strict read) and gives undefined. */
  private convert(item: JsonItem): FlowEvent | undefined {
    const { file } = this;
    if (!item.ok) {
      this.reject(new InputError({ file, line: item.line }, item.reason));
      return undefined;
    }
    // A parse thread's result (its conversion error too), else converted here.
    const converted = item.converted as FlowEvent | PackedError | undefined;
    let error: PackedError;
    if (converted === undefined) {
      try {
        return eventFromJson(item.value);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        error = { reason: err.reason, code: err.code, field: err.location.field };
      }
    } else if ('reason' in converted) {
      error = converted;
    } else {
      return converted;
    }
    this.reject(new InputError({ file, line: item.line, field: error.field }, error.reason, error.code));
    return undefined;
  }

  private reject(error: InputError): void {
    if (this.options.skipInvalid) this.options.onInvalid?.(error);
    else this.failure = error;
  }
}

async function* unparsed(chunks: AsyncIterable<Buffer>): AsyncGenerator<ParsedChunk> {
  for await (const bytes of chunks) yield { bytes };
}
