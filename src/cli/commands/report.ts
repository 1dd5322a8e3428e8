// `flowpol report`: the dry-run breakage report. Learned edges × (existing + proposed + simulated
// default-deny policies) → what keeps working, what would break and why, what NetworkPolicy
// cannot govern. The report on stdout; skipped objects, policy files holding no policy, unknown
// --default-deny namespaces and --world-out notices on stderr.
import { once } from 'node:events';
import { accessSync, constants, existsSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { Option } from 'commander';
import { EXIT, OperationalError, UsageError } from '../../errors.js';
import { type BreakageReport, GENERATE_DIRECTIONS, type GenerateDirection } from '../../model.js';
import { report, type ReportClusterInput, type ReportOptions } from '../../pipeline.js';
import { parseDefaultDenyScope } from '../../report/default-deny.js';
import { IPBLOCK_CHOICE } from '../../report/reasons.js';
import { renderJsonChunks } from '../../report/render-json.js';
import { renderHtml } from '../../report/render-html.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { renderText } from '../../report/render-text.js';
import { reportWorld } from '../../report/world-out.js';
import { openDatabase } from '../../store/database.js';
import type { Register } from './index.js';
import { checkNamedPorts, loadClusterInput, type ClusterInput } from '../cluster-input.js';
import { warnPolicies, warnPolicyFiles } from '../policy-file-notes.js';
import { addKubeOptions, KUBE_HELP, type KubeFlagValues } from '../kube-options.js';
import { addDbOption, appendValue, addNamespaceOptions, addOutputOption, addTimeWindowOptions, collectList, resolveNamespaces, resolveTimeWindow } from '../options.js';
import type { DbOptions, NamespaceOptions, TimeWindowOptions } from '../options.js';
import { printable, printableLine } from '../../printable.js';

const FORMATS = ['text', 'json', 'markdown', 'html'] as const;

interface ReportFlags extends DbOptions, NamespaceOptions, TimeWindowOptions, KubeFlagValues {
  output: (typeof FORMATS)[number];
  existing: string[];
  proposed: string[];
  defaultDeny: string[];
  direction: GenerateDirection;
  showAllowed?: boolean;
  exitCode?: boolean;
  worldOut?: string;
  namedPorts?: boolean;
}


export const registerReport: Register = (command) => {
  const cmd = command('report').description(
    'Dry-run: evaluate the learned edges against existing and proposed NetworkPolicies plus a simulated default-deny, ' +
      'and report per edge what keeps working, what would break (which side, which policies, the closest rule) and ' +
      'what NetworkPolicy cannot govern.',
  );
  addDbOption(cmd, 'to read');
  addOutputOption(cmd, FORMATS, 'text');
  addNamespaceOptions(cmd, 'report edges');
  addTimeWindowOptions(cmd, 'evaluate edges seen');
  addKubeOptions(cmd, { snapshot: true, offline: true });
  cmd
    .option('--existing <file|dir>', 'NetworkPolicies in force today: YAML or JSON, multi-document, a List, or a directory (repeatable); connected to a cluster (live or --inventory) the default is the cluster\'s NetworkPolicies, and --existing replaces them; a file or directory holding no NetworkPolicy is warned about', appendValue, [] as string[])
    .option('--proposed <file|dir|generated>', 'NetworkPolicies to roll out (repeatable); "generated" = what `flowpol generate` would write with the same --db, -n, --since/--until and --direction; a proposed policy replaces an existing one of the same namespace/name', appendValue, [] as string[])
    .option('--default-deny <ns,...|all|none>', 'simulate the standard `podSelector: {}` default-deny in these namespaces (comma list, repeatable), in every namespace seen ("all"), or nowhere ("none", the default); a listed namespace no flow (nor the cluster) shows is warned about on stderr', collectList, [] as string[])
    .addOption(new Option('--direction <direction>', 'the direction of the simulated default-deny (and of generated policies)').choices(GENERATE_DIRECTIONS).default('both'))
    .option('--named-ports', 'with --proposed generated: write a port by its container port name where every destination pod declares one for it, as `flowpol generate --named-ports` (needs a cluster: live or --inventory); a usage error without --proposed generated')
    .option('--show-allowed', 'with -o text|markdown, list every edge that keeps working (default: a count per workload); -o json always lists all')
    .option('--exit-code', 'exit 3 when any edge would break (for CI)')
    .option('--world-out <file>', 'also write the evaluated world in probe format (namespaces, pods, externals, every policy, one probe per edge with expected = the verdict; connected, the silent workloads\' pods too, without probes); `flowpol check <file>` re-decides it')
    .addHelpText(
      'after',
      `
Examples:
  flowpol report --default-deny all                         # what a default-deny everywhere breaks (DNS first)
  flowpol report --default-deny all --proposed generated    # ... with flowpol's generated policies
  flowpol report --existing policies/ --proposed new.yaml   # what applying new.yaml breaks today
  flowpol report --default-deny shop,payments --direction egress -n shop
  flowpol report --proposed generated --default-deny all -o markdown > comment.md
  flowpol report --proposed generated --default-deny all -o html > report.html   # one offline page with a traffic graph
  flowpol report --existing prod/ --exit-code -o json > report.json   # exit 3 if anything breaks
  flowpol report --default-deny all --world-out world.json && flowpol check world.json
  flowpol report --context prod --proposed generated        # the live cluster's policies are --existing
  flowpol report --inventory snapshot.yaml --default-deny all  # a snapshot from \`flowpol inventory\` instead
  flowpol report --inventory snapshot.yaml --proposed generated --named-ports --default-deny all   # generated ports by name
  flowpol report --offline --default-deny all               # flows only, even with a kubeconfig
  flowpol report --db prod.db --since 7d --until 1d --all-namespaces --show-allowed   # list what keeps working too

Per edge: keeps working / would break (which side: egress at the source or ingress at the
destination, the policies that isolate it, the closest rule that almost matched, the traffic:
flows, first and last seen) / already dropped today (Hubble saw only DROPPED) / not governed by
NetworkPolicy (host, remote-node, kube-apiserver, health, ingress, ICMP, externals with no
address: the reason is given). Remote nodes, the kube-apiserver and externals with no address
would break when the pod end is isolated and no rule could admit them (none admits every peer
or names an ipBlock on the port). Grouped by namespace and workload, breaks first, by traffic.
The world comes from the flows: workloads by their labels, namespaces with the labels flows
carried (where a namespace's labels were never seen the reason says so), no container ports.
Connected to a cluster (live, or a snapshot with --inventory), the cluster adds what flows lack:
namespaces' labels (--default-deny all covers all its namespaces), pods' container ports (named
ports in policies resolve) and labels (pods are matched to flow workloads by namespace + labels;
a workload whose pods differ in what the policies select on is judged per group of pods, by the
worst), its NetworkPolicies as the existing ones (unless
--existing names files: those replace them), and a "silent in the window" section: workloads of
the cluster with no observed traffic that the policies isolate, whose runtime traffic (cron
jobs, failover) would be denied. Workloads whose pods all use the host network, and their node
addresses, are not governed (NetworkPolicy does not apply to them), as \`flowpol generate\` treats
them. The mode is shown in the report header and on stderr.
${IPBLOCK_CHOICE}
${KUBE_HELP.trim()}
Exit codes: 0 ok, 1 failure, 2 usage error, 3 something would break (with --exit-code).`,
    )
    .action(async (flags: ReportFlags) => {
      // Usage errors and a missing database first, before a live cluster is listed.
      const flowsOnly = toOptions(flags);
      checkNamedPorts(flowsOnly.namedPorts, flags);
      if (flags.worldOut !== undefined) checkWorldOut(flags.worldOut, [flags.db, `${flags.db}-wal`, `${flags.db}-shm`, flags.inventory, ...flags.existing, ...flags.proposed]);
      const db = openDatabase(flags.db, { readonly: true });
      let out: Awaited<ReturnType<typeof report>>;
      try {
        out = await report(db, { ...flowsOnly, ...clusterOption(await loadClusterInput(flags)) });
      } finally {
        db.close();
      }
      warnPolicyFiles({ skipped: out.skipped, empty: out.emptyPolicyFiles });
      warnPolicies([...out.fileWarnings, ...out.result.engine.warnings]);
      warnUnmatched(out.unmatched ?? []);
      for (const n of out.namesTaken ?? []) process.stderr.write(printable(`flowpol: warning: [name-taken] ${n.message}; the report evaluates the generated policy in its place\n`));
      const { report: r } = out.result;
      warnUnknownDefaultDeny(r);
      const render = { allowed: flags.showAllowed === true ? 'list' : 'summary' } as const;
      if (flags.output === 'json') await write(renderJsonChunks(r, out.result.edgesOf));
      else if (flags.output === 'html') await write([await renderHtml(r, out.result.engine.policies)]);
      else await write([printable(flags.output === 'markdown' ? renderMarkdown(r, render) : renderText(r, render))]); // names from flows: no control characters
      if (flags.worldOut !== undefined) writeWorld(flags.worldOut, reportWorld(out.result, 'flowpol-report', out.silentPods));
      if (flags.exitCode === true && r.totals.breaks.edges > 0) process.exitCode = EXIT.breakage;
    });
};

function toOptions(flags: ReportFlags): ReportOptions {
  const generated = flags.proposed.includes('generated');
  if (generated && flags.proposed.length > 1) {
    throw new UsageError(flags.proposed.every((p) => p === 'generated')
      ? '--proposed generated is given more than once; once is enough'
      : '--proposed generated cannot be combined with --proposed files; pass one or the other');
  }
  if (flags.namedPorts === true && !generated) {
    throw new UsageError('--named-ports applies to --proposed generated only: --proposed files keep the ports they were written with');
  }
  // Text and markdown list allowed edges only on request: without it, full verdicts for denials only.
  const deniedOnly = (flags.output === 'text' || flags.output === 'markdown') && flags.showAllowed !== true;
  return {
    ...resolveTimeWindow(flags, Date.now()),
    namespaces: resolveNamespaces(flags),
    existing: flags.existing,
    proposed: generated ? 'generated' : flags.proposed,
    ...(flags.namedPorts === true ? { namedPorts: true } : {}),
    defaultDeny: parseDefaultDenyScope(flags.defaultDeny),
    direction: flags.direction,
    explain: deniedOnly ? 'denied' : 'all',
    // ... and, unless --world-out needs every edge for its probes, edges that keep working are only
    // counted; JSON lists every edge but builds each again as it is written (none held).
    allowedEdges: flags.worldOut !== undefined ? 'keep' : flags.output === 'json' ? 'stream' : deniedOnly ? 'count' : 'keep',
  };
}

/** The report's cluster input: none offline. */
function clusterOption(input: ClusterInput): { cluster?: ReportClusterInput } {
  const { access, inventory, modeLine } = input;
  if (inventory === undefined || access.mode === 'offline') return {};
  return { cluster: { inventory, mode: access.mode, description: modeLine.replace(/^cluster mode: /, ''), modeLine } };
}

/** Connected: flow workloads no pod of the cluster matches keep the flows' view (no ports); say which. */
function warnUnmatched(keys: readonly string[]): void {
  if (keys.length === 0) return;
  const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? `, and ${keys.length - 5} more` : '');
  const what = keys.length === 1 ? '1 flow workload matches' : `${keys.length} flow workloads match`;
  process.stderr.write(printable(`flowpol: warning: ${what} no pod of the cluster (gone, relabelled, or another cluster's flows), evaluated with the flows' labels and no container ports: ${shown}\n`));
}

