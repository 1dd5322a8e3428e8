// ConnectionMemory: the connections RecentConnections remembers (connections.ts), least recently
// touched first, in a linked list over a two-level Map keyed by the two numbers of a connection.
import type { Span } from './connection-spans.js';

export interface Entry<T> extends Span<T> {
  inner: number;
  /** The inner map holding this entry (its outer key is `outer`). */
  bucket: Map<number, Entry<T>>;
  outer: number;
  /** Earlier spans of the same addresses and ports, oldest first (see MIN_SPANS). */
  older: Span<T>[] | undefined;
  prev: Entry<T> | undefined;
  next: Entry<T> | undefined;
}

export class ConnectionMemory<T> {
  /** `onForget`: told of each entry evict() forgets, before it goes (not of those clear() drops). */
  constructor(private readonly onForget?: (entry: Entry<T>) => void) {}

  private readonly entries = new Map<number, Map<number, Entry<T>>>();
  private count = 0;
  /** Earlier spans (Entry.older) held over all entries; kept up to date by their owner, and here when entries go. */
  spans = 0;
  /** Least recently touched. */
  private head: Entry<T> | undefined;
  /** Most recently touched. */
  private tail: Entry<T> | undefined;

  get size(): number {
    return this.count;
  }

  /** The most recently touched entry (eviction never takes it: it is the newest). */
  get newest(): Entry<T> | undefined {
    return this.tail;
  }

  /**
   * Make the connection (outer, inner) the most recently touched and return its entry, whose span
   * the caller updates; undefined when it was not remembered (it is now, spanning `time` alone).
   */
  touch(outer: number, inner: number, time: number): Entry<T> | undefined {
    const tail = this.tail;
    // Touched again right away (one packet seen at several points): no lookup, no move.
    if (tail !== undefined && tail.inner === inner && tail.outer === outer) return tail;
    let bucket = this.entries.get(outer);
    const entry = bucket?.get(inner);
    if (entry === undefined) {
      if (bucket === undefined) this.entries.set(outer, (bucket = new Map()));
      const added: Entry<T> = { inner, bucket, outer, first: time, time, value: undefined, older: undefined, prev: this.tail, next: undefined };
      if (this.tail === undefined) this.head = added;
      else this.tail.next = added;
      this.tail = added;
      bucket.set(inner, added);
      this.count++;
      return undefined;
    }
    if (entry !== this.tail) {
      this.unlink(entry);
      entry.prev = this.tail;
      entry.next = undefined;
      (this.tail as Entry<T>).next = entry;
      this.tail = entry;
    }
    return entry;
  }

  /**
   * Forget least recently touched entries while there are more than `max`, or more than `keep`
   * and the least recently touched was last seen before `horizon`.
   */
  evict(max: number, keep = max, horizon = -Infinity): void {
    for (let e = this.head; e !== undefined && (this.count > max || (this.count > keep && e.time < horizon)); e = this.head) {
      this.onForget?.(e);
      this.unlink(e);
      e.bucket.delete(e.inner);
      if (e.bucket.size === 0) this.entries.delete(e.outer);
      this.count--;
      this.spans -= e.older?.length ?? 0;
    }
  }

  /** Forget everything. */
  clear(): void {
    this.entries.clear();
    this.count = 0;
    this.spans = 0;
    this.head = undefined;
    this.tail = undefined;
  }

  private unlink(e: Entry<T>): void {
    if (e.prev === undefined) this.head = e.next;
    else e.prev.next = e.next;
    if (e.next === undefined) this.tail = e.prev;
    else e.next.prev = e.prev;
  }
}
