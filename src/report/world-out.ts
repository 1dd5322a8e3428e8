// `--world-out`: the world a report evaluated, in probe format (shared/probe-format.md), so
// `flowpol check` can re-decide every edge independently of the report: namespaces, one pod per
// workload identity, one external per address, every policy (synthesized default-deny included)
// and one probe per evaluated edge whose `expected` is the report's verdict. Connected, the
// silent workloads' pods too (their own names, labels and ports; no traffic, so no probes).
import { identityKey } from '../identity/identity.js';
import type { Peer, Pod, PolicyProtocol } from '../model.js';
import type { BreakageResult } from './breakage.js';
import { compareText } from '../order.js';

export interface WorldProbe { from: string; to: string; port: number; protocol: PolicyProtocol; expected: 'allow' | 'deny' }

/**
 * The probe-format document (serialize with JSON.stringify). `silentPods`: the silent workloads'
 * pods (`ReportOutcome.silentPods`), added under their own names (`-2`, `-3` … where a workload
 * pod of the world took the name).
 */
export function reportWorld(result: BreakageResult, name: string, silentPods: readonly Pod[] = []): Record<string, unknown> {
  const world = result.world.pods();
  const { nameOf } = world;
  const pods = withSilentPods(world.pods, silentPods);
  const probeName = (peer: Peer): string | undefined => {
    const found = result.world.of(peer);
    if (found.kind !== 'subject') return undefined;
    if (found.subject.kind === 'external') return `ext:${found.subject.name ?? found.subject.ip}`;
    return peer.kind === 'workload' ? `${peer.identity.namespace}/${nameOf.get(identityKey(peer.identity)) ?? ''}` : undefined;
  };
  const probes: WorldProbe[] = [];
  for (const ns of result.report.namespaces) {
    for (const w of ns.workloads) {
      for (const e of w.edges) {
        if (e.status === 'not-governed') continue;
        const from = probeName(e.edge.source);
        const to = probeName(e.edge.destination);
        if (from === undefined || to === undefined) continue;
        probes.push({ from, to, port: e.edge.port, protocol: e.edge.protocol as PolicyProtocol, expected: e.decision });
      }
    }
  }
  return {
    name,
    source: 'flowpol report --world-out: the world built from observed flows, with the policies evaluated',
    note: `One pod per workload identity (identity labels; ${result.report.cluster === undefined ? 'flows carry no container ports' : 'container ports and namespace labels from the cluster inventory'}), one external per observed address${silentPods.length === 0 ? '' : ', the silent workloads\' pods (no traffic, no probes)'}; expected = the report's verdict.`,
    namespaces: result.world.namespaces(),
    pods,
    externals: result.world.externalList(),
    policies: result.engine.policies,
    probes,
  };
}

/**
 * The world's pods plus the silent ones, sorted by namespace and name. A silent pod keeps its own
 * name unless a workload pod of the world holds it; then it gets the first free `-2`, `-3` …
 */
function withSilentPods(pods: readonly Pod[], silent: readonly Pod[]): Pod[] {
  if (silent.length === 0) return [...pods];
  const key = (p: Pod, name = p.name): string => `${p.namespace}/${name}`;
  const held = new Set(pods.map((p) => key(p)));
  const taken = new Set([...held, ...silent.map((p) => key(p))]);
  const out = [...pods];
  for (const pod of silent) {
    let name = pod.name;
    if (held.has(key(pod))) {
      for (let n = 2; taken.has(key(pod, name)); n++) name = `${pod.name}-${n}`;
      taken.add(key(pod, name));
    }
    out.push({ ...pod, name });
  }
  return out.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
}
