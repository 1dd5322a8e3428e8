// `flowpol replay`: a Hubble Observer server (GetFlows, ServerStatus) that plays recorded flows
// as if they were a live agent's ring. Recordings are read with the JSON reader and encoded once;
// with a rate they become "observed" over time (the ring fills as a live one would), else all at
// once. GetFlows follows hubble's selection (§C): number (last N / first N), since, until,
// follow, whitelist/blacklist on source/destination pod, source/destination label and verdict.
import * as grpc from '@grpc/grpc-js';
import { OperationalError, UsageError } from '../errors.js';
import { compileSelectors, type FlowSelector } from './flow-selection.js';
import { GetFlowsRequest, ObserverService, timestampToMs, type ProtoFlowFilter } from './from-proto.js';
import { selectorFromProto } from './proto-filter.js';
import { loadRecordings, Timeline, type Entry } from './replay-timeline.js';
import { readCaFiles, readKeyPair } from './tls-files.js';

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
  /** Ring capacity (hubble's max_flows); default: the whole recording (with loop: one pass of it, the older passes drop out). */
  ringSize?: number;
  tls?: { certFile: string; keyFile: string; clientCaFiles: string[] };
  basicAuth?: { username: string; password: string };
  version?: string;
  /** Called when a GetFlows stream ends (completed or cancelled) with what it sent. */
  onServed?: (served: ServedStream) => void;
}

/** What one GetFlows stream sent: flows, and other events (lost events, node status). */
export interface ServedStream { flows: number; otherEvents: number; cancelled: boolean }

