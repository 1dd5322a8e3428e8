// What collect --server and replay report about a live session, through the built CLI: ring
// capacity under --loop, --follow --until ending by itself, the summary of a failed run, and a
// signal ending a bounded session and a --follow one.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';
import { killChildren, replay, start, summaryCount } from './cli-process.js';
import * as grpc from '@grpc/grpc-js';
import { eventToResponse, type GetFlowsResponse, ObserverService } from '../../../src/collect/from-proto.js';
import { eventFromJson } from '../../../src/collect/from-json.js';
import type { ServerStatusResponse } from '../../../src/collect/gen/observer/observer.js';

let dir: string;
let recording: string;
const FLOWS = 3000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-grpc-live-'));
  recording = join(dir, 'flows.jsonl');
  await writeFlowFile(recording, { seed: 11, flows: FLOWS, namespaces: 4, startTime: Date.UTC(2024, 5, 1) });
});
afterEach(killChildren);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ringLine = (stderr: string) => {
  const m = /ring (\d+)\/(\d+) flows, (\d+) seen/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return { inRing: Number(m?.[1]), capacity: Number(m?.[2]), seen: Number(m?.[3]) };
};

describe('replay --loop without --ring-size', () => {
  it('keeps one pass in the ring and reports that capacity; collect then reads what it was told', async () => {
    const r = await replay(['--loop', '--rate', '20000', recording]);
    // Wait (no timing assertion) until the replay has looped at least once.
    let status = { inRing: 0, capacity: 0, seen: 0 };
    for (let i = 0; status.seen <= FLOWS; i++) {
      await new Promise((res) => setTimeout(res, 200));
      const c = await runCli(['collect', '--server', r.address, '--last', '100', '--db', join(dir, `loop-${i}.db`)]);
      expect(c.code, c.stderr).toBe(0);
      status = ringLine(c.stderr);
      expect(status.inRing).toBeLessThanOrEqual(status.capacity);
      expect(c.stderr).not.toMatch(/older flows are gone/);
      expect(summaryCount(c.stderr, 'flows read')).toBe(100);
    }
    expect(status.capacity).toBe(FLOWS);
  });
});

describe('collect --follow --until', () => {
  it('ends by itself once flows are past --until: committed, summary, exit 0', async () => {
    const lines = readFileSync(recording, 'utf8').trim().split('\n');
    const until = (JSON.parse(lines[1000] as string) as { time: string }).time;
    const r = await replay(['--rate', '3000', '--follow', recording]);
    const db = join(dir, 'until.db');
    const c = await start(['collect', '--server', r.address, '--all', '--follow', '--until', until, '--db', db], /ring/);
    const done = await c.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/live streams\s+1 ingested/);
    const read = summaryCount(done.stderr, 'flows read');
    expect(read).toBeGreaterThan(1000);
    expect(read).toBeLessThan(FLOWS);
    const window = /flow window\s+\S+ \.\. (\S+)/.exec(done.stderr)?.[1];
    expect(Date.parse(window ?? '')).toBeLessThanOrEqual(Date.parse(until));
  });
});

describe('collect summary after a failure', () => {
  it('still shows what the run committed, distinct edges included, and exits 1', async () => {
    const broken = join(dir, 'z-broken.jsonl'); // sorted after flows.jsonl: that one is committed first
    appendFileSync(broken, `${readFileSync(recording, 'utf8').split('\n')[0]}\n{"flow": not json\n`);
    const r = await runCli(['collect', '--input-file', recording, broken, '--db', join(dir, 'partial.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/distinct edges\s+\d+, between \d+ workload identities/);
    expect(r.stderr).toMatch(/files\s+1 ingested, 0 skipped, 1 rolled back/);
    expect(r.stderr).toMatch(/flowpol: error \[E_\w+\]: .*z-broken\.jsonl:2/);
  });
});

describe('a bounded live collect stopped by a signal', () => {
  it('commits what it read, says it was stopped, and exits 1 (QA: it read as a complete run, exit 0); with --follow a signal is the normal end', async () => {
    const event = eventFromJson(JSON.parse(readFileSync(recording, 'utf8').split('\n')[0] as string));
    const first = eventToResponse(event) as GetFlowsResponse;
    // A server that sends one flow, then nothing, and never ends the stream: the collect waits until the signal.
    const server = new grpc.Server();
    server.addService(ObserverService, {
      serverStatus: (_call: unknown, done: grpc.sendUnaryData<ServerStatusResponse>) => done(null, { numFlows: 1n, maxFlows: 10n, seenFlows: 1n, uptimeNs: 1n, numConnectedNodes: undefined, numUnavailableNodes: undefined, unavailableNodes: [], version: 'stall', flowsRate: 0 }),
      getFlows: (call: grpc.ServerWritableStream<unknown, GetFlowsResponse>) => call.write(first),
    } as unknown as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    try {
      for (const follow of [false, true]) {
        const db = join(dir, `stopped-${follow}.db`);
        const c = await start(['collect', '--server', `127.0.0.1:${port}`, ...(follow ? ['--follow'] : ['--all']), '--db', db], /ring/);
        await new Promise((res) => setTimeout(res, 1500)); // the one flow arrives
        c.child.kill('SIGINT');
        const done = await c.exited;
        expect(done.stderr).toMatch(/committed\s+127\.0\.0\.1:\d+ \(1 flows\): stopped by a signal \(Ctrl-C or SIGTERM\): what was read until then is committed/);
        if (follow) expect(done.code, done.stderr).toBe(0);
        else {
          expect(done.code, done.stderr).toBe(1);
          expect(done.stderr).toContain('flowpol: error [E_INTERRUPTED]: interrupted before the server had sent every flow asked for; what was read until then is committed');
        }
      }
    } finally {
      server.forceShutdown();
    }
  }, 30_000);
});
