// A long-lived connection (a database pool, say): Cilium reports it every few seconds while it
// is busy, and all but its first event fold into its first count. Rule 4 of identity/edge.ts
// counts it again in each later clock hour it is seen in, and its events move first and last
// seen, so an hour-granular window (`--since`) still sees it and `generate` still allows it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const START = Date.UTC(2026, 0, 5, 7, 50); // 07:50; the connection lasts until 08:01
const ends = {
  web: { ip: '10.0.0.1', end: { ID: 11, identity: 1011, namespace: 'shop', labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: 'web-1' } },
  db: { ip: '10.0.0.2', end: { ID: 12, identity: 1012, namespace: 'shop', labels: ['k8s:app=db', 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: 'db-1' } },
};

/** One event of web:`port` → db:5432 at `time`, `syn` for the first packet, else an ACK in the request direction. */
function event(time: number, syn: boolean, dropped = false, port = 40000): string {
  const iso = new Date(time).toISOString();
  const verdict = dropped
    ? { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', traffic_direction: 'INGRESS' }
    : { verdict: 'FORWARDED', traffic_direction: 'EGRESS', is_reply: false };
  const flow = {
    time: iso, ...verdict, Type: 'L3_L4', event_type: { type: dropped ? 5 : 4 },
    IP: { source: ends.web.ip, destination: ends.db.ip, ipVersion: 'IPv4' },
    l4: { TCP: { source_port: port, destination_port: 5432, flags: syn ? { SYN: true } : { ACK: true, PSH: true } } },
    source: ends.web.end, destination: ends.db.end,
  };
  return `${JSON.stringify({ flow, time: iso })}\n`;
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-long-'));
  const file = join(dir, 'long.jsonl');
  // Every 20 s from 07:50:00 to 08:01:00: well inside the 60 s that keeps one connection one.
  writeFileSync(file, Array.from({ length: 34 }, (_, k) => event(START + k * 20_000, k === 0)).join(''));
  db = join(dir, 'long.db');
  const r = await runCli(['collect', '--db', db, '--input-file', file]);
  if (r.code !== 0) throw new Error(r.stderr);
  expect(r.stderr).toMatch(/kept +2 /);
  expect(r.stderr).toContain('duplicate 32');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface EdgeJson { count: number; firstSeen: string; lastSeen: string; port: number }
async function edges(...args: string[]): Promise<EdgeJson[]> {
  const r = await runCli(['edges', '--db', db, '-o', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { edges: EdgeJson[] }).edges;
}

it('is counted once in each clock hour it was seen in, first and last seen being its first and last event', async () => {
  expect(await edges()).toMatchObject([{ port: 5432, count: 2, firstSeen: '2026-01-05T07:50:00.000Z', lastSeen: '2026-01-05T08:01:00.000Z' }]);
  expect(await edges('--until', '2026-01-05T07:59:00Z')).toMatchObject([{ count: 1, firstSeen: '2026-01-05T07:50:00.000Z', lastSeen: '2026-01-05T07:59:40.000Z' }]);
  expect(await edges('--since', '2026-01-05T08:00:00Z')).toMatchObject([{ count: 1, firstSeen: '2026-01-05T08:00:00.000Z', lastSeen: '2026-01-05T08:01:00.000Z' }]);
});

it('generate over the later hour alone still allows it', async () => {
  const r = await runCli(['generate', '--db', db, '--since', '2026-01-05T08:00:00Z']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('port: 5432');
});

it("one SYN forwarded by its node at 09:59:59.990 and denied by the destination's at 10:00:00.010 is DROPPED in both hours, whichever file is read first", async () => {
  for (const [forwardedFile, droppedFile] of [['a.jsonl', 'b.jsonl'], ['b.jsonl', 'a.jsonl']] as const) {
    const files = mkdtempSync(join(dir, 'nodes-'));
    writeFileSync(join(files, forwardedFile), event(Date.UTC(2026, 0, 5, 9, 59, 59, 990), true));
    writeFileSync(join(files, droppedFile), event(Date.UTC(2026, 0, 5, 10, 0, 0, 10), true, true));
    const nodes = join(files, 'nodes.db');
    expect((await runCli(['collect', '--db', nodes, '--input-file', files])).code).toBe(0);
    const r = await runCli(['edges', '--db', nodes, '-o', 'json']);
    expect((JSON.parse(r.stdout) as { edges: { verdicts: unknown }[] }).edges.map((e) => e.verdicts), forwardedFile).toEqual([{ DROPPED: 2 }]);
  }
});

it("two nodes' files of one long-lived connection count it once per hour, in either order, not once per event", async () => {
  const files = mkdtempSync(join(dir, 'both-'));
  const lines = (node: string) => Array.from({ length: 34 }, (_, k) => event(START + k * 20_000, k === 0).replace('"flow":{', `"flow":{"node_name":"${node}",`)).join('');
  writeFileSync(join(files, 'node-a.jsonl'), lines('a'));
  writeFileSync(join(files, 'node-b.jsonl'), lines('b'));
  const both = join(files, 'both.db');
  const r = await runCli(['collect', '--db', both, '--input-file', files]);
  expect(r.stderr).toMatch(/kept +2 /);
  const out = await runCli(['edges', '--db', both, '-o', 'json']);
  expect((JSON.parse(out.stdout) as { edges: { count: number }[] }).edges.map((e) => e.count)).toEqual([2]);
});

it("a later node's file widens first and last seen of a connection the first file counted, however many came between", async () => {
  const files = mkdtempSync(join(dir, 'widen-'));
  const at = (s: number) => START + s * 1000;
  // Node a: the connection at 07:50:01, then 1,100 other connections of web, one a second until
  // 08:08:21. Node b: the connection's SYN half a second before node a saw it.
  const others = Array.from({ length: 1100 }, (_, k) => event(at(2 + k), true, false, 41_000 + k));
  writeFileSync(join(files, 'node-a.jsonl'), [event(at(1), true), ...others].join(''));
  writeFileSync(join(files, 'node-b.jsonl'), event(at(0.5), true));
  const nodes = join(files, 'nodes.db');
  const r = await runCli(['collect', '--db', nodes, '--input-file', files]);
  expect(r.stderr).toMatch(/kept +1101 /);
  const out = await runCli(['edges', '--db', nodes, '-o', 'json']);
  expect(JSON.parse(out.stdout)).toMatchObject({ edges: [{ count: 1101, firstSeen: '2026-01-05T07:50:00.500Z', lastSeen: '2026-01-05T08:08:21.000Z' }] });
});

it("one node's pieces of a connection, the gaps filled by another node's file, count as the two merged in time order, in either order or concatenated", async () => {
  // Every 40 s from 07:30 to 08:30 (one connection, two clock hours); node a saw every third
  // event (gaps of 120 s: 30 pieces on their own), node b the others, one of them dropped by policy.
  const all = Array.from({ length: 91 }, (_, k) => ({ k, line: event(Date.UTC(2026, 0, 5, 7, 30) + k * 40_000, k === 0, k === 50) }));
  const node = (keep: (k: number) => boolean) => all.filter((e) => keep(e.k)).map((e) => e.line).join('');
  const results: unknown[] = [];
  for (const [a, b] of [['1.jsonl', '2.jsonl'], ['2.jsonl', '1.jsonl']] as const) {
    const files = mkdtempSync(join(dir, 'pieces-'));
    writeFileSync(join(files, a), node((k) => k % 3 === 0));
    writeFileSync(join(files, b), node((k) => k % 3 !== 0));
    results.push(await collected(files, join(files, 'pieces.db')));
  }
  const concatenated = mkdtempSync(join(dir, 'concatenated-')); // both in one file, one after the other: joined in one flush
  writeFileSync(join(concatenated, 'both.jsonl'), node((k) => k % 3 === 0) + node((k) => k % 3 !== 0));
  results.push(await collected(join(concatenated, 'both.jsonl'), join(concatenated, 'both.db')));
  const merged = mkdtempSync(join(dir, 'merged-'));
  writeFileSync(join(merged, 'all.jsonl'), node(() => true));
  const expected = await collected(join(merged, 'all.jsonl'), join(merged, 'merged.db'));
  expect(expected).toEqual({
    kept: '2', edges: [{ port: 5432, count: 2, verdicts: { DROPPED: 2 }, firstSeen: '2026-01-05T07:30:00.000Z', lastSeen: '2026-01-05T08:30:00.000Z' }],
  });
  expect(results).toEqual([expected, expected, expected]);
});

/** Collect `input` into `database`: the kept figure of the summary and the edges. */
async function collected(input: string, database: string): Promise<{ kept: string | undefined; edges: unknown }> {
  const r = await runCli(['collect', '--db', database, '--input-file', input]);
  expect(r.code, r.stderr).toBe(0);
  const out = await runCli(['edges', '--db', database, '-o', 'json']);
  const edges = (JSON.parse(out.stdout) as { edges: Record<string, unknown>[] }).edges;
  return { kept: /kept +(\d+) /.exec(r.stderr)?.[1], edges: edges.map(({ port, count, verdicts, firstSeen, lastSeen }) => ({ port, count, verdicts, firstSeen, lastSeen })) };
}

it("a later file out of time order keeps its events in first and last seen when its piece joins the earlier file's (found by QA)", async () => {
  const files = mkdtempSync(join(dir, 'unsorted-'));
  const at = (m: number, s: number) => Date.UTC(2026, 0, 5, 9, m, s);
  writeFileSync(join(files, '1-a.jsonl'), event(at(0, 0), false));
  // 09:01:10 starts a piece of its own (70 s after file a's event); 09:00:50 then joins the two.
  writeFileSync(join(files, '2-b.jsonl'), event(at(1, 10), false) + event(at(0, 50), false));
  const nodes = await collected(files, join(files, 'unsorted.db'));
  expect(nodes).toEqual({ kept: '1', edges: [{ port: 5432, count: 1, verdicts: { FORWARDED: 1 }, firstSeen: '2026-01-05T09:00:00.000Z', lastSeen: '2026-01-05T09:01:10.000Z' }] });
});

it('node files of more connections than are remembered: the summary says how many may count twice and what counts each once', async () => {
  const files = mkdtempSync(join(dir, 'busy-'));
  // 300 connections a second apart, in both nodes' exports (the second: the ingress side).
  const node = (dropped: boolean): string => Array.from({ length: 300 }, (_, k) => event(START + k * 1000, true, dropped, 40000 + k)).join('');
  writeFileSync(join(files, '1-a.jsonl'), node(false));
  writeFileSync(join(files, '2-b.jsonl'), node(true));
  const database = join(files, 'busy.db');
  const few = await runCli(['collect', '--db', database, '--input-file', files, '--remember-connections', '100']);
  expect(few.code, few.stderr).toBe(0);
  // b's first 200 came after a's were forgotten (its last 100 were still remembered).
  expect(few.stderr).toMatch(/kept +500 /);
  expect(few.stderr).toContain(`warning: 200 connections (200 in ${join(files, '2-b.jsonl')}) may repeat connections seen earlier in this run but `
    + 'forgotten before these came (--remember-connections 100), so they may count twice; to count each once, collect the same files again with '
    + '--force --remember-connections 1000 (about 0.4 KB of memory each)');
  const enough = await runCli(['collect', '--db', database, '--input-file', files, '--force', '--remember-connections', '1000']);
  expect(enough.code, enough.stderr).toBe(0);
  expect(enough.stderr).toMatch(/kept +300 /);
  expect(enough.stderr).not.toContain('may repeat');
  const out = await runCli(['edges', '--db', database, '-o', 'json']);
  expect((JSON.parse(out.stdout) as { edges: unknown[] }).edges).toMatchObject([{ port: 5432, count: 300, verdicts: { DROPPED: 300 } }]);
});
