// A readable stream as batches: everything that arrived since the consumer last asked, the stream
// paused while `highWater` messages wait (a slow consumer pushes back), errors passed on.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { flattenBatches, streamBatches } from '../../../src/collect/stream-batches.js';

describe('streamBatches', () => {
  it('pauses the stream while highWater messages wait, and resumes it when they are taken', async () => {
    const stream = new PassThrough({ objectMode: true });
    const batches = streamBatches<number>(stream, 2);
    const first = batches.next();
    stream.write(1);
    expect(stream.isPaused()).toBe(false);
    stream.write(2);
    expect(stream.isPaused()).toBe(true);
    stream.write(3);
    expect((await first).value).toEqual([1, 2]);
    expect(stream.isPaused()).toBe(false);
    stream.end();
    const rest: number[] = [];
    for await (const n of flattenBatches(batches)) rest.push(n);
    expect(rest).toEqual([3]);
  });

  it('hands out the messages received before an error, then throws it', async () => {
    const stream = new PassThrough({ objectMode: true });
    const seen: number[] = [];
    const read = (async () => {
      for await (const n of flattenBatches(streamBatches<number>(stream))) seen.push(n);
    })();
    stream.write(1);
    stream.destroy(new Error('connection reset'));
    await expect(read).rejects.toThrow('connection reset');
    expect(seen).toEqual([1]);
  });
});
