// Recorded Hubble JSON → FlowSource: bytes (file, stdin, gzip) → JSON values with line numbers →
// FlowEvents. Every shape of hubble-format.md §A.1 is accepted; see json-values.ts for how values
// are found and from-json.ts for how they are mapped.
import { StringDecoder } from 'node:string_decoder';
import type { FlowEvent, FlowSource } from '../model.js';
import { InputError } from '../errors.js';
import { readBytes } from './byte-source.js';
import { eventFromJson } from './from-json.js';
import { type JsonItem, JsonValueSplitter } from './json-values.js';

export interface ReadOptions {
  /** With true, invalid records are reported through onInvalid and skipped; else the first throws. */
  skipInvalid: boolean;
  onInvalid?: (error: InputError) => void;
  /** Called with raw (compressed, for .gz) bytes consumed, for progress. */
  onBytes?: (bytes: number) => void;
  /** Stream to use for '-' (defaults to process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/**
 * Stream every event of one recorded file (or '-' for stdin), in file order. Bad records become
 * InputError{file, line, field}: thrown, or with `skipInvalid` passed to `onInvalid` and skipped.
 * A truncated or corrupt gzip stream is an InputError with code E_GZIP (after the events read
 * before the damage); with `skipInvalid` it is reported and the file ends there.
 */
export function readFlowFile(file: string, options: ReadOptions): FlowSource {
  const iterator = new FileEvents(file, options);
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      await iterator.return();
    },
  };
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Hand-written iterator (not an async generator): events are produced a chunk at a time and
 * handed out from an array, so the per-event cost is one already-resolved promise.
 */
class FileEvents implements AsyncIterator<FlowEvent, undefined> {
  private readonly splitter = new JsonValueSplitter();
  private readonly decoder = new StringDecoder('utf8');
  private readonly items: JsonItem[] = [];
  private readonly chunks: AsyncGenerator<Buffer>;
  private events: FlowEvent[] = [];
  private pos = 0;
  private failure: InputError | undefined;
  private finished = false;

  constructor(private readonly file: string, private readonly options: ReadOptions) {
    this.chunks = readBytes(file, options);
  }

  next(): Promise<IteratorResult<FlowEvent, undefined>> {
    if (this.pos < this.events.length) return Promise.resolve({ done: false, value: this.events[this.pos++] as FlowEvent });
    return this.refill();
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.finished = true;
    this.events = [];
    await this.chunks.return(undefined);
    return DONE;
  }

  private async refill(): Promise<IteratorResult<FlowEvent, undefined>> {
    this.events = [];
    this.pos = 0;
    while (this.events.length === 0) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        this.finished = true;
        throw failure;
      }
      if (this.finished) return DONE;
      await this.read();
      this.convert();
    }
    return { done: false, value: this.events[this.pos++] as FlowEvent };
  }

  /** Next chunk into `items`; at the end, flush the splitter. */
  private async read(): Promise<void> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (err) {
      this.finished = true;
      if (!(err instanceof InputError)) throw err;
      this.reject(err);
      return;
    }
    if (next.done === true) {
      this.finished = true;
      this.splitter.push(this.decoder.end(), this.items);
      this.splitter.end(this.items);
    } else {
      this.splitter.push(this.decoder.write(next.value), this.items);
    }
  }

  /** Map the values found so far; the first bad one stops a strict read after the good ones. */
  private convert(): void {
    const { items, file } = this;
    for (let i = 0; i < items.length && this.failure === undefined; i++) {
      const item = items[i] as JsonItem;
      if (!item.ok) {
        this.reject(new InputError({ file, line: item.line }, item.reason));
        continue;
      }
      try {
        this.events.push(eventFromJson(item.value));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        this.reject(new InputError({ file, line: item.line, field: err.location.field }, err.reason, err.code));
      }
    }
    items.length = 0;
  }

  private reject(error: InputError): void {
    if (this.options.skipInvalid) this.options.onInvalid?.(error);
    else this.failure = error;
  }
}
