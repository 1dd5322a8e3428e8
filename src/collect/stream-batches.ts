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
  const onData = (m: T): void => {
    queue.push(m);
    if (queue.length >= highWater) stream.pause();
    if (queue.length === 1) notify();
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