/** A --default-deny namespace nothing shows (a typo, most likely) simulates nothing, nor does `all` where no policy can live: say so. */
function warnUnknownDefaultDeny(r: BreakageReport): void {
  const shows = r.cluster === undefined ? 'no observed flow shows' : 'no observed flow (nor the cluster) shows';
  for (const ns of r.defaultDeny.unknown ?? []) process.stderr.write(`flowpol: warning: --default-deny names namespace ${printableLine(ns)}, which ${shows}; it simulates nothing\n`);
  for (const ns of r.defaultDeny.unnamable ?? []) {
    process.stderr.write(`flowpol: warning: flows show namespace "${printableLine(ns)}", a name Kubernetes refuses (not a lowercase DNS label); --default-deny all leaves it out\n`);
  }
}

/**
 * Writes chunks to stdout in ~1 MiB pieces, waiting for the pipe to drain. Small chunks are
 * UTF-8 encoded straight into a fresh buffer per piece (joining a million strings first costs more
 * than the encoding); a chunk that cannot fit goes out as it is.
 */
async function write(chunks: Iterable<string>): Promise<void> {
  const size = 1 << 20;
  let buffer = Buffer.allocUnsafe(size);
  let used = 0;
  const out = async (data: Buffer | string): Promise<void> => {
    if (!process.stdout.write(data)) await once(process.stdout, 'drain');
  };
  for (const chunk of chunks) {
    // At most 3 UTF-8 bytes per UTF-16 unit: the whole chunk fits when this does.
    if (used + chunk.length * 3 > size) {
      if (used > 0) await out(buffer.subarray(0, used));
      buffer = Buffer.allocUnsafe(size);
      used = 0;
      if (chunk.length * 3 > size) {
        await out(chunk);
        continue;
      }
    }
    used += buffer.write(chunk, used);
  }
  if (used > 0) await out(buffer.subarray(0, used));
}

