// A readable gRPC stream as batches of messages: whatever arrived since the consumer last asked,
// in one step (a stream's own async iterator costs promises and ticks for every message). The
// stream is paused while `highWater` messages wait, so a slow consumer still pushes back.
import type { Readable } from 'node:stream';

export async function* streamBatches<T>(stream: Readable, highWater = 4096): AsyncGenerator<T[]> {
  let queue: T[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // The waiting consumer is woken after the messages of this turn of the event loop arrived (one
  // socket read carries dozens; grpc-js hands them out one microtask apart), not at the first.
  let scheduled = false;
  const wakeLater = (): void => {
    scheduled = false;
    notify();
  };
  const onData = (m: T): void => {
    queue.push(m);
    if (queue.length >= highWater) stream.pause();
    if (wake !== undefined && !scheduled) {
      scheduled = true;
      setImmediate(wakeLater);
    }
  };
  const onEnd = (): void => {
    done = true;
    notify();
  };
  const onError = (err: unknown): void => {
    failure ??= err;
    done = true;
    notify();
  };
  stream.on('data', onData).once('end', onEnd).once('close', onEnd).once('error', onError);
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        if (stream.isPaused()) stream.resume();
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    // A consumer that stops early cancels the stream, which then errors: nobody is listening any more.
    stream.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError).on('error', () => {});
  }
}

/**
 * Batches back as single items, for `for await` consumers: an item already received costs one
 * resolved promise (or none through take()), not a generator resumption. return() is passed on
 * (a consumer that stops early).
 */
export function flattenBatches<T>(batches: AsyncGenerator<T[]>): AsyncIterableIterator<T> & { take(): T | undefined } {
  let current: T[] = [];
  let i = 0;
  const it: AsyncIterableIterator<T> & { take(): T | undefined } = {
    /** The next item already received, without a promise; undefined when next() must wait. */
    take: () => (i < current.length ? current[i++] : undefined),
    next: (): Promise<IteratorResult<T>> => {
      if (i < current.length) return Promise.resolve({ value: current[i++] as T, done: false });
      return batches.next().then((r) => {
        if (r.done === true) return { value: undefined, done: true };
        current = r.value;
        i = 0;
        return it.next();
      });
    },
    return: async (): Promise<IteratorResult<T>> => {
      current = [];
      await batches.return(undefined);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
