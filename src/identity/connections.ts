// The folder's memory of recent connections (rule 4 in edge.ts). RecentConnections answers "seen
// within the window?"; underneath, ConnectionMemory keeps them least recently touched first.
// A connection is two numbers, so no key text is built per event:
// * its two addresses, each numbered the first time it is seen (below MAX_ADDRESSES, so the pair
//   is exact in a double);
// * its protocol and both 16-bit ports (ICMP: the type as the port, source port 0).
// A repeat costs two Map lookups and a few pointer moves (a Map alone would need delete + set to
// move the key to the end, three hash operations per event), none when it follows its own last
// event (one packet seen at several observation points). The caller may attach a value to the
// connection it asked about last (the folder: what it counted for it).
import { EDGE_PROTOCOL_INDEX, type EdgeProtocol } from '../model.js';
import { ConnectionMemory, type Entry } from './connection-memory.js';
import { ForgottenConnections } from './forgotten-connections.js';
import { type JoinSpans, MAX_SPANS, MIN_SPANS, NOT_WITHIN, type Span, WIDENED, joinSpans, within } from './connection-spans.js';

/** Most addresses numbered at once. */
export const MAX_ADDRESSES = 2 ** 20;
const PORTS = 0x10000;

export interface RecentOptions {
  /** Most connections remembered. */
  maxConnections: number;
  /** The latest this many are remembered however old; past them, those older than `windowMs` before the event are forgotten. */
  keepConnections: number;
  windowMs: number;
  maxAddresses: number;
  /** Earlier spans kept over all connections, past MIN_SPANS each (see connection-spans.ts). */
  maxSpans: number;
}

/** Connections seen lately, bounded in number and in time, each with a value the caller attached. */
export class RecentConnections<T> {
  private readonly memory: ConnectionMemory<T>;
  /** The spans memory forgot, to notice an event that repeats one (see `recounted`). */
  private readonly forgotten: ForgottenConnections;
  /** Address text (IP, or identity and pod) → number; cleared with the memory when full. */
  private readonly addresses = new Map<string, number>();
  /** What addressPair gave last (set again whenever the table is cleared, so its number stays valid). */
  private readonly last: { a: string | undefined; b: string | undefined; pair: number } = { a: undefined, b: undefined, pair: 0 };

  /** keepConnections, at most maxConnections. */
  readonly keep: number;
  /** The span `repeat` matched or started last: what `attached` and `attach` are about. */
  private matched: Span<T> | undefined;

  /** Spans `repeat` started: new connections, and new uses of remembered ones. */
  started = 0;
  /**
   * Of those, the ones whose event may belong to a span forgotten before it came (another file's
   * copy of a connection, past keepConnections): counted again where one would have folded.
   */
  recounted = 0;

  /** False when some forgotten spans are no longer known, so `recounted` may fall short. */
  get recountComplete(): boolean {
    return this.forgotten.complete;
  }

  /** `onJoin`: two spans of one connection became one (see connection-spans.ts). */
  constructor(private readonly opts: RecentOptions, private readonly onJoin?: JoinSpans<T>) {
    this.keep = Math.min(opts.keepConnections, opts.maxConnections);
    const forgotten = (this.forgotten = new ForgottenConnections(opts.windowMs));
    this.memory = new ConnectionMemory<T>((e) => {
      forgotten.add(e.outer, e.inner, e.first, e.time);
      for (const span of e.older ?? []) forgotten.add(e.outer, e.inner, span.first, span.time);
    });
  }

