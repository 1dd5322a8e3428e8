// The connected report's own parts, in the words every renderer shares: the cluster header line
// and the "silent in the window" section (inventory workloads with no observed traffic that the
// policies isolate). Offline reports have neither, so their output is unchanged.
import type { BreakageReport, SilentWorkload } from '../model.js';
import { cell, code } from './markdown-cells.js';
import { plural } from './reasons.js';

/** `snapshot, inventory read from snapshot.yaml; its 3 NetworkPolicies are the existing policies`. */
export function clusterLine(r: BreakageReport): string | undefined {
  if (r.cluster === undefined) return undefined;
  const use = r.cluster.policies === 'existing' ? 'its NetworkPolicies are the existing policies' : 'its NetworkPolicies are replaced by --existing';
  return `${r.cluster.description}; ${use}`;
}

/** The section's lead sentence. */
function silentSummary(silent: readonly SilentWorkload[]): string {
  if (silent.length === 0) return 'every pod of the cluster had observed traffic in the window or is not isolated by these policies';
  const what = silent.length === 1 ? '1 workload of the cluster had no observed traffic in the window and is' : `${silent.length} workloads of the cluster had no observed traffic in the window and are`;
  return `${what} isolated: nothing was seen to break, but whatever ${silent.length === 1 ? 'it does' : 'they do'} at runtime (cron jobs, failover) is denied on the isolated sides unless a policy admits it`;
}

/** `production/CronJob/nightly-report`. */
const silentTitle = (w: SilentWorkload): string => `${w.namespace}/${w.owner.kind}/${w.owner.name}`;

/** `ingress isolated by a, b` per isolated side. */
const isolationText = (w: SilentWorkload): string[] => w.isolation.map((i) => `${i.direction} isolated by ${i.isolatedBy.join(', ')}`);

const podsText = (w: SilentWorkload): string => `${plural(w.pods.length, 'pod')}: ${w.pods.join(', ')}`;

/** Text lines of the section (none offline), to go before the footer. */
export function silentText(r: BreakageReport): string[] {
  if (r.silent === undefined) return [];
  const out = ['', `silent in the window: ${silentSummary(r.silent)}`];
  for (const w of r.silent) out.push(`  ${silentTitle(w)}  (${podsText(w)})`, ...isolationText(w).map((t) => `    ${t}`));
  return out;
}

/** Markdown lines of the section (none offline), to go before the footer. */
export function silentMarkdown(r: BreakageReport): string[] {
  if (r.silent === undefined) return [];
  const out = ['', '### Silent in the window', '', `${silentSummary(r.silent)}.`];
  if (r.silent.length === 0) return out;
  out.push('', '| workload | pods | isolated |', '|---|---|---|');
  for (const w of r.silent) out.push(`| ${cell(code(silentTitle(w)))} | ${cell(w.pods.map(code).join(', '))} | ${cell(isolationText(w).join('; '))} |`);
  return out;
}

/** The HTML page's lines: the cluster line under the title, the section as warnings (none offline). */
export function clusterHtml(r: BreakageReport): { subtitle: string[]; warnings: string[] } {
  const cluster = clusterLine(r);
  if (cluster === undefined || r.silent === undefined) return { subtitle: [], warnings: [] };
  const warnings = r.silent.length === 0 ? [] : [`silent in the window: ${silentSummary(r.silent)}`, ...r.silent.map((w) => `${silentTitle(w)} (${podsText(w)}): ${isolationText(w).join('; ')}`)];
  return { subtitle: [`cluster: ${cluster}`], warnings };
}

/** The JSON header's connected-only fields (nothing offline, so offline documents keep their bytes). */
export function clusterJson(r: BreakageReport): Record<string, unknown> {
  if (r.cluster === undefined) return {};
  return { cluster: r.cluster, silent: (r.silent ?? []).map((w) => ({ ...w, title: silentTitle(w) })) };
}
