// `flowpol generate`: learned edges → least-privilege NetworkPolicies (YAML stream, JSON List,
// or one file per namespace). Manifests on stdout (or files); the summary and every note on stderr.
// With a cluster (live, or an `--inventory` snapshot) workloads are selected by their owners'
// selectors, host-network pods are recognised, and `--named-ports` can write ports by name.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { OperationalError } from '../../errors.js';
import { GENERATE_DIRECTIONS, type GenerateDirection, type PolicySet } from '../../model.js';
import { generate } from '../../pipeline.js';
import type { GenerateOptions } from '../../policy/generate.js';
import { MANIFEST_FORMATS, type ManifestFormat, NOTES_FILE, renderManifests, renderNamespaceFiles } from '../../policy/manifests.js';
import { countSet, describeSelection, summarizeNotes } from '../../policy/set-summary.js';
import { openDatabase } from '../../store/database.js';
import type { Register } from './index.js';
import { checkNamedPorts, loadClusterInput } from '../cluster-input.js';
import { addKubeOptions, KUBE_HELP, type KubeFlagValues } from '../kube-options.js';
import { addDbOption, addOutputOption, addTimeWindowOptions, collectList, integer, resolveNamespaces, resolveTimeWindow } from '../options.js';
import type { DbOptions, NamespaceOptions, TimeWindowOptions } from '../options.js';
import { printable, printableLine } from '../../printable.js';

interface GenerateFlags extends DbOptions, NamespaceOptions, TimeWindowOptions, KubeFlagValues {
  output: ManifestFormat;
  direction: GenerateDirection;
  minCount: number;
  portRanges?: boolean;
  alwaysDns?: boolean;
  cidrPrefix: number;
  cidrPrefixV6: number;
  outDir?: string;
  namedPorts?: boolean;
}

/** Notes printed one by one on stderr with YAML output; the rest are counted (all are in the YAML). */
const STDERR_NOTES = 25;


export const registerGenerate: Register = (command) => {
  const cmd = command('generate').description(
    'Generate least-privilege NetworkPolicies from the learned edges: one per workload identity with observed traffic.',
  );
  addDbOption(cmd, 'to read');
  addOutputOption(cmd, MANIFEST_FORMATS, 'yaml');
  cmd
    .option('-n, --namespace <ns>', 'generate policies only for workloads of this namespace (repeatable, or a comma list); their peers may be anywhere', collectList, [] as string[])
    .option('--all-namespaces', 'generate policies for workloads of every namespace (the default; cannot be combined with -n)');
  addTimeWindowOptions(cmd, 'learn from edges seen');
  addKubeOptions(cmd, { snapshot: true, offline: true });
  cmd
    .addOption(new Option('--direction <direction>', 'which sides to restrict: policyTypes Ingress, Egress or both').choices(GENERATE_DIRECTIONS).default('both'))
    .option('--min-count <n>', 'leave out edges seen fewer than N times (the output lists them)', integer(1, Number.MAX_SAFE_INTEGER), 1)
    .option('--port-ranges', 'write runs of consecutive observed ports as port..endPort (the same ports, written shorter); off: one entry per port')
    .option('--always-dns', 'add UDP and TCP 53 to kube-dns (namespace kube-system, k8s-app=kube-dns) to every egress policy, observed or not, and admit them all in kube-dns\'s own policy when one is generated; when DNS was seen going only to other pods, each such edge gets an always-dns-other-server note')
    .option('--cidr-prefix <bits>', 'aggregate IPv4 addresses outside the cluster into /bits ipBlocks (32 = one per observed address)', integer(0, 32), 32)
    .option('--cidr-prefix-v6 <bits>', 'the same for IPv6 addresses (128 = one per observed address)', integer(0, 128), 128)
    .option('--out-dir <dir>', 'write one file per namespace (<ns>.yaml or <ns>.json) into this directory instead of stdout, and flowpol-notes.txt with the notes no policy carries')
    .option('--named-ports', 'write a port by its container port name where every destination pod declares one for it (needs a cluster: live or --inventory)')
    .addHelpText(
      'after',
      `
Examples:
  flowpol generate > policies.yaml                 # every workload, from ./flowpol.db
  kubectl apply --dry-run=server -f policies.yaml  # check them against your cluster first
  flowpol generate -n shop -n payments             # policies for workloads of two namespaces
  flowpol generate --db prod.db --since 7d --until 1d --all-namespaces -o json   # last week but the last day, as a List
  flowpol generate --direction ingress             # restrict ingress only (policyTypes: [Ingress])
  flowpol generate --min-count 5 --since 7d        # ignore rare and old edges (listed as left out)
  flowpol generate --always-dns --port-ranges      # add cluster DNS everywhere; ports as ranges
  flowpol generate --cidr-prefix 24 --cidr-prefix-v6 64   # aggregate external addresses
  flowpol generate -o json --out-dir policies/     # policies/<namespace>.json, one List each
  flowpol generate --context prod                  # select workloads by their owners' selectors (live cluster)
  flowpol generate --inventory snapshot.yaml --named-ports   # the same from a snapshot; ports by name
  flowpol generate --offline                       # flows only, even with a kubeconfig

Peers in the policy's namespace are selected by podSelector; peers in another namespace by
namespaceSelector (kubernetes.io/metadata.name, assumed where flows never showed the namespace's
labels; the API server sets it since Kubernetes 1.21) AND podSelector. Addresses outside the
cluster become ipBlocks (flowpol reads an ipBlock as matching only endpoints outside the cluster,
as Cilium does), with their DNS names in the flowpol.io/destination-names annotation. Traffic a
NetworkPolicy cannot govern or express (host, remote-node, kube-apiserver, ICMP, DNS-name-only
destinations, ...) is listed on stderr and in the YAML comments, never widened into a rule.
--since/--until select whole clock hours, as the database keeps counts per hour.

With a cluster (live, or a snapshot from \`flowpol inventory\` with --inventory), flow workloads
are matched to the cluster's pods by namespace + labels. A workload whose pods all have one owner
(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) is selected by that owner's
selector, in its own policy and wherever it is a peer, provided the selector selects exactly its
pods and no other workload; otherwise its observed labels stay and a note says why. Host-network
pods (and their node addresses) get no policy and no rule: NetworkPolicy does not apply to them.
Namespaces' labels come from the cluster where it knows the namespace. The mode is printed on stderr and recorded in the YAML header (# cluster mode: ...).
${KUBE_HELP.trim()}`,
    )
    .action(async (flags: GenerateFlags) => {
      const options = toOptions(flags);
      checkNamedPorts(options.namedPorts, flags);
      const { inventory, modeLine } = await loadClusterInput(flags);
      const db = openDatabase(flags.db, { readonly: true });
      let set: PolicySet;
      try {
        set = generate(db, options, inventory === undefined ? undefined : { inventory, mode: modeLine });
      } finally {
        db.close();
      }
      if (flags.outDir === undefined) {
        process.stdout.write(renderManifests(set, options, flags.output));
      } else {
        writeFiles(flags.outDir, renderNamespaceFiles(set, options, flags.output));
      }
      process.stderr.write(printable(summary(set, flags.output === 'json' ? Infinity : STDERR_NOTES)));
      for (const ns of options.namespaces) {
        if (!set.policies.some((p) => p.policy.metadata.namespace === ns)) {
          process.stderr.write(`flowpol: warning: -n ${printableLine(ns)}: no policy for it (no learned workload there, or a typo)\n`);
        }
      }
    });
};

