// Live flows from Hubble (agent socket or Relay) over gRPC: `observer.Observer/GetFlows` as a
// FlowSource, `ServerStatus`, TLS / mTLS / basic auth, and reconnect with backoff that resumes at
// the last flow time. Same knobs and defaults as the hubble CLI (dial 5 s, unary calls 12 s).
import * as grpc from '@grpc/grpc-js';
import { InputError, OperationalError, UsageError } from '../errors.js';
import type { FlowEvent } from '../model.js';
import type { ReadyFlowSource } from './json-reader.js';
import { eventFromBytes } from './flow-wire.js';
import { RawObserverClient } from './from-proto.js';
import { cause, grpcError, parseServer, tlsCredentials, transportOf, type HubbleConnectOptions, type Transport } from './hubble-connection.js';
import { RELAY_REORDER_MS } from './hubble-limits.js';
import { flowsRequest, type HubbleFlowQuery, type HubbleServerStatus } from './hubble-query.js';
import { ResumeDedupe } from './resume-dedupe.js';
import { flattenBatches, streamBatches } from './stream-batches.js';

export { grpcError } from './hubble-connection.js';
export type { HubbleConnectOptions, HubbleTlsOptions } from './hubble-connection.js';
export { flowsRequest, type HubbleFlowQuery, type HubbleNotice, type HubbleServerStatus } from './hubble-query.js';

export { ALL_FLOWS } from './hubble-limits.js';
// CANCELLED that we did not ask for is the server cutting the stream (e.g. shutting down).
const RETRYABLE = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.ABORTED, grpc.status.CANCELLED]);

/** A connection to one Hubble server (agent or Relay). */
export class HubbleClient {
  private readonly client: RawObserverClient;
  private readonly metadata = new grpc.Metadata();
  private readonly dialTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly calls = new Set<grpc.ClientReadableStream<unknown>>();
  private closed = false;
  private readonly transport: Transport;
  readonly target: string;

