// Spans of connections the folder forgot (connections.ts: past keepConnections), kept compactly
// enough to notice when an event repeats one of them. Such an event cannot fold into counts no
// longer in memory, so it counts again; collect reports how many did (typically another node's
// export, read after a file of more connections than are remembered), so the user can remember
// more. It only detects: nothing is folded on its word, as a false match must never lose a count.
//
// A Bloom filter over (connection, time slot), holding the slots of each span's first and last
// event (an event more than the window from both ends of a long span is not noticed): no false
// negatives for those, and a false match for about 1 in 100,000 connections asked
// about (test/unit/identity/forgotten-connections.test.ts). It is asked only when the
// event is no later than the window after the latest forgotten span: read in time order, spans are
// forgotten once more than the window old, so a file in time order asks only for an event that
// comes late, after the window of a forgotten span it may belong to. Memory is bounded:
// a chain of filters, each twice the size of the one before, up to MAX_KEYS over all (16 MB);
// past that the oldest goes, and `complete` says that repeats of its spans go unnoticed.
/** Bits of filter per key it holds at capacity, and probes per key: ~1e-6 false positives a filter. */
const BITS_PER_KEY = 32;
const PROBES = 12;
const FIRST_CAPACITY = 1 << 14;
const MAX_CAPACITY = 1 << 20;
const MAX_KEYS = 1 << 22;
/** Seeds of the two hashes of a key (double hashing: probe i is h1 + i * h2). */
const SEED_1 = 0x9747b28c;
const SEED_2 = 0x5bd1e995;

class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  inserted = 0;

  constructor(readonly capacity: number) {
    const size = 1 << Math.ceil(Math.log2(capacity * BITS_PER_KEY)); // a power of two
    this.bits = new Uint32Array(size >>> 5);
    this.mask = size - 1;
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) | (1 << (bit & 31));
    }
    this.inserted++;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if (((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

export class ForgottenConnections {
  /** Oldest first; keys go into the last. */
  private filters = [new BloomFilter(FIRST_CAPACITY)];
  /** Keys the filters hold at capacity, together. */
  private held = FIRST_CAPACITY;
  /** Last event of the latest forgotten span (-Infinity: none). */
  private latest = -Infinity;
  /** False once a filter was dropped (MAX_KEYS): `has` misses the spans it held. */
  complete = true;

  private readonly slotMs: number;

  /** `slotMs`: the time slot width, the folder's window. */
  constructor(slotMs: number) {
    this.slotMs = Math.max(1, slotMs);
  }

  /** Forget the span first..last of connection (outer, inner): the two numbers ConnectionMemory keys it by. */
  add(outer: number, inner: number, first: number, last: number): void {
    const a = Math.floor(first / this.slotMs);
    const b = Math.floor(last / this.slotMs);
    this.insert(outer, inner, a);
    if (b !== a) this.insert(outer, inner, b);
    if (last > this.latest) this.latest = last;
  }

  /** Might an event of connection (outer, inner) at `time` belong to a forgotten span (one starting or ending within `window` of it)? */
  has(outer: number, inner: number, time: number, window: number): boolean {
    if (time > this.latest + window) return false;
    const last = Math.floor((time + window) / this.slotMs);
    for (let slot = Math.floor((time - window) / this.slotMs); slot <= last; slot++) {
      const h1 = hash(outer, inner, slot, SEED_1);
      const h2 = hash(outer, inner, slot, SEED_2) | 1;
      for (const filter of this.filters) if (filter.has(h1, h2)) return true;
    }
    return false;
  }

  /** Forget everything (the connection numbers are about to be given out again, and the connections were dropped unrecorded). */
  clear(): void {
    this.filters = [new BloomFilter(FIRST_CAPACITY)];
    this.held = FIRST_CAPACITY;
    this.latest = -Infinity;
    this.complete = false;
  }

  private insert(outer: number, inner: number, slot: number): void {
    let filter = this.filters[this.filters.length - 1] as BloomFilter;
    if (filter.inserted >= filter.capacity) {
      filter = new BloomFilter(Math.min(filter.capacity * 2, MAX_CAPACITY));
      this.filters.push(filter);
      this.held += filter.capacity;
      while (this.held > MAX_KEYS) {
        this.held -= (this.filters.shift() as BloomFilter).capacity;
        this.complete = false;
      }
    }
    filter.add(hash(outer, inner, slot, SEED_1), hash(outer, inner, slot, SEED_2) | 1);
  }
}

/** MurmurHash3's mixing over the 32-bit halves of the three numbers. */
function hash(outer: number, inner: number, slot: number, seed: number): number {
  let h = seed;
  h = mix(h, outer >>> 0);
  h = mix(h, Math.floor(outer / 4294967296));
  h = mix(h, inner >>> 0);
  h = mix(h, Math.floor(inner / 4294967296));
  h = mix(h, slot | 0);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
