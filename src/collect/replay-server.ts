// `flowpol replay`: a Hubble Observer server (GetFlows, ServerStatus) that plays recorded flows
// as if they were a live agent's ring. Recordings are read with the JSON reader and encoded once;
// with a rate they become "observed" over time (the ring fills as a live one would), else all at
// once. GetFlows follows hubble's selection (§C): number (last N / first N), since, until,
// follow, whitelist/blacklist on source_pod / destination_pod (`ns/prefix`) and verdict.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { OperationalError, UsageError } from '../errors.js';
import type { FlowEvent } from '../model.js';
import {
  decodeResponse, encodeResponse, eventToResponse, GetFlowsRequest, msToTimestamp, ObserverService, timestampToMs,
  VERDICTS, type ProtoFlowFilter,
} from './from-proto.js';
import { readFlowFile } from './json-reader.js';

export interface ReplayServerOptions {
  recordings: string[];
  /** `host:port` (port 0 picks a free one; non-loopback hosts need `allowRemote`) or `unix:///path`. */
  listen: string;
  allowRemote?: boolean;
  /** Flows per second entering the ring; undefined = the whole recording is there at start. */
  rate?: number;
  /** Keep follow streams open after the recording ended (else they end like EOF). */
  follow?: boolean;
  /** Start the recording again after its end, times shifted past the previous pass. */
  loop?: boolean;
  /** Ring capacity (hubble's max_flows); default: the whole recording. */
  ringSize?: number;
  tls?: { certFile: string; keyFile: string; clientCaFiles: string[] };
  basicAuth?: { username: string; password: string };
  version?: string;
}

export interface ReplayServer {
  /** `host:port` with the real port, or the `unix://` address. */
  address: string;
  port: number;
  /** Events loaded from the recordings (flows + lost events + node status). */
  events: number;
  /** Stops serving at once; open streams are cut, not ended. */
  close(): Promise<void>;
}

