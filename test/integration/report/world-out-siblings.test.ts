// `report --world-out` then `check` (built CLI) when a workload's pods talk to each other and to
// themselves: the world has one pod per workload, so traffic between two of its pods needs a
// second pod to land on (check allows a pod's traffic to itself whatever the policies), and the
// round trip must pass. Traffic of a pod to itself is folded at collect (loopback): no probe.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'flowpol-siblings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POD_IPS: Record<string, string> = { 'a-1': '10.0.0.1', 'a-2': '10.0.0.2', 'b-1': '10.0.0.3' };
/** One TCP SYN from pod `src` to pod `dst` (a-* carry app=a, b-* app=b, all in namespace demo). */
function syn(src: string, dst: string, port: number, second: number): string {
  const endpoint = (pod: string) => ({ namespace: 'demo', pod_name: pod, labels: [`k8s:app=${pod.split('-')[0]}`, 'k8s:io.kubernetes.pod.namespace=demo'] });
  return JSON.stringify({
    flow: {
      time: `2024-05-01T10:00:${String(second).padStart(2, '0')}Z`, verdict: 'FORWARDED', is_reply: false, traffic_direction: 'EGRESS',
      IP: { source: POD_IPS[src], destination: POD_IPS[dst], ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000 + second, destination_port: port, flags: { SYN: true } } },
      source: endpoint(src), destination: endpoint(dst),
    },
  });
}

describe('report --world-out with traffic inside one workload', () => {
  it('gives the workload a second pod for traffic between its pods, and check agrees with every verdict', async () => {
    const flows = join(dir, 'flows.jsonl');
    writeFileSync(flows, `${[syn('a-1', 'a-2', 8080, 1), syn('a-1', 'a-1', 8080, 2), syn('b-1', 'a-1', 9090, 3), syn('b-1', 'b-1', 7000, 4)].join('\n')}\n`);
    const db = join(dir, 'flows.db');
    const collected = await runCli(['collect', '--input-file', flows, '--db', db]);
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stderr).toMatch(/folded +2 \(loopback 2\)/);
    const world = join(dir, 'world.json');
    const report = await runCli(['report', '--db', db, '--offline', '--default-deny', 'all', '--world-out', world]);
    expect(report.code, report.stderr).toBe(0);
    const written = JSON.parse(readFileSync(world, 'utf8')) as { pods: { name: string; labels: object }[]; probes: { from: string; to: string; expected: string }[]; note: string };
    expect(written.pods.map((p) => p.name)).toEqual(['a', 'a-peer', 'b']);
    expect(written.pods[1]?.labels).toEqual(written.pods[0]?.labels);
    expect(written.probes.map((p) => `${p.from}>${p.to} ${p.expected}`).sort()).toEqual(['demo/a>demo/a-peer deny', 'demo/b>demo/a deny']);
    expect(written.note).toMatch(/second pod \(-peer\)/);
    // A database whose only flows were a pod's traffic to itself says why it has no edge.
    const selfOnly = join(dir, 'self.jsonl');
    writeFileSync(selfOnly, `${syn('a-1', 'a-1', 8080, 5)}\n`);
    await runCli(['collect', '--input-file', selfOnly, '--db', join(dir, 'self.db')]);
    const none = await runCli(['edges', '--db', join(dir, 'self.db')]);
    expect(none.stderr).toContain("no edges (none of the 1 flows collected became one: collect's summary says how they folded");
    const checked = await runCli(['check', world]);
    expect(checked.stdout, checked.stderr).toMatch(/2 passed, 0 failed/);
    expect(checked.code).toBe(0);
  }, 30_000);
});