export interface ReplayServer {
  /** `host:port` with the real port, or the `unix://` address. */
  address: string;
  port: number;
  /** Events loaded from the recordings (flows + lost events + node status). */
  events: number;
  /** Stops serving at once; open streams are cut, not ended. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[?::1\]?)$/;

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const unix = options.listen.startsWith('unix:');
  const { host, port } = unix ? { host: options.listen, port: 0 } : parseListen(options.listen);
  if (!unix && !LOOPBACK.test(host) && !options.allowRemote) {
    throw new UsageError(`refusing to listen on ${options.listen}: not a loopback address (add --allow-remote to serve other hosts)`);
  }
  const credentials = serverCredentials(options.tls); // bad TLS files fail before the recordings are read
  const timeline = new Timeline(await loadRecordings(options.recordings), options);
  const server = new grpc.Server();
  const service = { ...ObserverService, getFlows: { ...ObserverService.getFlows, responseSerialize: (b: Buffer) => b } };
  server.addService(service as unknown as grpc.ServiceDefinition, {
    getFlows: (call: grpc.ServerWritableStream<GetFlowsRequest, Buffer>) => {
      // A server stream ends with an error status through its 'error' event (grpc-js sends it as
      // the trailers); destroy() would tear the stream down first, and the client would hear nothing.
      if (!authorized(call.metadata, options)) return void call.emit('error', unauthenticated());
      serveFlows(call, timeline, options.onServed).catch((err: unknown) => call.emit('error', err));
    },
    serverStatus: (call: grpc.ServerUnaryCall<unknown, unknown>, reply: grpc.sendUnaryData<unknown>) => {
      if (!authorized(call.metadata, options)) return reply(unauthenticated());
      reply(null, timeline.status(options.version ?? 'flowpol-replay'));
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(unix ? host : `${host}:${port}`, credentials, (err, p) =>
      err ? reject(listenError(options.listen, err.message)) : resolve(p)),
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

/** One GetFlows call: the selected history from the ring, then (follow) new events as observed. */
async function serveFlows(call: grpc.ServerWritableStream<GetFlowsRequest, Buffer>, timeline: Timeline, onServed: ReplayServerOptions['onServed']): Promise<void> {
  const req = call.request;
  if (req.first && req.follow) throw status(grpc.status.INVALID_ARGUMENT, 'first cannot be combined with follow');
  const allowed = compileFilters(req.whitelist, req.blacklist);
  const since = req.since ? timestampToMs(req.since) : undefined;
  const until = req.until ? timestampToMs(req.until) : undefined;
  const wanted = (e: Entry) => !e.isFlow || (allowed(e) && (since === undefined || e.time >= since) && (until === undefined || e.time <= until));
  let cancelled = false;
  call.on('cancelled', () => (cancelled = true));
  const served: ServedStream = { flows: 0, otherEvents: 0, cancelled: false };
  // true when the stream's buffer is full: the caller then awaits 'drain' (no promise per message).
  const send = (e: Entry): boolean => {
    if (e.isFlow) served.flows++;
    else served.otherEvents++;
    return !call.write(e.bytes);
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
  // As Cilium's events reader: a count stops the history read forward (first N, or N from since).
  const limit = number > 0 && (req.first || since !== undefined) ? number : Infinity;
  let sent = 0;
  let i = start;
  for (; i < hi && sent < limit && !cancelled; i++) {
    const e = timeline.entry(i);
    if (!wanted(e)) continue;
    if (send(e)) await writable(call);
    if (e.isFlow) sent++;
  }
  if (req.follow) {
    for (; !cancelled && timeline.exists(i); i++) {
      if (!(await timeline.waitObserved(i))) break;
      const e = timeline.entry(i);
      if (wanted(e) && send(e)) await writable(call);
    }
    await timeline.idle(() => cancelled);
  }
  if (!cancelled) call.end();
  onServed?.({ ...served, cancelled });
}

/**
 * Resolves when the stream takes writes again ('drain') or never will (cancelled by the client,
 * closed, failed): waiting for 'drain' alone would hang a stream cancelled with a full buffer.
 */
function writable(call: grpc.ServerWritableStream<GetFlowsRequest, Buffer>): Promise<void> {
  if (call.cancelled || call.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const events = ['drain', 'cancelled', 'close', 'error'] as const;
    const done = (): void => {
      for (const e of events) call.off(e, done);
      resolve();
    };
    for (const e of events) call.on(e, done);
  });
}

/** Hubble FlowFilter semantics (flow-selection.ts) for the fields replay implements; others are refused. */
function compileFilters(whitelist: ProtoFlowFilter[], blacklist: ProtoFlowFilter[]): (e: Entry) => boolean {
  const selectors = (filters: ProtoFlowFilter[]): FlowSelector[] =>
    filters.map((f) => {
      const s = selectorFromProto(f);
      if ('unsupported' in s) throw status(grpc.status.INVALID_ARGUMENT, `flowpol replay does not implement the FlowFilter field ${s.unsupported}`);
      return s;
    });
  const white = selectors(whitelist);
  const black = selectors(blacklist);
  let matches: ReturnType<typeof compileSelectors>;
  try {
    matches = compileSelectors(white, black);
  } catch (err) {
    throw status(grpc.status.INVALID_ARGUMENT, (err as Error).message); // a label selector it cannot read
  }
  return (e) => e.view === undefined || matches(e.view);
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
  const ca = readCaFiles(tls.clientCaFiles, '--tls-client-ca-files');
  const pair = readKeyPair({ file: tls.certFile, flag: '--tls-cert-file' }, { file: tls.keyFile, flag: '--tls-key-file' });
  return grpc.ServerCredentials.createSsl(ca, [{ private_key: pair.key, cert_chain: pair.cert }], ca !== null);
}

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m || m[1] === '') throw new UsageError(`--listen ${listen}: expected host:port, e.g. 127.0.0.1:4245`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`--listen ${listen}: port ${m[2] ?? ''} is not a port number (0-65535; 0 picks a free one)`);
  return { host: m[1] as string, port };
}

/** grpc-js says why a bind failed inside a list of resolver errors; name the usual cause plainly. */
function listenError(listen: string, message: string): OperationalError {
  const why = /EADDRINUSE/.test(message) ? 'the address is already in use (another replay or Hubble? pick another port, or 0 for a free one)'
    : /EACCES/.test(message) ? 'permission denied (ports below 1024 need privileges)'
    : message;
  return new OperationalError('E_LISTEN', `cannot listen on ${listen}: ${why}`);
}
