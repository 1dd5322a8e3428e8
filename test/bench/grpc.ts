// gRPC bench: `flowpol replay` (built CLI, own process) serves BENCH_GRPC_FLOWS generated flows
// (default 200k) over loopback. Measured in the same run:
//   transport  — raw GetFlows messages/s, no decoding (the ceiling of the pipe);
//   client     — HubbleClient.flows(): decode + map to Flow, flows/s;
//   collect    — `flowpol collect --server` (built CLI): decode, fold, aggregate, SQLite. Target ≥ 60k/s;
//                also its whole-process CPU per flow (robust on a shared machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { ALL_FLOWS, flowsRequest, HubbleClient } from '../../src/collect/hubble-client.js';
import { GetFlowsRequest } from '../../src/collect/from-proto.js';
import { writeFlowFile } from '../support/flow-generator.js';
import { STATS_HOOK, childStats } from './child-stats.js';
import type { BenchResult } from './types.js';

const BIN = fileURLToPath(new URL('../../bin/flowpol.js', import.meta.url));
const TARGET = 60_000;

export async function run(): Promise<BenchResult> {
  const flows = Number(process.env['BENCH_GRPC_FLOWS'] ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'flowpol-bench-grpc-'));
  let replay: ChildProcess | undefined;
  try {
    const file = join(dir, 'flows.jsonl');
    await writeFlowFile(file, { seed: 11, flows, lostEvery: 0 });
    const started = await startReplay(file);
    replay = started.child;
    const transport = await timed(() => rawTransport(started.address));
    const cpu0 = process.cpuUsage();
    const client = await timed(() => decodedClient(started.address));
    const cpu = process.cpuUsage(cpu0);
    let collectCpuUs = 0;
    const collect = await timed(async () => {
      const r = await collectCli(started.address, join(dir, 'bench.db'));
      collectCpuUs = r.cpuUs;
      return r.flows;
    });
    const rate = (r: { count: number; seconds: number }) => Math.round(r.count / r.seconds);
    return {
      name: 'grpc',
      metrics: [
        { label: 'transport only (replay → raw messages)', value: rate(transport), unit: 'msgs/s' },
        { label: 'HubbleClient decode + map to Flow', value: rate(client), unit: 'flows/s' },
        // CPU time is less sensitive than wall time to other processes on a shared machine
        { label: 'HubbleClient CPU per flow (receive + decode + map)', value: (cpu.user + cpu.system) / client.count, unit: 'µs' },
        { label: `flowpol collect --server of ${flows} flows`, value: rate(collect), unit: 'flows/s', target: `>= ${TARGET}`, ok: rate(collect) >= TARGET },
        // The collect process's own CPU (user + system, start-up included): what its rate would be
        // on a core of its own, the figure that survives a shared machine.
        { label: 'collect --server CPU per flow (whole process)', value: Number((collectCpuUs / collect.count).toFixed(2)), unit: 'µs' },
        { label: 'collect --server rate on one free core (1 / CPU per flow)', value: Math.round((collect.count * 1e6) / collectCpuUs), unit: 'flows/s' },
      ],
      notes: [`messages: transport ${transport.count}, client ${client.count}, collect ${collect.count}; collect ${collect.seconds.toFixed(2)} s wall incl. CLI start-up`],
    };
  } finally {
    replay?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(f: () => Promise<number>): Promise<{ count: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const count = await f();
  return { count, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function startReplay(file: string): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'replay', '--listen', '127.0.0.1:0', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m?.[1]) resolve({ child, address: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`replay exited (${code}): ${err}`)));
  });
}

/** GetFlows with an identity deserializer: what the transport alone can do. */
function rawTransport(address: string): Promise<number> {
  const Raw = grpc.makeGenericClientConstructor({
    getFlows: {
      path: '/observer.Observer/GetFlows', requestStream: false, responseStream: true,
      requestSerialize: (r: GetFlowsRequest) => Buffer.from(GetFlowsRequest.encode(r).finish()),
      requestDeserialize: (b: Buffer) => GetFlowsRequest.decode(b),
      responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b,
    },
  }, 'observer.Observer');
  const c = new Raw(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { getFlows(r: GetFlowsRequest): grpc.ClientReadableStream<Buffer> };
  return new Promise((resolve, reject) => {
    let n = 0;
    const call = c.getFlows(flowsRequest({ number: ALL_FLOWS, follow: false, namespaces: [] }));
    call.on('data', () => n++);
    call.on('end', () => (c.close(), resolve(n)));
    call.on('error', reject);
  });
}

async function decodedClient(address: string): Promise<number> {
  const c = new HubbleClient({ server: address });
  let n = 0;
  for await (const e of c.flows({ number: ALL_FLOWS, follow: false, namespaces: [] })) if (e.kind === 'flow' && e.flow.time > 0) n++;
  c.close();
  return n;
}

function collectCli(address: string, db: string): Promise<{ flows: number; cpuUs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', STATS_HOOK, BIN, 'collect', '--server', address, '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => {
      const m = /flows read\s+(\d+)/.exec(err);
      const stats = childStats(err);
      if (code !== 0 || !m || stats === undefined) return reject(new Error(`collect --server failed (exit ${code}):\n${err}`));
      resolve({ flows: Number(m[1]), cpuUs: stats.cpuMs * 1000 });
    });
  });
}
