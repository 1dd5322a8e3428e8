// The live path end to end over real gRPC on 127.0.0.1:0: replay-server serves a recording,
// HubbleClient reads it. No grpc-js mocks.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesFilter } from '../../../src/collect/filter.js';
import { ALL_FLOWS, flowsRequest, HubbleClient, type HubbleFlowQuery, type HubbleNotice } from '../../../src/collect/hubble-client.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { startReplayServer, type ReplayServer, type ReplayServerOptions, type ServedStream } from '../../../src/collect/replay-server.js';
import { RawObserverClient } from '../../../src/collect/from-proto.js';
import { ResumeDedupe } from '../../../src/collect/resume-dedupe.js';
import * as grpc from '@grpc/grpc-js';
import { compareText } from '../../../src/order.js';
import type { Flow, FlowEvent } from '../../../src/model.js';
import { writeFlowFile } from '../../support/flow-generator.js';
import { makePki, type Pki } from './certs.js';

const PUBLIC = new URL('../../../../shared/recorded-flows-public/', import.meta.url).pathname;
let dir: string;
let recording: string;
let pki: Pki;
const servers: ReplayServer[] = [];
const clients: HubbleClient[] = [];

async function readAll(file: string): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  for await (const e of readFlowFile(file, { skipInvalid: false })) if (e.kind !== 'other') out.push(e);
  return out;
}

async function serve(options: Partial<ReplayServerOptions> & { recordings?: string[] } = {}): Promise<ReplayServer> {
  const s = await startReplayServer({ recordings: [recording], listen: '127.0.0.1:0', ...options });
  servers.push(s);
  return s;
}

function client(server: string, extra: Partial<ConstructorParameters<typeof HubbleClient>[0]> = {}): HubbleClient {
  const c = new HubbleClient({ server, ...extra });
  clients.push(c);
  return c;
}

async function fetchAll(c: HubbleClient, q: Partial<HubbleFlowQuery> = {}): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  for await (const e of c.flows({ number: ALL_FLOWS, follow: false, namespaces: [], ...q })) out.push(e);
  return out;
}

