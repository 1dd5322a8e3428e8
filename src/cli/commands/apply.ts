// `flowpol apply -f FILE`: server-side apply of NetworkPolicies (fieldManager=flowpol), a server
// dry run by default. Prints a diff against the cluster first; never deletes anything. Every
// policy is planned; if the server refuses any, each refusal is one stderr line (policy, file:line,
// reason) and nothing is applied.
import { Option } from 'commander';
import { formatLocation, OperationalError, UsageError } from '../../errors.js';
import type { InputLocation } from '../../errors.js';
import { describeAccess } from '../../k8s/access.js';
import { countStatuses, executeApply, failures, planApply, toWrite } from '../../k8s/apply.js';
import type { FailedApply } from '../../k8s/apply.js';
import { readPolicyManifests } from '../../k8s/apply-input.js';
import type { DryRun } from '../../k8s/cluster.js';
import { connectCluster } from '../../k8s/open.js';
import { appendValue } from '../options.js';
import { warnPolicies } from '../policy-file-notes.js';
import { addKubeOptions, clusterAccessFrom, KUBE_HELP } from '../kube-options.js';
import type { KubeFlagValues } from '../kube-options.js';
import type { Register } from './index.js';
import { printable } from '../../printable.js';

interface ApplyFlags extends KubeFlagValues { filename: string[]; dryRun: DryRun; forceConflicts?: boolean }

/** One line for a policy the server refused: where it is written and why. */
function failureLine(f: FailedApply, at: InputLocation | undefined): string {
  const where = at === undefined ? '' : ` (${formatLocation(at)})`;
  const reason = f.conflict === undefined
    ? `[${f.error.code}] ${f.error.message}`
    : `[${f.error.code}] conflict with field manager "${f.conflict.manager}"${f.conflict.fields.length > 0 ? ` on ${f.conflict.fields.join(', ')}` : ''}` +
      ` — review the diff above (what --force-conflicts would store), then re-run with --force-conflicts to take them over`;
  return `flowpol: networkpolicy ${f.key}${where}: ${reason}\n`;
}

export const registerApply: Register = (command) => {
  const cmd = command('apply')
    .description('Apply NetworkPolicies with server-side apply (field manager "flowpol"). Default is a server ' +
      'dry run that validates without persisting; a diff against the cluster is printed first. ' +
      'Only networking.k8s.io/v1 NetworkPolicy documents are accepted. Nothing is ever deleted.')
    .requiredOption('-f, --filename <path>', 'manifests to apply, repeatable: a YAML (multi-document) or JSON file, a List allowed; ' +
      'a directory (every .yaml/.yml/.json file below it, sorted); - for stdin. All are validated before anything is sent', appendValue)
    .addOption(new Option('--dry-run <mode>', 'server: validate on the server, persist nothing (dryRun=All); none: apply for real')
      .choices(['server', 'none']).default('server'))
    .option('--force-conflicts', 'take over fields another field manager owns (server-side apply force=true)');
  addKubeOptions(cmd, { snapshot: false, offline: false })
    .addHelpText('after', `
Examples:
  flowpol generate > policies.yaml && flowpol apply -f policies.yaml     # server dry run + diff
  flowpol apply -f policies.yaml --dry-run=none                          # apply for real
  flowpol apply -f policies.yaml --dry-run=none --force-conflicts        # take over conflicting fields
  flowpol apply -f prod.yaml -f staging.yaml                             # several files, planned together
  flowpol generate --out-dir policies/ && flowpol apply -f policies/     # a directory
  flowpol generate | flowpol apply -f - --context kind-dev
${KUBE_HELP}`)
    .action(async (flags: ApplyFlags) => {
      const access = clusterAccessFrom(flags);
      if (access.mode !== 'live') {
        throw new UsageError(`apply needs a live cluster: ${access.mode === 'offline' ? access.reason : 'a snapshot cannot be applied to'}`);
      }
      const located = await readPolicyManifests(flags.filename);
      warnPolicies(located.flatMap((l) => l.warnings));
      const places = new Map(located.map((l) => [l.key, l.at]));
      const policies = located.map((l) => l.policy);
      const cluster = await connectCluster(access);
      process.stderr.write(`flowpol: ${describeAccess(access, cluster.description)}\n`);
      const force = flags.forceConflicts === true;
      const plan = await planApply(cluster, policies, force);
      for (const entry of plan) {
        process.stdout.write(`networkpolicy ${entry.key}: ${entry.status === 'failed' ? (entry.conflict === undefined ? 'failed' : 'conflict') : entry.status}\n${entry.diff}`);
      }
      const c = countStatuses(plan);
      const counts = `${c.new} new, ${c.changed} changed, ${c.unchanged} unchanged`;
      const failed = failures(plan);
      if (failed.length > 0) {
        for (const f of failed) process.stderr.write(printable(failureLine(f, places.get(f.key))));
        throw new OperationalError('E_APPLY_PLAN', `${failed.length} of ${plan.length} NetworkPolicies could not be planned (${counts}); nothing was applied`);
      }
      if (flags.dryRun === 'server') {
        process.stderr.write(`flowpol: server dry run: ${counts}; nothing was persisted (use --dry-run=none to apply)\n`);
        return;
      }
      const written: string[] = [];
      const onApplied = (key: string): void => {
        written.push(key);
        process.stdout.write(`networkpolicy ${key}: serverside-applied\n`);
      };
      try {
        await executeApply(cluster, plan, { force, onApplied });
      } catch (err) {
        const list = written.length > 0 ? `: ${written.join(', ')}` : '';
        process.stderr.write(`flowpol: applied ${written.length} of ${toWrite(plan).length} before the error${list}\n`);
        throw err;
      }
      process.stderr.write(`flowpol: applied ${written.length} NetworkPolicies (${counts}); nothing was deleted\n`);
    });
};
