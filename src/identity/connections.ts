// The folder's memory of recent connections, least recently touched first. A connection is two
// numbers (see connectionKey in edge.ts): no key text is built per event, and a repeat costs two
// Map lookups and a few pointer moves (a Map alone would need delete + set to move the key to
// the end, three hash operations per event).

interface Entry {
  inner: number;
  /** The inner map holding this entry (its outer key is `outer`). */
  bucket: Map<number, Entry>;
  outer: number;
  time: number;
  prev: Entry | undefined;
  next: Entry | undefined;
}

export class ConnectionMemory {
  private readonly entries = new Map<number, Map<number, Entry>>();
  private count = 0;
  /** Least recently touched. */
  private head: Entry | undefined;
  /** Most recently touched. */
  private tail: Entry | undefined;

  get size(): number {
    return this.count;
  }

  /**
   * Record the connection (outer, inner) at `time` (kept as the later of `time` and the time it
   * had) and make it the most recently touched; returns the time it had, or undefined when it
   * was not remembered.
   */
  touch(outer: number, inner: number, time: number): number | undefined {
    const tail = this.tail;
    if (tail !== undefined && tail.inner === inner && tail.outer === outer) {
      // Touched again right away (one packet seen at several points): no lookup, no move.
      const last = tail.time;
      if (time > last) tail.time = time;
      return last;
    }
    let bucket = this.entries.get(outer);
    const entry = bucket?.get(inner);
    if (entry === undefined) {
      if (bucket === undefined) this.entries.set(outer, (bucket = new Map()));
      const added: Entry = { inner, bucket, outer, time, prev: this.tail, next: undefined };
      if (this.tail === undefined) this.head = added;
      else this.tail.next = added;
      this.tail = added;
      bucket.set(inner, added);
      this.count++;
      return undefined;
    }
    const last = entry.time;
    if (time > last) entry.time = time;
    if (entry !== this.tail) {
      this.unlink(entry);
      entry.prev = this.tail;
      entry.next = undefined;
      (this.tail as Entry).next = entry;
      this.tail = entry;
    }
    return last;
  }

  /** Forget least recently touched entries while there are more than `max` or the oldest is before `horizon`. */
  evict(max: number, horizon: number): void {
    for (let e = this.head; e !== undefined && (this.count > max || e.time < horizon); e = this.head) {
      this.unlink(e);
      e.bucket.delete(e.inner);
      if (e.bucket.size === 0) this.entries.delete(e.outer);
      this.count--;
    }
  }

  /** Forget everything. */
  clear(): void {
    this.entries.clear();
    this.count = 0;
    this.head = undefined;
    this.tail = undefined;
  }

  private unlink(e: Entry): void {
    if (e.prev === undefined) this.head = e.next;
    else e.prev.next = e.next;
    if (e.next === undefined) this.tail = e.prev;
    else e.next.prev = e.prev;
  }
}
