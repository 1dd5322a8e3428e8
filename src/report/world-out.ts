// `--world-out`: the world a report evaluated, in probe format (shared/probe-format.md), so
// `flowpol check` can re-decide every edge independently of the report: namespaces, one pod per
// workload identity, one external per address, every policy (synthesized default-deny included)
// and one probe per evaluated edge whose `expected` is the report's verdict.
import { identityKey } from '../identity/identity.js';
import type { Peer, PolicyProtocol } from '../model.js';
import type { BreakageResult } from './breakage.js';

export interface WorldProbe { from: string; to: string; port: number; protocol: PolicyProtocol; expected: 'allow' | 'deny' }

/** The probe-format document (serialize with JSON.stringify). */
export function reportWorld(result: BreakageResult, name: string): Record<string, unknown> {
  const { pods, nameOf } = result.world.pods();
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
    note: `One pod per workload identity (identity labels; ${result.report.cluster === undefined ? 'flows carry no container ports' : 'container ports and namespace labels from the cluster inventory'}), one external per observed address; expected = the report's verdict.`,
    namespaces: result.world.namespaces(),
    pods,
    externals: result.world.externalList(),
    policies: result.engine.policies,
    probes,
  };
}