/** How far --loop shifts each pass: the recording's time range plus 1 s. */
const passSpan = (flows: Flow[]): number => {
  const times = flows.map((f) => f.time);
  return times.reduce((a, b) => Math.max(a, b)) - times.reduce((a, b) => Math.min(a, b)) + 1000;
};
const flowsOf = (events: FlowEvent[]): Flow[] => events.flatMap((e) => (e.kind === 'flow' ? [e.flow] : []));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-grpc-'));
  recording = join(dir, 'flows.jsonl');
  await writeFlowFile(recording, { seed: 7, flows: 3000, namespaces: 6, startTime: Date.UTC(2024, 4, 1), lostEvery: 700 });
  pki = makePki(dir);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('replay → gRPC → HubbleClient', () => {
  it('yields exactly the events the JSON reader yields for the same recording', async () => {
    const s = await serve();
    const got = await fetchAll(client(s.address));
    const want = await readAll(recording);
    expect(want.some((e) => e.kind === 'lost')).toBe(true);
    expect(got).toStrictEqual(want);
  });

  it.skipIf(!existsSync(PUBLIC))('round-trips every public recording unchanged', async () => {
    for (const name of readdirSync(PUBLIC).filter((n) => /\.jsonl?$/.test(n)).sort()) {
      const file = join(PUBLIC, name);
      const s = await serve({ recordings: [file] });
      expect(await fetchAll(client(s.address)), name).toStrictEqual(await readAll(file));
    }
  });

  it('several recordings are one ring in time order, each file\'s own order kept (QA: served file after file, so --last 1 was not the newest flow)', async () => {
    // The recording in time order, split in two by turns (like two nodes' exports), the file whose name sorts first holding the later flows of each pair.
    const timeOf = (line: string): string => (JSON.parse(line) as { flow?: { time?: string } }).flow?.time ?? ''; // RFC 3339, one width: sorts as text
    const lines = readFileSync(recording, 'utf8').trim().split('\n').filter((l) => timeOf(l) !== '').sort((a, b) => compareText(timeOf(a), timeOf(b)));
    const [sorted, later, earlier] = [join(dir, 'sorted.jsonl'), join(dir, 'a-later.jsonl'), join(dir, 'b-earlier.jsonl')];
    writeFileSync(sorted, `${lines.join('\n')}\n`);
    writeFileSync(later, `${lines.filter((_, i) => i % 2 === 1).join('\n')}\n`);
    writeFileSync(earlier, `${lines.filter((_, i) => i % 2 === 0).join('\n')}\n`);
    const s = await serve({ recordings: [later, earlier] });
    const c = client(s.address);
    const all = flowsOf(await readAll(sorted));
    const served = flowsOf(await fetchAll(c));
    expect(served.map((f) => f.time)).toStrictEqual(all.map((f) => f.time));
    expect(flowsOf(await fetchAll(c, { number: 1 }))).toStrictEqual(all.slice(-1));
    expect(flowsOf(await fetchAll(c, { number: 5, first: true }))).toStrictEqual(all.slice(0, 5));
  });

  it('selects like hubble: last N, first N, since/until, namespace whitelist', async () => {
    const s = await serve();
    const c = client(s.address);
    const all = flowsOf(await readAll(recording));
    const times = all.map((f) => f.time);
    expect(flowsOf(await fetchAll(c, { number: 25 }))).toStrictEqual(all.slice(-25));
    expect(flowsOf(await fetchAll(c, { number: 25, first: true }))).toStrictEqual(all.slice(0, 25));
    const since = times[1000] as number;
    const until = times[1999] as number;
    const window = flowsOf(await fetchAll(c, { number: 0, since, until }));
    expect(window).toStrictEqual(all.filter((f) => f.time >= since && f.time <= until));
    // A count with a start time stops there (QA: replay sent everything since), as a Cilium agent does.
    expect(flowsOf(await fetchAll(c, { number: 5, since }))).toStrictEqual(all.filter((f) => f.time >= since).slice(0, 5));
    const ns = flowsOf(await fetchAll(c, { namespaces: ['team-1', 'team-3'] }));
    const expected = all.filter((f) => matchesFilter(f, { namespaces: ['team-1', 'team-3'] }));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(ns).toStrictEqual(expected);
  });

  it('with follow and until, reads on past until for Relay\'s reordering before ending the stream', async () => {
    const s = await serve({ follow: true }); // the stream stays open after the recording: only until ends it
    const all = flowsOf(await readAll(recording));
    const until = (all[1999] as Flow).time;
    const firstPast = all.findIndex((f) => f.time > until);
    expect(all.slice(firstPast).some((f) => f.time <= until)).toBe(true); // the recording is out of order by up to 1 s
    const got = flowsOf(await fetchAll(client(s.address), { number: ALL_FLOWS, follow: true, until }));
    expect(got.filter((f) => f.time <= until)).toStrictEqual(all.filter((f) => f.time <= until));
  });

  it('reports ServerStatus with the ring size, and a small ring only serves its newest flows', async () => {
    const s = await serve({ ringSize: 100 });
    const c = client(s.address);
    await c.connect();
    const status = await c.serverStatus();
    expect(status).toMatchObject({ version: 'flowpol-replay', maxFlows: 100 });
    expect(status.numFlows).toBeLessThanOrEqual(100);
    const got = flowsOf(await fetchAll(c));
    expect(got.length).toBeLessThanOrEqual(100);
    expect(got.at(-1)).toStrictEqual(flowsOf(await readAll(recording)).at(-1));
  });

  it('loops with times shifted past the previous pass', async () => {
    const s = await serve({ loop: true });
    const c = client(s.address);
    const all = flowsOf(await readAll(recording));
    const got: Flow[] = [];
    const source = c.flows({ number: ALL_FLOWS, follow: true, namespaces: [] });
    for await (const e of source) {
      if (e.kind === 'flow') got.push(e.flow);
      if (got.length === all.length * 2 + 5) break;
    }
    source.close();
    const span = passSpan(all);
    expect(got.slice(0, all.length)).toStrictEqual(all);
    const second = got.slice(all.length, all.length * 2);
    // same flows, shifted by one pass (to the microsecond)
    expect(second.every((f, i) => Math.abs(f.time - (all[i] as Flow).time - span) < 0.001)).toBe(true);
    expect(second.map((f) => ({ ...f, time: 0 }))).toStrictEqual(all.map((f) => ({ ...f, time: 0 })));
    expect(Math.min(...second.map((f) => f.time))).toBeGreaterThan(Math.max(...all.map((f) => f.time)));
  });

  it('with --loop, a since in a later pass starts in that pass (so a resumed stream continues)', async () => {
    const s = await serve({ loop: true });
    const all = flowsOf(await readAll(recording));
    const span = passSpan(all);
    const from = (all[10] as Flow).time;
    const source = client(s.address).flows({ number: 0, since: from + span - 0.0005, follow: true, namespaces: [] });
    const got: Flow[] = [];
    for await (const e of source) if (e.kind === 'flow' && got.push(e.flow) === 5) break;
    source.close();
    const expected = all.filter((f) => f.time >= from).slice(0, 5);
    expect(got.map((f) => ({ ...f, time: 0 }))).toStrictEqual(expected.map((f) => ({ ...f, time: 0 })));
    expect(got.every((f, i) => Math.abs(f.time - (expected[i] as Flow).time - span) < 0.001)).toBe(true);
  });

  it('yields Relay node status and lost events, and notices node problems', async () => {
    const file = join(dir, 'relay.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, [
      '{"node_status":{"state_change":"NODE_CONNECTED","node_names":["a","b"]}}',
      '{"node_status":{"state_change":"NODE_UNAVAILABLE","node_names":["c"],"message":"dial tcp: i/o timeout"}}',
      '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"7"},"node_name":"a","time":"2024-05-01T00:00:01Z"}',
      '{"flow":{"time":"2024-05-01T00:00:02Z","verdict":"FORWARDED","source":{"namespace":"x"},"destination":{"namespace":"y"}},"node_name":"a"}',
    ].join('\n'));
    const s = await serve({ recordings: [file] });
    const notices: HubbleNotice[] = [];
    const got = await fetchAll(client(s.address), { onNotice: (n) => notices.push(n) });
    expect(got.map((e) => e.kind)).toEqual(['node-status', 'node-status', 'lost', 'flow']);
    expect(got).toStrictEqual(await readAll(file));
    expect(notices).toEqual([{ kind: 'node-problem', status: { state: 'NODE_UNAVAILABLE', nodeNames: ['c'], message: 'dial tcp: i/o timeout' } }]);
  });

  it('a stream cancelled while the server waits for the client to read ends on the server too', async () => {
    const ended: ServedStream[] = [];
    const big = join(dir, 'big.jsonl'); // ~25 MB on the wire: far more than the HTTP/2 windows and socket buffers hold
    await writeFlowFile(big, { seed: 8, flows: 40_000, startTime: Date.UTC(2024, 4, 1) });
    const s = await serve({ recordings: [big], onServed: (served) => ended.push(served) });
    const raw = new RawObserverClient(s.address, grpc.credentials.createInsecure());
    try {
      // Never read: the flow-control windows fill and the server waits for 'drain', then cancel.
      const call = raw.getFlows(flowsRequest({ number: ALL_FLOWS, follow: false, namespaces: [] }));
      call.on('error', () => undefined);
      await new Promise((r) => setTimeout(r, 300));
      call.cancel();
      for (let waited = 0; ended.length === 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(ended).toHaveLength(1);
      expect(ended[0]?.cancelled).toBe(true);
      expect(ended[0]?.flows).toBeLessThan(40_000);
    } finally {
      raw.close();
    }
  });

  it('refuses what it cannot serve with an INVALID_ARGUMENT status the client receives', async () => {
    const s = await serve();
    const raw = new RawObserverClient(s.address, grpc.credentials.createInsecure());
    const statusOf = (request: ReturnType<typeof flowsRequest>) => new Promise<grpc.StatusObject>((resolve) => {
      const call = raw.getFlows(request);
      call.on('data', () => undefined);
      call.on('error', () => undefined);
      call.on('status', resolve);
    });
    try {
      const firstFollow = await statusOf(flowsRequest({ number: 5, first: true, follow: true, namespaces: [] }));
      expect([firstFollow.code, firstFollow.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'first cannot be combined with follow']);
      const request = flowsRequest({ number: 5, follow: false, namespaces: ['a'] });
      request.whitelist = request.whitelist.map((f) => ({ ...f, sourceIp: ['10.0.0.1'] }));
      const filter = await statusOf(request);
      expect([filter.code, filter.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'flowpol replay does not implement the FlowFilter field sourceIp']);
    } finally {
      raw.close();
    }
  });

  it('works over a unix socket (like the agent socket /var/run/cilium/hubble.sock)', async () => {
    const s = await serve({ listen: `unix://${join(dir, 'hubble.sock')}` });
    expect(s.address).toBe(`unix://${join(dir, 'hubble.sock')}`);
    expect(await fetchAll(client(s.address), { number: 10 })).toStrictEqual((await readAll(recording)).slice(-10));
  });

  it('follows a paced stream and ends when the recording ends', async () => {
    const s = await serve({ rate: 20_000 });
    const got = await fetchAll(client(s.address), { number: 0, follow: true });
    // follow with number 0 starts at "now": only flows observed after the call began arrive
    expect(got.length).toBeGreaterThan(0);
    expect(flowsOf(got).at(-1)).toStrictEqual(flowsOf(await readAll(recording)).at(-1));
  });
});