/** One recorded event: its bytes on the wire and what the server-side filters look at. */
interface Entry {
  time: number;
  isFlow: boolean;
  bytes: Buffer;
  srcNs: string; srcPod: string; dstNs: string; dstPod: string; verdict: string;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[?::1\]?)$/;

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const unix = options.listen.startsWith('unix:');
  const { host, port } = unix ? { host: options.listen, port: 0 } : parseListen(options.listen);
  if (!unix && !LOOPBACK.test(host) && !options.allowRemote) {
    throw new UsageError(`refusing to listen on ${options.listen}: not a loopback address (add --allow-remote to serve other hosts)`);
  }
  const timeline = new Timeline(await loadRecordings(options.recordings), options);
  const server = new grpc.Server();
  const service = { ...ObserverService, getFlows: { ...ObserverService.getFlows, responseSerialize: (b: Buffer) => b } };
  server.addService(service as unknown as grpc.ServiceDefinition, {
    getFlows: (call: grpc.ServerWritableStream<GetFlowsRequest, Buffer>) => {
      if (!authorized(call.metadata, options)) return call.destroy(unauthenticated());
      serveFlows(call, timeline).catch((err: unknown) => call.destroy(err as Error));
    },
    serverStatus: (call: grpc.ServerUnaryCall<unknown, unknown>, reply: grpc.sendUnaryData<unknown>) => {
      if (!authorized(call.metadata, options)) return reply(unauthenticated());
      reply(null, timeline.status(options.version ?? 'flowpol-replay'));
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(unix ? host : `${host}:${port}`, serverCredentials(options.tls), (err, p) =>
      err ? reject(new OperationalError('E_LISTEN', `cannot listen on ${options.listen}: ${err.message}`)) : resolve(p)),
  );
  return {
    address: unix ? host : `${host}:${bound}`,
    port: bound,
    events: timeline.entries.length,
    // Like a killed agent: open streams are cut (clients see UNAVAILABLE and may reconnect).
    close: async () => {
      server.forceShutdown();
      timeline.stop();
    },
  };
}

async function loadRecordings(files: string[]): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const file of files) {
    for await (const event of readFlowFile(file, { skipInvalid: false })) {
      const entry = toEntry(event);
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

function toEntry(event: FlowEvent): Entry | undefined {
  const response = eventToResponse(event);
  if (!response) return undefined;
  const f = event.kind === 'flow' ? event.flow : undefined;
  return {
    time: f?.time ?? (event.kind === 'lost' ? (event.lost.time ?? 0) : 0),
    isFlow: f !== undefined,
    bytes: encodeResponse(response),
    srcNs: f?.source.namespace ?? '', srcPod: f?.source.podName ?? '',
    dstNs: f?.destination.namespace ?? '', dstPod: f?.destination.podName ?? '', verdict: f?.observedVerdict ?? '',
  };
}

/** The recording played as a live ring: which events are observed by now, loops, pacing. */
class Timeline {
  private readonly startedAt = Date.now();
  private readonly span: number;
  private readonly first: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly entries: Entry[], private readonly options: ReplayServerOptions) {
    let min = Infinity;
    let max = -Infinity;
    for (const e of entries) {
      if (!e.isFlow) continue;
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
    return Math.max(0, hi - (this.options.ringSize ?? Infinity));
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
    const flowCount = this.entries.filter((e) => e.isFlow).length;
    return {
      numFlows: BigInt(inRing), maxFlows: BigInt(this.options.ringSize ?? flowCount), seenFlows: BigInt(hi),
      uptimeNs: BigInt(uptimeMs) * 1_000_000n, numConnectedNodes: undefined, numUnavailableNodes: undefined,
      unavailableNodes: [], version, flowsRate: this.options.rate ?? (uptimeMs > 0 ? (hi * 1000) / uptimeMs : 0),
    };
  }
}

/** One GetFlows call: the selected history from the ring, then (follow) new events as observed. */
async function serveFlows(call: grpc.ServerWritableStream<GetFlowsRequest, Buffer>, timeline: Timeline): Promise<void> {
  const req = call.request;
  if (req.first && req.follow) throw status(grpc.status.INVALID_ARGUMENT, 'first cannot be combined with follow');
  const allowed = compileFilters(req.whitelist, req.blacklist);
  const since = req.since ? timestampToMs(req.since) : undefined;
  const until = req.until ? timestampToMs(req.until) : undefined;
  const wanted = (e: Entry) => !e.isFlow || (allowed(e) && (since === undefined || e.time >= since) && (until === undefined || e.time <= until));
  let cancelled = false;
  call.on('cancelled', () => (cancelled = true));
  const send = async (e: Entry) => {
    if (!call.write(e.bytes)) await once(call, 'drain');
  };

  const hi = timeline.observed();
  const lo = timeline.ringStart(hi);
  const number = Number(req.number > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : req.number);
  let start = hi;
  if (since !== undefined) start = Math.max(lo, timeline.firstPassIndex(since));
  else if (number > 0 && req.first) start = lo;
  else if (number > 0) {
    let found = 0;
    for (start = hi; start > lo && found < number; ) {
      const e = timeline.entry(--start);
      if (e.isFlow && wanted(e)) found++;
    }
  }
  const limit = req.first && number > 0 ? number : Infinity;
  let sent = 0;
  let i = start;
  for (; i < hi && sent < limit && !cancelled; i++) {
    const e = timeline.entry(i);
    if (!wanted(e)) continue;
    await send(e);
    if (e.isFlow) sent++;
  }
  if (req.follow) {
    for (; !cancelled && timeline.exists(i); i++) {
      if (!(await timeline.waitObserved(i))) break;
      const e = timeline.entry(i);
      if (wanted(e)) await send(e);
    }
    await timeline.idle(() => cancelled);
  }
  if (!cancelled) call.end();
}

/** Hubble FlowFilter semantics for the fields replay implements; others are refused. */
function compileFilters(whitelist: ProtoFlowFilter[], blacklist: ProtoFlowFilter[]): (e: Entry) => boolean {
  const compile = (f: ProtoFlowFilter) => {
    for (const [field, value] of Object.entries(f)) {
      const supported = field === 'sourcePod' || field === 'destinationPod' || field === 'verdict';
      if (!supported && Array.isArray(value) && value.length > 0) {
        throw status(grpc.status.INVALID_ARGUMENT, `flowpol replay does not implement the FlowFilter field ${field}`);
      }
    }
    const verdicts = new Set(f.verdict.map((v) => VERDICTS.name(v)));
    return (e: Entry) =>
      (f.sourcePod.length === 0 || f.sourcePod.some((p) => podMatches(p, e.srcNs, e.srcPod))) &&
      (f.destinationPod.length === 0 || f.destinationPod.some((p) => podMatches(p, e.dstNs, e.dstPod))) &&
      (verdicts.size === 0 || verdicts.has(e.verdict as never));
  };
  const white = whitelist.map(compile);
  const black = blacklist.map(compile);
  return (e) => (white.length === 0 || white.some((m) => m(e))) && !black.some((m) => m(e));
}

/** `ns/prefix`, `ns/` (whole namespace) or `/prefix` (any namespace); no slash = pod prefix. */
function podMatches(pattern: string, ns: string, pod: string): boolean {
  const slash = pattern.indexOf('/');
  const wantNs = slash < 0 ? '' : pattern.slice(0, slash);
  const prefix = slash < 0 ? pattern : pattern.slice(slash + 1);
  return (wantNs === '' || wantNs === ns) && (prefix === '' ? ns !== '' : pod.startsWith(prefix));
}

function authorized(metadata: grpc.Metadata, options: ReplayServerOptions): boolean {
  if (!options.basicAuth) return true;
  const { username, password } = options.basicAuth;
  return metadata.get('authorization')[0] === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

const status = (code: grpc.status, details: string): grpc.ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
const unauthenticated = () => status(grpc.status.UNAUTHENTICATED, 'wrong or missing basic auth credentials');

function serverCredentials(tls: ReplayServerOptions['tls']): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const read = (f: string) => {
    try {
      return readFileSync(f);
    } catch (err) {
      throw new OperationalError('E_TLS_FILE', `cannot read ${f}: ${(err as Error).message}`);
    }
  };
  const ca = tls.clientCaFiles.length > 0 ? Buffer.concat(tls.clientCaFiles.map(read)) : null;
  return grpc.ServerCredentials.createSsl(ca, [{ private_key: read(tls.keyFile), cert_chain: read(tls.certFile) }], ca !== null);
}

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m || m[1] === '') throw new UsageError(`--listen ${listen}: expected host:port, e.g. 127.0.0.1:4245`);
  return { host: m[1] as string, port: Number(m[2]) };
}
