// Memory when node files go back in time: two nodes' exports of the same BENCH_NODE_CONNECTIONS
// (default 600 000) short connections over 50 minutes, the source node's egress events and the
// destination node's ingress events. Read one after the other, the second file starts where the
// first did, so the folder keeps what it saw of both until its connection limit (more than its
// window) and V8's heap holds much more garbage than in a file read in time order. Target: peak
// RSS < 300 MB, with or without a parse thread (QA found 400-520 MB before collect capped the
// heap's growth).
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { measureCollect } from './ingest.js';
import type { BenchResult } from './types.js';

const START = Date.UTC(2026, 0, 5, 8);
const SPREAD_MS = 3_000_000;

export async function run(): Promise<BenchResult> {
  const connections = Number(process.env['BENCH_NODE_CONNECTIONS'] ?? 600_000);
  const dir = mkdtempSync(join(tmpdir(), 'flowpol-bench-nodes-'));
  try {
    const files = join(dir, 'nodes');
    await writeNode(join(files, 'node-a.jsonl'), connections, 'node-a', 'EGRESS');
    await writeNode(join(files, 'node-b.jsonl'), connections, 'node-b', 'INGRESS');
    const one = await measureCollect(files, join(dir, 'one.db'));
    const threaded = await measureCollect(files, join(dir, 'threaded.db'), ['--workers', '1']);
    const [rss, threadedRss] = [one.maxRssKb / 1024, threaded.maxRssKb / 1024];
    return {
      name: 'ingest-nodes',
      metrics: [
        { label: `collect of 2 node files x ${connections} connections`, value: one.seconds, unit: 's' },
        { label: 'its peak RSS', value: rss, unit: 'MB', target: '< 300', ok: rss < 300 },
        { label: 'the same with --workers 1', value: threaded.seconds, unit: 's' },
        { label: 'its peak RSS', value: threadedRss, unit: 'MB', target: '< 300', ok: threadedRss < 300 },
      ],
      notes: ['each connection is counted twice: past 100 000 remembered, the second file forgets the first (the summary warns so)'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One node's export: a request event of each connection, in time order. */
async function writeNode(file: string, connections: number, node: string, direction: 'EGRESS' | 'INGRESS'): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const endpoint = (app: string) => ({ identity: 300, namespace: 'a', labels: [`k8s:app=${app}`, 'k8s:io.kubernetes.pod.namespace=a'], pod_name: `${app}-1` });
  for (let i = 0; i < connections; i++) {
    const time = new Date(START + Math.floor((i * SPREAD_MS) / connections)).toISOString();
    const flow = {
      time, verdict: 'FORWARDED', Type: 'L3_L4', node_name: node, is_reply: false, traffic_direction: direction, event_type: { type: 4 },
      IP: { source: `10.0.${1 + Math.floor(i / 250) % 250}.${1 + (i % 250)}`, destination: '10.9.0.1', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000 + (i % 20000), destination_port: 80, flags: { ACK: true, PSH: true } } },
      source: endpoint('x'), destination: endpoint('y'),
    };
    if (!out.write(`${JSON.stringify({ flow, node_name: node, time })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
