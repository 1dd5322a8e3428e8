// `flowpol apply`: server-side apply of NetworkPolicies, never deleting anything. First a plan:
// for each policy, GET the live object and ask the server what applying would give (dryRun=All),
// and diff the two, so the diff shows exactly what the server would store (defaults included).
// Then, only for --dry-run=none, apply the new and changed ones for real.
import { stringify } from 'yaml';
import type { NetworkPolicy } from '../model.js';
import type { Cluster } from './cluster.js';
import { unifiedDiff } from './diff.js';

export const APPLY_STATUSES = ['new', 'changed', 'unchanged'] as const;
export type ApplyStatus = (typeof APPLY_STATUSES)[number];

export interface PlannedApply {
  /** `namespace/name` */
  key: string;
  policy: NetworkPolicy;
  status: ApplyStatus;
  /** Unified diff of the live object against the server's dry-run result ('' when unchanged). */
  diff: string;
}

/** The part of a policy a user cares about in a diff. */
export function policyYaml(p: NetworkPolicy): string {
  const meta: Record<string, unknown> = {};
  if (p.metadata.labels !== undefined && Object.keys(p.metadata.labels).length > 0) meta.labels = p.metadata.labels;
  if (p.metadata.annotations !== undefined && Object.keys(p.metadata.annotations).length > 0) meta.annotations = p.metadata.annotations;
  const doc = Object.keys(meta).length > 0 ? { metadata: meta, spec: p.spec } : { spec: p.spec };
  return stringify(doc, { lineWidth: 0, sortMapEntries: true });
}

const keyOf = (p: NetworkPolicy): string => `${p.metadata.namespace ?? ''}/${p.metadata.name}`;

/** Compare each policy with the cluster (GET + server dry-run apply); sorted by namespace/name. */
export async function planApply(cluster: Cluster, policies: NetworkPolicy[], force: boolean): Promise<PlannedApply[]> {
  const sorted = [...policies].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const plan: PlannedApply[] = [];
  for (const policy of sorted) {
    const key = keyOf(policy);
    const live = await cluster.getNetworkPolicy(policy.metadata.namespace ?? '', policy.metadata.name);
    const result = await cluster.applyPolicy(policy, { dryRun: 'server', force });
    const after = policyYaml(result);
    if (live === undefined) {
      plan.push({ key, policy, status: 'new', diff: unifiedDiff('', after, { before: `${key} (not in the cluster)`, after: `${key} (applied)` }) });
      continue;
    }
    const diff = unifiedDiff(policyYaml(live), after, { before: `${key} (live)`, after: `${key} (applied)` });
    plan.push({ key, policy, status: diff === '' ? 'unchanged' : 'changed', diff });
  }
  return plan;
}

export interface ExecuteOptions {
  force: boolean;
  /** Called after each policy is stored, before the next request: what is written stays known if a later one fails. */
  onApplied?: (key: string) => void;
}

/** The entries of a plan a real apply writes: the new and changed ones, in plan order. */
export const toWrite = (plan: PlannedApply[]): PlannedApply[] => plan.filter((e) => e.status !== 'unchanged');

/** Apply the new and changed policies of a plan for real, one at a time; returns the keys applied. */
export async function executeApply(cluster: Cluster, plan: PlannedApply[], options: ExecuteOptions): Promise<string[]> {
  const applied: string[] = [];
  for (const entry of toWrite(plan)) {
    await cluster.applyPolicy(entry.policy, { dryRun: 'none', force: options.force });
    applied.push(entry.key);
    options.onApplied?.(entry.key);
  }
  return applied;
}

/** Counts per status, for the summary line. */
export function countStatuses(plan: PlannedApply[]): Record<ApplyStatus, number> {
  const counts: Record<ApplyStatus, number> = { new: 0, changed: 0, unchanged: 0 };
  for (const p of plan) counts[p.status]++;
  return counts;
}