describe('TLS, mTLS and basic auth', () => {
  const mtls = () => ({ caCertFiles: [pki.ca], clientCertFile: pki.clientCert, clientKeyFile: pki.clientKey, allowInsecure: false });
  let address: string;
  beforeAll(async () => {
    const s = await serve({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFiles: [pki.ca] }, basicAuth: { username: 'u', password: 's3cret-pw' } });
    address = s.address;
  });
  const auth = { username: 'u', password: 's3cret-pw' };

  it('connects with mTLS, a server name from the certificate, and basic auth', async () => {
    const c = client(address, { tls: { ...mtls(), serverName: 'instance.hubble-relay.cilium.io' }, basicAuth: auth });
    await c.connect();
    expect((await fetchAll(c, { number: 5 })).length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['wrong CA', { caCertFiles: [] as string[] }, 'E_HUBBLE_TLS', /not signed by a CA this client trusts: the --tls-ca-cert-files given, else the system's roots/],
    ['wrong server name', { serverName: 'relay.example.org' }, 'E_HUBBLE_TLS', /--tls-server-name/],
    ['missing client cert', { clientCertFile: undefined, clientKeyFile: undefined }, 'E_HUBBLE_TLS', /client certificate/],
  ])('%s is a clear one-line error', async (_name, change, code, message) => {
    const tls = { ...mtls(), ...change };
    if (_name === 'wrong CA') tls.caCertFiles = [pki.otherCa];
    const c = client(address, { tls, basicAuth: auth });
    const err = await c.connect().then(() => undefined, (e: unknown) => e as { code: string; message: string; stack?: string });
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('\n');
  });

  it('a wrong password is E_HUBBLE_AUTH and never shows the password', async () => {
    const c = client(address, { tls: mtls(), basicAuth: { username: 'u', password: 'wrong-pw-123' } });
    const err = await c.serverStatus().then(() => undefined, (e: unknown) => e as { code: string; message: string });
    expect(err?.code).toBe('E_HUBBLE_AUTH');
    expect(err?.message).not.toContain('wrong-pw-123');
  });

  it('a plaintext client against a TLS server is E_HUBBLE_UNAVAILABLE with a --tls hint', async () => {
    const err = await client(address).connect().then(() => undefined, (e: unknown) => e as { code: string; message: string });
    expect(err?.code).toBe('E_HUBBLE_UNAVAILABLE');
    expect(err?.message).toMatch(/--tls/);
  });
});

describe('reconnect', () => {
  it('resumes after the server is killed and restarted: nothing lost, nothing twice, gap reported', async () => {
    const first = await serve({ rate: 2000 });
    const port = first.port;
    const notices: HubbleNotice[] = [];
    const c = client(first.address);
    const got: Flow[] = [];
    let restarted: Promise<void> | undefined;
    for await (const e of c.flows({ number: ALL_FLOWS, follow: true, namespaces: [], onNotice: (n) => notices.push(n) })) {
      if (e.kind !== 'flow') continue;
      got.push(e.flow);
      if (got.length === 500 && !restarted) {
        // kill mid-stream; a new server on the same port has the whole recording in its ring
        restarted = first.close().then(async () => {
          await new Promise((r) => setTimeout(r, 300));
          await serve({ listen: `127.0.0.1:${port}` });
        });
      }
    }
    await restarted;
    const want = flowsOf(await readAll(recording));
    expect(got).toStrictEqual(want);
    expect(notices.map((n) => n.kind)).toContain('reconnecting');
    const resumed = notices.find((n) => n.kind === 'resumed');
    expect(resumed).toMatchObject({ kind: 'resumed' });
    expect(resumed?.kind === 'resumed' && resumed.downMs).toBeGreaterThan(0);
  });

  it('first N resumed after a reconnect: exactly the first N, never a flow twice or out of order', async () => {
    // Larger than the HTTP/2 window, so the server is still sending when it is killed.
    const big = join(dir, 'big.jsonl');
    await writeFlowFile(big, { seed: 8, flows: 30_000, namespaces: 6, startTime: Date.UTC(2024, 4, 1) });
    const first = await serve({ recordings: [big] });
    const port = first.port;
    const notices: HubbleNotice[] = [];
    const got: Flow[] = [];
    let restarted: Promise<unknown> | undefined;
    for await (const e of client(first.address).flows({ number: 20_000, first: true, follow: false, namespaces: [], onNotice: (n) => notices.push(n) })) {
      if (e.kind !== 'flow') continue;
      got.push(e.flow);
      if (got.length === 500 && !restarted) {
        restarted = first.close().then(async () => {
          await new Promise((r) => setTimeout(r, 300));
          await serve({ recordings: [big], listen: `127.0.0.1:${port}` });
        });
        await restarted;
      }
    }
    expect(notices.map((n) => n.kind)).toContain('resumed');
    const all = flowsOf(await readAll(big));
    // Exactly N: the resumed request asks for what is left plus the overlap it reads again.
    expect(got).toStrictEqual(all.slice(0, 20_000));
  }, 60_000);

  it('a quiet --follow stream (no flow received yet, so no headers) waits for a server that goes away', async () => {
    const first = await serve({ follow: true }); // no rate: a stream open with nothing new to send
    const port = first.port;
    const notices: HubbleNotice[] = [];
    const c = client(first.address);
    await c.connect();
    let restarted: Promise<unknown> | undefined;
    const onNotice = (n: HubbleNotice): void => {
      notices.push(n);
      restarted ??= serve({ listen: `127.0.0.1:${port}`, rate: 2000 }); // back, now with new flows
    };
    const stream = c.flows({ number: 0, follow: true, namespaces: [], onNotice });
    const cut = setTimeout(() => void first.close(), 300); // the stream is open and quiet by then
    const got: Flow[] = [];
    for await (const e of stream) {
      if (e.kind === 'flow') got.push(e.flow);
      if (got.length === 10) break;
    }
    clearTimeout(cut);
    await restarted;
    expect(notices[0]).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    expect(got).toHaveLength(10);
  }, 30_000);
});

describe('ResumeDedupe (what a resumed stream drops; window 2 s before the newest flow)', () => {
  const flow = (time: number, uuid: string | undefined, sourceIp = '10.0.0.1'): Flow => ({
    time, uuid, observedVerdict: 'FORWARDED', dropReason: undefined, eventType: undefined, flowType: 'L3_L4', traceObservationPoint: undefined,
    trafficDirection: 'EGRESS', isReply: false,
    source: { id: undefined, identity: undefined, clusterName: undefined, namespace: 'a', podName: 'p', labels: [], workloads: [], ip: sourceIp },
    destination: { id: undefined, identity: undefined, clusterName: undefined, namespace: 'b', podName: 'q', labels: [], workloads: [], ip: '10.0.0.9' },
    ipVersion: 'IPv4', l4: { protocol: 'TCP', sourcePort: 40000, destinationPort: 80, flags: {} }, l7: undefined, nodeName: 'n1',
    sourceNames: [], destinationNames: [], policyMatchType: undefined,
  });

  it('drops the flows sent again after a resume, from exactly the window start, and only those', () => {
    const d = new ResumeDedupe();
    expect(d.resumeAt()).toBeUndefined(); // nothing yet: the stream starts over as asked
    const before = [flow(10_000, 'a'), flow(12_000, 'b'), flow(13_000, undefined), flow(14_000, 'c'), flow(14_000, undefined, '10.0.0.2')];
    expect(before.map((f) => d.accept(f))).toEqual([true, true, true, true, true]);
    expect(d.resumeAt()).toBe(12_000); // the newest flow time minus 2 s
    expect([
      d.accept(flow(12_000, 'b')), // at the window start: sent again
      d.accept(flow(13_000, undefined)), // no uuid: recognised by content
      d.accept(flow(13_500, undefined)), // same content at another time: a new flow
      d.accept(flow(14_500, 'd')), // newer than before the break: new
      d.accept(flow(14_000, 'c')), // sent again after a newer one (Relay reorders up to 1 s)
      d.accept(flow(14_000, undefined, '10.0.0.2')),
      d.accept(flow(16_001, 'e')), // past the overlap: de-duplication ends
      d.accept(flow(14_000, 'c')), // so an old uuid is no longer looked up
    ]).toEqual([false, false, true, true, false, false, true, true]);
  });
});
