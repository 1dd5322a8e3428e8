// The folder's memory of recent connections: key → time last seen, least recently touched first.
// A Map of list nodes: a repeat costs one lookup and a few pointer moves (a Map alone would need
// delete + set to move the key to the end, three hash operations per event).

interface Entry { key: string; time: number; prev: Entry | undefined; next: Entry | undefined }

export class ConnectionMemory {
  private readonly entries = new Map<string, Entry>();
  /** Least recently touched. */
  private head: Entry | undefined;
  /** Most recently touched. */
  private tail: Entry | undefined;

  get size(): number {
    return this.entries.size;
  }

  /**
   * Record `key` at `time` (kept as the later of `time` and the time it had) and make it the most
   * recently touched; returns the time it had, or undefined when it was not remembered.
   */
  touch(key: string, time: number): number | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      const added: Entry = { key, time, prev: this.tail, next: undefined };
      if (this.tail === undefined) this.head = added;
      else this.tail.next = added;
      this.tail = added;
      this.entries.set(key, added);
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
    for (let e = this.head; e !== undefined && (this.entries.size > max || e.time < horizon); e = this.head) {
      this.unlink(e);
      this.entries.delete(e.key);
    }
  }

  private unlink(e: Entry): void {
    if (e.prev === undefined) this.head = e.next;
    else e.prev.next = e.next;
    if (e.next === undefined) this.tail = e.prev;
    else e.next.prev = e.prev;
  }
}
