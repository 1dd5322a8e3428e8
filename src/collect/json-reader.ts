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
  const iterator = events(file, options);
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      await iterator.return(undefined);
    },
  };
}

async function* events(file: string, options: ReadOptions): AsyncGenerator<FlowEvent, void, undefined> {
  const splitter = new JsonValueSplitter();
  const decoder = new StringDecoder('utf8');
  const items: JsonItem[] = [];
  try {
    for await (const chunk of readBytes(file, options)) {
      splitter.push(decoder.write(chunk), items);
      if (items.length > 0) yield* drain(items, file, options);
    }
  } catch (err) {
    if (!(err instanceof InputError) || !options.skipInvalid) throw err;
    options.onInvalid?.(err);
    return;
  }
  splitter.push(decoder.end(), items);
  splitter.end(items);
  yield* drain(items, file, options);
}

function* drain(items: JsonItem[], file: string, options: ReadOptions): Generator<FlowEvent> {
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as JsonItem;
    let event: FlowEvent | undefined;
    let error: InputError | undefined;
    if (item.ok) {
      try {
        event = eventFromJson(item.value);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        error = new InputError({ file, line: item.line, field: err.location.field }, err.reason, err.code);
      }
    } else {
      error = new InputError({ file, line: item.line }, item.reason);
    }
    if (error !== undefined) {
      if (!options.skipInvalid) {
        items.length = 0;
        throw error;
      }
      options.onInvalid?.(error);
    } else if (event !== undefined) {
      yield event;
    }
  }
  items.length = 0;
}