/**
 * --world-out can be written, and is none of the command's inputs (the database, a policy file:
 * overwritten, they would be lost): checked before the report is printed.
 */
function checkWorldOut(file: string, inputs: readonly (string | undefined)[]): void {
  if (file === '' || file === '-') throw new UsageError(`--world-out ${file === '' ? 'is empty' : '- is not supported (stdout carries the report)'}: give the file to write the world to`);
  const cannot = (why: string): OperationalError => new OperationalError('E_WRITE', `cannot write the world to ${file}: ${why}`);
  const real = (path: string): string => (existsSync(path) ? realpathSync(path) : resolve(path));
  const target = real(file);
  const same = existsSync(file) ? statSync(file) : undefined; // a hard link is the same file under another name
  const overwrites = (input: string): boolean => {
    const at = statSync(input);
    if (at.isDirectory()) return target.startsWith(`${realpathSync(input)}${sep}`); // a policy directory's file, or a new one it would read
    return real(input) === target || (same !== undefined && same.ino === at.ino && same.dev === at.dev);
  };
  const input = inputs.find((i) => i !== undefined && i !== 'generated' && existsSync(i) && overwrites(i));
  if (input !== undefined) throw new UsageError(`--world-out ${file} is ${input === file ? 'also an input' : `in or the same file as ${input}, an input`} of this report; writing the world there would overwrite or add to it`);
  const dir = dirname(file);
  if (!existsSync(dir)) throw cannot(`directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw cannot(`${dir} is not a directory`);
  if (existsSync(file) && statSync(file).isDirectory()) throw cannot('it is a directory');
  try {
    accessSync(existsSync(file) ? file : dir, constants.W_OK);
  } catch {
    throw cannot(existsSync(file) ? 'the file is not writable' : `directory ${dir} is not writable`);
  }
}

function writeWorld(file: string, world: Record<string, unknown>): void {
  try {
    writeFileSync(file, `${JSON.stringify(world, null, 1)}\n`);
  } catch (err) {
    throw new OperationalError('E_WRITE', `cannot write the world to ${file}: ${(err as Error).message}`, { cause: err });
  }
  const probes = Array.isArray(world.probes) ? world.probes.length : 0;
  process.stderr.write(`flowpol: wrote the evaluated world to ${file} (${probes} probes); check it with: flowpol check ${file}\n`);
}