  constructor(options: HubbleConnectOptions) {
    const { target, tls } = parseServer(options.server, options.tls);
    this.target = target;
    this.transport = transportOf(tls);
    this.dialTimeoutMs = options.dialTimeoutMs ?? 5000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 12000;
    if (options.basicAuth) {
      if (!tls) throw new UsageError('--basic-auth-username/--basic-auth-password need TLS (--tls or a tls:// server)');
      const token = Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64');
      this.metadata.set('authorization', `Basic ${token}`);
    }
    // A 4 MiB HTTP/2 receive window: with the 64 KiB default a fast stream of small flow messages
    // waits on WINDOW_UPDATE round trips (measured ~1.5x throughput on loopback).
    // grpc-js retries a lost connection on its own backoff (1 s growing to 2 min) and fails calls
    // at once until it succeeds, so our reconnect (250 ms to 5 s) could come after the server was
    // back and still fail: its own reconnects are kept within 1 s.
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc-node.flow_control_window': 4 * 1024 * 1024,
      'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000,
    };
    if (tls?.serverName) channelOptions['grpc.ssl_target_name_override'] = tls.serverName;
    this.client = new RawObserverClient(target, tls ? tlsCredentials(tls) : grpc.credentials.createInsecure(), channelOptions);
  }

  /**
   * Connects within the dial timeout. A connection attempt that fails (refused, TLS rejected)
   * fails at once with its reason, as the hubble CLI does; a silent one times out.
   */
  async connect(): Promise<void> {
    const channel = this.client.getChannel();
    const deadline = Date.now() + this.dialTimeoutMs;
    let state = channel.getConnectivityState(true);
    while (state !== grpc.connectivityState.READY) {
      if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN) {
        await this.serverStatus(1000); // fails fast with the channel's last error
        return;
      }
      const changed = await new Promise<boolean>((resolve) => channel.watchConnectivityState(state, deadline, (err) => resolve(!err)));
      if (!changed) {
        throw new OperationalError('E_HUBBLE_TIMEOUT', `cannot connect to Hubble at ${this.target} within ${this.dialTimeoutMs / 1000} s (is the address right? try --server host:port)`);
      }
      state = channel.getConnectivityState(false);
    }
  }

  /** ServerStatus (ring size, counters, version), with the unary timeout. */
  serverStatus(timeoutMs = this.requestTimeoutMs): Promise<HubbleServerStatus> {
    return new Promise((resolve, reject) => {
      this.client.serverStatus({}, this.metadata, { deadline: Date.now() + timeoutMs }, (err, s) => {
        if (err) return reject(grpcError(err, this.target, this.transport));
        resolve({
          version: s.version, numFlows: Number(s.numFlows), maxFlows: Number(s.maxFlows), seenFlows: Number(s.seenFlows),
          uptimeNs: Number(s.uptimeNs), flowsRate: s.flowsRate, unavailableNodes: s.unavailableNodes,
          ...(s.numConnectedNodes === undefined ? {} : { numConnectedNodes: s.numConnectedNodes }),
          ...(s.numUnavailableNodes === undefined ? {} : { numUnavailableNodes: s.numUnavailableNodes }),
        });
      });
    });
  }

  /**
   * GetFlows as a FlowSource (events already received also come out through takeReady, without a
   * promise each); reconnects with backoff and resumes at the last flow time.
   */
  flows(query: HubbleFlowQuery): ReadyFlowSource {
    let closed = false;
    let wake = (): void => {};
    const self = this;
    async function* events(): AsyncGenerator<FlowEvent[]> {
      const dedupe = new ResumeDedupe();
      const maxReconnects = query.maxReconnects ?? (query.follow ? Infinity : 10);
      let established = false;
      let attempt = 0;
      let brokenAt: number | undefined;
      let yielded = 0;
      // hubble sends no until with follow; the stream ends here once flows are past it (plus Relay's reordering slack).
      const stopAfter = query.follow && query.until !== undefined ? query.until + RELAY_REORDER_MS : undefined;
      // --first N: a resumed request starts at the overlap, whose flows count against the server's N
      // but are dropped here as already yielded; the stream stops at N whatever the server sends.
      const limit = query.first ? query.number : Infinity;
      for (;;) {
        if (yielded >= limit) return;
        const resumeAt = dedupe.resumeAt();
        const request = flowsRequest(
          resumeAt === undefined ? query : { ...query, since: resumeAt, number: query.first ? limit - yielded + dedupe.resent : 0 },
        );
        const call = self.client.getFlows(request, self.metadata);
        self.calls.add(call);
        call.once('metadata', () => (established = true));
        try {
          for await (const batch of streamBatches<Buffer>(call)) {
            established = true;
            const out: FlowEvent[] = [];
            for (const bytes of batch) {
              const event = eventFromBytes(bytes);
              if (event.kind === 'flow') {
                if (!dedupe.accept(event.flow)) continue;
                if (stopAfter !== undefined && event.flow.time > stopAfter) {
                  if (out.length > 0) yield out;
                  return; // --follow --until: the stream is past the window
                }
              } else if (event.kind === 'node-status' && (event.status.state === 'NODE_UNAVAILABLE' || event.status.state === 'NODE_ERROR')) {
                query.onNotice?.({ kind: 'node-problem', status: event.status });
              }
              if (brokenAt !== undefined) {
                query.onNotice?.({ kind: 'resumed', since: resumeAt, downMs: Date.now() - brokenAt });
                brokenAt = undefined;
                attempt = 0;
              }
              if (event.kind === 'flow' && yielded === limit) break;
              if (event.kind === 'flow') yielded++;
              out.push(event);
            }
            if (out.length > 0) yield out;
            if (yielded >= limit) return;
          }
          return;
        } catch (err) {
          if (err instanceof InputError) {
            throw new OperationalError('E_HUBBLE_PROTOCOL', `Hubble at ${self.target} sent a GetFlows response flowpol cannot read: ${err.reason}`);
          }
          const e = err as grpc.ServiceError;
          if (closed || self.closed) return;
          // A first call that fails is an answer (wrong server, refused), except under --follow: a
          // quiet stream gets no headers before its first flow, yet a server that goes away then
          // must be waited for like any other (the channel connected before flows() was called).
          const retry = (established || query.follow) && RETRYABLE.has(e.code) && attempt < maxReconnects;
          if (!retry) throw grpcError(e, self.target, self.transport);
          attempt++;
          brokenAt ??= Date.now();
          const delayMs = Math.min(250 * 2 ** (attempt - 1), 5000);
          query.onNotice?.({ kind: 'reconnecting', attempt, delayMs, reason: cause(e) });
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, delayMs);
            wake = () => (clearTimeout(timer), resolve()); // close() during the backoff ends at once
          });
          if (closed || self.closed) return;
          if (query.first && yielded >= query.number) return;
        } finally {
          self.calls.delete(call);
          call.cancel();
        }
      }
    }
    const iterator = flattenBatches(events());
    return {
      [Symbol.asyncIterator]: () => iterator,
      takeReady: () => iterator.take(),
      close: () => {
        closed = true;
        wake();
        for (const call of self.calls) call.cancel();
      },
    };
  }

  /** Cancels open streams and closes the channel. */
  close(): void {
    this.closed = true;
    for (const call of this.calls) call.cancel();
    this.client.close();
  }
}
