// `flowpol check <world.json>...`: evaluate probes on described worlds (docs/world-format.md)
// with the same engine the breakage report uses; compare with expectations; exit 1 on mismatch.
import { readFile } from 'node:fs/promises';
import { OperationalError } from '../../errors.js';
import type { SideVerdict, Verdict } from '../../model.js';
import { deniedSides } from '../../policy/evaluate.js';
import { loadPolicyFiles } from '../../policy/load.js';
import { parseWorld, runProbes, type ProbeResult, type WorldFile } from '../../policy/world-file.js';
import { addOutputOption, appendValue } from '../options.js';
import { warnPolicies, warnPolicyFiles } from '../policy-file-notes.js';
import { printable } from '../../printable.js';
import type { PolicyWarning } from '../../policy/validate.js';
import type { Register } from './index.js';
import { alignedTable } from '../table.js';

interface CheckFlags { policies: string[]; output: 'table' | 'json' }

export const registerCheck: Register = (command) => {
  const cmd = command('check <world...>')
    .description('Evaluate NetworkPolicies on described worlds: each world file lists namespaces, pods, ' +
      'externals, policies and probes (from → to : port/protocol, optional expected allow|deny); prints the ' +
      'verdict of every probe with its reason and exits 1 if any probe differs from its expectation.')
    .option('--policies <file|dir>', 'more NetworkPolicies for every world: YAML or JSON, multi-document, ' +
      'a List, or a directory of such files (repeatable)', appendValue, [] as string[]);
  addOutputOption(cmd, ['table', 'json'], 'table')
    .addHelpText('after', `
Semantics: exact Kubernetes NetworkPolicy rules (policyTypes and protocol defaulting, peers,
named ports on the destination pod, endPort ranges, ipBlock except, matchExpressions).
flowpol's choices where the API leaves them to the CNI: an ipBlock matches only externals
(addresses outside the cluster, as Cilium does), never pods; a policy without
metadata.namespace belongs to "default"; every namespace carries kubernetes.io/metadata.name
(its name, whatever was written); an ipBlock CIDR with host bits set (10.0.0.1/8) is read as
its network (10.0.0.0/8), with a warning.

Output: -o table prints one row per probe and a closing "N passed, N failed" line when probes
have expectations; -o json prints one JSON object per probe per line.

Examples:
  flowpol check test/worlds/seed-three-tier.json
  flowpol check test/worlds/*.json -o json
  flowpol check world.json --policies generated/ --policies extra.yaml`)
    .action(async (worlds: string[], flags: CheckFlags) => {
      const extra = await loadPolicyFiles(flags.policies);
      warnPolicyFiles(extra);
      const results: { world: WorldFile; results: ProbeResult[] }[] = [];
      const warnings: PolicyWarning[] = [...extra.warnings];
      for (const file of worlds) {
        const world = parseWorld(await readWorld(file), file);
        results.push({ world, results: runProbes(world, extra.policies, warnings) });
      }
      warnPolicies(warnings);
      for (const { world } of results) {
        if (world.probes.length === 0) process.stderr.write(`flowpol: warning: ${printable(world.file)}: the world has no probes; nothing was checked\n`);
      }
      const all = results.flatMap((r) => r.results);
      const failed = all.filter((r) => r.expected !== undefined && r.expected !== r.verdict.decision).length;
      const expected = all.filter((r) => r.expected !== undefined).length;
      const summary = `${expected - failed} passed, ${failed} failed\n`;
      if (flags.output === 'json') {
        process.stdout.write(all.map((r) => `${JSON.stringify(probeJson(r))}\n`).join(''));
        if (expected > 0) process.stderr.write(`flowpol: ${summary}`);
      } else {
        process.stdout.write(results.map((r) => renderWorld(r.world, r.results)).join('\n'));
        if (expected > 0) process.stdout.write(summary);
      }
      if (failed > 0) process.exitCode = 1;
    });
};

async function readWorld(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new OperationalError('E_READ', `cannot read world file ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The fixed JSON shape of docs/world-format.md. */
export function probeJson(r: ProbeResult): Record<string, unknown> {
  return {
    case: r.case, from: r.from, to: r.to, port: r.port, protocol: r.protocol, verdict: r.verdict.decision,
    ...(r.expected === undefined ? {} : { expected: r.expected }),
    egress: sideJson(r.verdict.egress), ingress: sideJson(r.verdict.ingress),
  };
}

function sideJson(s: SideVerdict): Record<string, unknown> {
  const unknown = (list: string[]): Record<string, unknown> => (list.length > 0 ? { namespaceLabelsUnknown: list } : {});
  switch (s.kind) {
    case 'not-governed':
      return { isolated: false, governed: false, ...(s.reason === 'loopback' ? { loopback: true } : {}) };
    case 'not-isolated':
      return { isolated: false };
    case 'allowed':
      return { isolated: true, allowedBy: [...new Set(s.allowedBy.map((r) => r.policy))], ...unknown(s.namespaceLabelsUnknown) };
    case 'denied':
      return { isolated: true, denied: true, isolatedBy: s.isolatedBy, ...unknown(s.namespaceLabelsUnknown) };
  }
}

export function renderWorld(world: WorldFile, results: readonly ProbeResult[]): string {
  const header = ['FROM', 'TO', 'PORT', 'VERDICT', 'EXPECTED', 'REASON'];
  const rows = results.map((r) => [
    r.from, r.to, `${r.port}/${r.protocol}`, r.verdict.decision,
    r.expected === undefined ? '-' : r.expected === r.verdict.decision ? r.expected : `${r.expected} (MISMATCH)`,
    reason(r.verdict),
  ]);
  return `case ${world.name} (${world.file})\n${alignedTable(header, rows)}`;
}

/** One line saying why: the denying side(s) with what isolates them and the closest rule, or what allows. */
export function reason(v: Verdict): string {
  const denied = deniedSides(v);
  const parts = (denied.length > 0 ? denied : (['egress', 'ingress'] as const)).map((d) => sideReason(d, v[d]));
  const unknown = [...new Set([...namespacesUnknown(v.egress), ...namespacesUnknown(v.ingress)])].sort();
  if (unknown.length > 0) parts.push(`namespace labels unknown: ${unknown.join(', ')}`);
  return parts.join('; ');
}

function sideReason(direction: 'egress' | 'ingress', s: SideVerdict): string {
  switch (s.kind) {
    case 'not-governed':
      return s.reason === 'loopback' ? `${direction}: a pod to itself, not governed` : `${direction}: external, not governed`;
    case 'not-isolated':
      return `${direction}: not isolated`;
    case 'allowed':
      return `${direction} allowed by ${s.allowedBy.map((r) => `${r.policy} ${r.direction}[${r.rule}]`).join(', ')}`;
    case 'denied': {
      const miss = s.nearMisses[0];
      const closest = miss === undefined ? ''
        : `; closest ${miss.policy} ${miss.direction}[${miss.rule}]: ${miss.mismatch === 'port' ? 'peer matched, port did not' : 'port matched, peer did not'}` +
          (s.nearMisses.length > 1 ? ` (+${s.nearMisses.length - 1} more)` : '');
      return `${direction} denied: isolated by ${s.isolatedBy.join(', ')}${closest}`;
    }
  }
}

function namespacesUnknown(s: SideVerdict): string[] {
  return s.kind === 'allowed' || s.kind === 'denied' ? s.namespaceLabelsUnknown : [];
}