  /**
   * Record the connection at `time`; true when it was already seen within `window` of the span
   * of its events so far (first to last): another node's file, read after this one, repeats
   * every event of a long-lived connection however far this file went past them. Otherwise the
   * event starts a new span (the same addresses and ports used again after a gap), and the
   * earlier spans are kept (see MIN_SPANS) for the next file's copies of them, and
   * spans that another file's events bring within `window` of each other become one (joinSpans).
   * Ports are 0..65535.
   * Memory: the `keepConnections` most recently seen are remembered whatever their age, as the
   * next file (another node's export) goes back in time to them; past that number, those seen
   * more than `windowMs` before this event are forgotten (the window test above would not match
   * them in a file read in time order), least recently seen first; never more than
   * `maxConnections`. What is forgotten depends on the connections seen, in order, and nothing else.
   */
  repeat(protocol: EdgeProtocol, src: string, srcPort: number, dst: string, port: number, time: number, window: number): boolean {
    const memory = this.memory;
    const outer = this.addressPair(src, dst);
    const inner = (EDGE_PROTOCOL_INDEX[protocol] * PORTS + srcPort) * PORTS + port;
    const entry = memory.touch(outer, inner, time);
    if (memory.size > this.keep) memory.evict(this.opts.maxConnections, this.keep, time - this.opts.windowMs);
    this.matched = entry ?? memory.newest;
    if (entry === undefined) return this.start(outer, inner, time, window);
    const older = entry.older;
    let span: Span<T> = entry;
    let seen = within(entry, time, window);
    if (seen === NOT_WITHIN && older !== undefined) {
      for (const other of older) {
        seen = within(other, time, window);
        if (seen === NOT_WITHIN) continue;
        span = other;
        break;
      }
    }
    if (seen !== NOT_WITHIN) {
      this.matched = seen === WIDENED && older !== undefined ? this.join(entry, span, older, window) : span;
      return true;
    }
    const spans = older ?? (entry.older = []);
    spans.push({ first: entry.first, time: entry.time, value: entry.value });
    if (spans.length > MAX_SPANS || (spans.length > MIN_SPANS && memory.spans >= this.opts.maxSpans)) {
      const gone = dropFarthest(spans, time);
      this.forgotten.add(outer, inner, gone.first, gone.time);
    } else memory.spans++;
    entry.first = entry.time = time;
    entry.value = undefined;
    return this.start(outer, inner, time, window);
  }

  /** A new span of connection (outer, inner) starts at `time`: count it, and whether it may repeat a forgotten one. Returns false (not a repeat). */
  private start(outer: number, inner: number, time: number, window: number): false {
    this.started++;
    if (this.forgotten.has(outer, inner, time, window)) this.recounted++;
    return false;
  }

  /** joinSpans, keeping count of the spans it leaves. */
  private join(entry: Entry<T>, span: Span<T>, older: Span<T>[], window: number): Span<T> {
    const before = older.length;
    const joined = joinSpans(entry, span, window, this.onJoin);
    this.memory.spans -= before - older.length;
    return joined;
  }

  /** The value attached to the span `repeat` matched or started last (undefined: none yet). */
  get attached(): T | undefined {
    return this.matched?.value;
  }

  /** Attach `value` to the span `repeat` matched or started last. */
  attach(value: T): void {
    if (this.matched !== undefined) this.matched.value = value;
  }

  /** Both addresses as one number. When the table is full, it and the connections are forgotten (at worst a few repeats then count as new). */
  private addressPair(a: string, b: string): number {
    const last = this.last;
    if (a === last.a && b === last.b) return last.pair; // the same connection's next event
    const ids = this.addresses;
    if (ids.size >= Math.min(this.opts.maxAddresses, MAX_ADDRESSES) - 1) {
      ids.clear();
      this.memory.clear();
      this.forgotten.clear();
    }
    let x = ids.get(a);
    if (x === undefined) ids.set(a, (x = ids.size));
    let y = ids.get(b);
    if (y === undefined) ids.set(b, (y = ids.size));
    last.a = a;
    last.b = b;
    last.pair = x * MAX_ADDRESSES + y;
    return last.pair;
  }
}

/**
 * Forget the span farthest in time from `time` (the event that started a new one). Read in time
 * order that is the oldest; a later node's file goes back in time and walks forward through the
 * spans of the one before, so there it keeps the ones just ahead of it, which its next events
 * join, rather than forgetting each in turn just before it gets there.
 */
function dropFarthest<T>(spans: Span<T>[], time: number): Span<T> {
  let farthest = 0;
  let distance = -1;
  spans.forEach((span, i) => {
    const d = time < span.first ? span.first - time : time - span.time;
    if (d > distance) {
      farthest = i;
      distance = d;
    }
  });
  return spans.splice(farthest, 1)[0] as Span<T>;
}
