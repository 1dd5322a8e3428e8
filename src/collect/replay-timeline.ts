// The recording `flowpol replay` serves, played as a live agent's ring: each event encoded once
// into its GetFlowsResponse bytes (sent as they are), next to the little the server-side
// selection looks at; which events are observed by now, loop passes and pacing.
import type { FlowEvent } from '../model.js';
import type { SelectionView } from './flow-selection.js';
import { decodeResponse, encodeResponse, eventToResponse, msToTimestamp, timestampToMs } from './from-proto.js';
import { readFlowFile } from './json-reader.js';
import type { ReplayServerOptions } from './replay-server.js';

/** One recorded event: its bytes on the wire and what the server-side filters look at. */
export interface Entry {
  time: number;
  isFlow: boolean;
  bytes: Buffer;
  /** What selectors look at; undefined for lost events and node status (never filtered). */
  view: SelectionView | undefined;
}

/**
 * Every event of the recordings, in the order a Relay would give them: several recordings (one
 * per node, say) merged by time, each one's own order kept. The merge key of an event is the
 * latest time its file reached so far, so an untimed event (node status) or one a little out of
 * order stays where its file has it.
 */
export async function loadRecordings(files: string[]): Promise<Entry[]> {
  const keyed: { entry: Entry; key: number; file: number; index: number }[] = [];
  for (const [file, name] of files.entries()) {
    let key = -Infinity;
    for await (const event of readFlowFile(name, { skipInvalid: false })) {
      const entry = toEntry(event);
      if (entry === undefined) continue;
      if (entry.time > key) key = entry.time;
      keyed.push({ entry, key, file, index: keyed.length });
    }
  }
  if (files.length > 1) keyed.sort((a, b) => a.key - b.key || a.file - b.file || a.index - b.index);
  return keyed.map((k) => k.entry);
}

function toEntry(event: FlowEvent): Entry | undefined {
  const response = eventToResponse(event);
  if (!response) return undefined;
  const f = event.kind === 'flow' ? event.flow : undefined;
  return {
    time: f?.time ?? (event.kind === 'lost' ? (event.lost.time ?? 0) : 0),
    isFlow: f !== undefined,
    bytes: encodeResponse(response),
    view: f && { observedVerdict: f.observedVerdict, source: endView(f.source), destination: endView(f.destination) },
  };
}

/** The recording played as a live ring: which events are observed by now, loops, pacing. */
export class Timeline {
  private readonly startedAt = Date.now();
  private readonly span: number;
  private readonly first: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Flows in the recording (other events excluded). */
  private readonly flowCount: number = 0;

  constructor(readonly entries: Entry[], private readonly options: ReplayServerOptions) {
    let min = Infinity;
    let max = -Infinity;
    for (const e of entries) {
      if (!e.isFlow) continue;
      this.flowCount++;
      min = Math.min(min, e.time);
      max = Math.max(max, e.time);
    }
    this.span = max < min ? 1000 : max - min + 1000;
    this.first = max < min ? 0 : min;
  }

  /** Index one past the last observed event (events of later loop passes continue the count). */
  observed(): number {
    const total = this.entries.length;
    if (this.options.rate === undefined) return total;
    const n = Math.floor(((Date.now() - this.startedAt) * this.options.rate) / 1000);
    return this.options.loop ? n : Math.min(n, total);
  }

  ringStart(hi: number): number {
    // Without --ring-size the ring holds one pass of the recording: with --loop, earlier passes
    // drop out as a full ring's oldest flows do (and ServerStatus reports that capacity).
    return Math.max(0, hi - (this.options.ringSize ?? this.entries.length));
  }

  /** Whether index i exists at all (recording not exhausted, or looping). */
  exists(i: number): boolean {
    return i < this.entries.length || (this.options.loop === true && this.entries.length > 0);
  }

  /** Event i; later loop passes are re-encoded with times shifted by whole passes. */
  entry(i: number): Entry {
    const total = this.entries.length;
    const base = this.entries[i % total] as Entry;
    const pass = Math.floor(i / total);
    if (pass === 0) return base;
    const shift = pass * this.span;
    const r = decodeResponse(base.bytes);
    if (r.time) r.time = msToTimestamp(timestampToMs(r.time) + shift);
    if (r.responseTypes?.$case === 'flow' && r.responseTypes.value.time) {
      r.responseTypes.value.time = msToTimestamp(timestampToMs(r.responseTypes.value.time) + shift);
    }
    return { ...base, time: base.time + shift, bytes: encodeResponse(r) };
  }

  /** Where a `since` starts: index 0, or with --loop the start of the pass that reaches `since`. */
  firstPassIndex(since: number): number {
    if (!this.options.loop || this.entries.length === 0) return 0;
    return Math.max(0, Math.floor((since - this.first) / this.span)) * this.entries.length;
  }

  /** Resolves when event i is observed (at once without a rate); false once stopped. */
  async waitObserved(i: number): Promise<boolean> {
    const rate = this.options.rate;
    if (rate === undefined) return !this.stopped; // unpaced: later loop passes are there as soon as asked for
    while (!this.stopped && i >= this.observed()) {
      const due = this.startedAt + ((i + 1) * 1000) / rate - Date.now();
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (this.timers.delete(t), resolve()), Math.max(1, due));
        this.timers.add(t);
      });
    }
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  /** After the recording: keep follow streams open until the client leaves (server --follow). */
  async idle(isCancelled: () => boolean): Promise<void> {
    if (!this.options.follow) return;
    while (!isCancelled() && !this.stopped) await new Promise((r) => setTimeout(r, 200));
  }

  status(version: string) {
    const hi = this.observed();
    const lo = this.ringStart(hi);
    const uptimeMs = Date.now() - this.startedAt;
    let inRing = 0;
    for (let i = lo; i < hi; i++) if ((this.entries[i % this.entries.length] as Entry).isFlow) inRing++;
    return {
      numFlows: BigInt(inRing), maxFlows: BigInt(this.options.ringSize ?? this.flowCount), seenFlows: BigInt(hi),
      uptimeNs: BigInt(uptimeMs) * 1_000_000n, numConnectedNodes: undefined, numUnavailableNodes: undefined,
      unavailableNodes: [], version, flowsRate: this.options.rate ?? (uptimeMs > 0 ? (hi * 1000) / uptimeMs : 0),
    };
  }
}


const endView = (e: SelectionView['source']): SelectionView['source'] => ({ namespace: e.namespace, podName: e.podName, labels: e.labels });