function toOptions(flags: GenerateFlags): GenerateOptions {
  return {
    direction: flags.direction,
    minCount: flags.minCount,
    ...resolveTimeWindow(flags, Date.now()),
    namespaces: resolveNamespaces(flags),
    portRanges: flags.portRanges === true,
    alwaysDns: flags.alwaysDns === true,
    cidrPrefix: { v4: flags.cidrPrefix, v6: flags.cidrPrefixV6 },
    ...(flags.namedPorts === true ? { namedPorts: true } : {}),
  };
}

function writeFiles(dir: string, files: readonly { name: string; content: string }[]): void {
  let before: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    before = readdirSync(dir, { recursive: true, encoding: 'utf8' }); // apply -f <dir> reads subdirectories too
    for (const file of files) writeFileSync(join(dir, file.name), file.content);
  } catch (err) {
    throw new OperationalError('E_WRITE', `cannot write policies into ${dir}: ${(err as Error).message}`, { cause: err });
  }
  process.stderr.write(`flowpol: wrote ${files.map((f) => join(dir, f.name)).join(', ') || 'nothing (no policies)'}\n`);
  // Never deleted (they may be the user's), but `apply -f dir/` would take them with the new ones.
  const written = new Set(files.map((f) => f.name));
  const stale = before.filter((name) => !written.has(name) && (STALE_CANDIDATE.test(name) || name === NOTES_FILE)).sort();
  if (stale.length > 0) {
    process.stderr.write(`flowpol: warning: ${dir} also holds ${stale.join(', ')}, not written by this run (an earlier one's?): \`flowpol apply -f ${dir}\` would apply ${stale.length === 1 ? 'it' : 'them'} too; remove ${stale.length === 1 ? 'it' : 'them'}, or write into an empty directory\n`);
  }
}

/** Files of a policy directory that apply -f would read. */
const STALE_CANDIDATE = /\.(?:ya?ml|json)$/i;

/** Closing summary; JSON has no comments, so with -o json every note is printed here. */
function summary(set: PolicySet, limit: number): string {
  const counts = countSet(set);
  const n = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;
  const lines = [`flowpol: generated ${n(counts.policies, 'policy', 'policies')} in ${n(counts.namespaces, 'namespace', 'namespaces')} (${n(counts.rules, 'rule', 'rules')})`];
  for (const s of set.namespaces) if (s.basis !== 'name-label') lines.push(`flowpol: namespace ${describeSelection(s)}`);
  lines.push(...inventorySummary(set, limit));
  if (set.notes.length > 0) {
    lines.push(...summarizeNotes(set.notes).map((l) => `flowpol: warning: ${l.trimStart()}`));
    for (const note of set.notes.slice(0, limit)) lines.push(`flowpol: warning: [${note.code}] ${note.message}`);
    if (set.notes.length > limit) {
      lines.push(`flowpol: warning: ... and ${set.notes.length - limit} more notes (all are in the YAML comments)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** With an inventory: how many workloads got their owner's selector, and every other inventory note. */
function inventorySummary(set: PolicySet, limit: number): string[] {
  if (set.inventory === undefined) return [];
  const owned = set.inventory.notes.filter((n) => n.code === 'owner-selector').length;
  const others = set.inventory.notes.filter((n) => n.code !== 'owner-selector');
  const lines = [`flowpol: inventory: ${owned} ${owned === 1 ? 'workload' : 'workloads'} selected by their owner's selector`];
  for (const note of others.slice(0, limit)) lines.push(`flowpol: note: [${note.code}] ${note.message}`);
  if (others.length > limit) lines.push(`flowpol: note: ... and ${others.length - limit} more inventory notes (all are in the YAML comments)`);
  return lines;
}
