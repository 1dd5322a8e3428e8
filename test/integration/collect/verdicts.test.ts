// A connection forwarded by the source node and dropped by the destination node's ingress policy,
// recorded as one export per node: collected in either file order it is one DROPPED observation,
// and generate flags the edge (allowed, but a policy denies it today).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const web = { ID: 11, identity: 20001, namespace: 'shop', labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: 'web-1' };
const api = { ID: 12, identity: 20002, namespace: 'shop', labels: ['k8s:app=api', 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: 'api-1' };
const packet = { IP: { source: '10.0.1.5', destination: '10.0.2.7', ipVersion: 'IPv4' }, l4: { TCP: { source_port: 41000, destination_port: 8080, flags: { SYN: true } } }, source: web, destination: api };
const line = (node: string, time: string, flow: object): string =>
  `${JSON.stringify({ flow: { time, node_name: node, ...packet, ...flow }, node_name: node, time })}\n`;
/** The source node: the SYN leaves web (egress, no policy there). */
const sourceNode = line('node-a', '2026-01-05T08:00:00.000100Z', { verdict: 'FORWARDED', is_reply: false, traffic_direction: 'EGRESS', trace_observation_point: 'TO_STACK', event_type: { type: 4 } });
/** The destination node: api's ingress policy denies it (policy verdict, then the drop notification). */
const destinationNode =
  line('node-b', '2026-01-05T08:00:00.000400Z', { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', traffic_direction: 'INGRESS', event_type: { type: 5 } }) +
  line('node-b', '2026-01-05T08:00:00.000410Z', { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', traffic_direction: 'INGRESS', event_type: { type: 1, sub_type: 133 } });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-verdicts-'));
  for (const [sub, first, second] of [['fwd-first', sourceNode, destinationNode], ['drop-first', destinationNode, sourceNode]] as const) {
    mkdirSync(join(dir, sub));
    writeFileSync(join(dir, sub, '1.jsonl'), first);
    writeFileSync(join(dir, sub, '2.jsonl'), second);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each(['fwd-first', 'drop-first'])('%s: one connection, counted once as DROPPED; generate says the edge is denied today', async (sub) => {
  const db = join(dir, `${sub}.db`);
  const collect = await runCli(['collect', '--input-file', join(dir, sub), '--db', db]);
  expect(collect.code, collect.stderr).toBe(0);
  expect(collect.stderr).toMatch(/kept\s+1 /);
  expect(collect.stderr).toMatch(/folded\s+2 \(duplicate 2\)/);
  const edges = await runCli(['edges', '--db', db, '-o', 'json']);
  const [edge, ...more] = (JSON.parse(edges.stdout) as { edges: { count: number; verdicts: Record<string, number> }[] }).edges;
  expect(more).toEqual([]);
  expect(edge).toMatchObject({ count: 1, verdicts: { DROPPED: 1 } });
  const generate = await runCli(['generate', '--db', db, '--offline']);
  expect(generate.code, generate.stderr).toBe(0);
  expect(generate.stderr).toContain('allowed-despite-drops');
});
