// `flowpol apply`: server-side apply of NetworkPolicies, never deleting anything. First a plan:
// for each policy, GET the live object and ask the server what applying would give (dryRun=All),
// and diff the two, so the diff shows exactly what the server would store (defaults included).
// A policy the server refuses (403, 404, 409, 422…) is an outcome of the plan, not the end of it:
// every policy is planned, and a field-manager conflict still gets the diff a forced apply would
// give. Then, only for --dry-run=none and a plan without failures, the new and changed ones are
// applied for real. Errors that would fail every request (401, timeout, unreachable) still throw.
import { stringify } from 'yaml';
import { OperationalError } from '../errors.js';
import type { NetworkPolicy } from '../model.js';
import { K8S_ERROR_CODES } from './api-errors.js';
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

/** Another field manager owns fields the apply would change (HTTP 409). */
export interface FieldConflict { manager: string; fields: string[] }

/** A policy the server refused to plan; `diff` is what --force-conflicts would store for a conflict, else ''. */
export interface FailedApply {
  key: string;
  policy: NetworkPolicy;
  status: 'failed';
  diff: string;
  error: OperationalError;
  conflict?: FieldConflict;
}

export type PlanEntry = PlannedApply | FailedApply;

/** Error codes that concern one policy (RBAC, a missing namespace, a conflict, a rejection); others stop the plan. */
const PER_POLICY_CODES: ReadonlySet<string> = new Set([K8S_ERROR_CODES.forbidden, K8S_ERROR_CODES.notFound,
  K8S_ERROR_CODES.conflict, K8S_ERROR_CODES.invalid, K8S_ERROR_CODES.server]);

/** The manager and fields named in a server-side apply conflict message, when it names them. */
export function parseConflict(message: string): FieldConflict | undefined {
  const manager = /conflicts? with "([^"]+)"/.exec(message)?.[1];
  if (manager === undefined) return undefined;
  const list = /using [^\s:]+:([^—]*)/.exec(message)?.[1] ?? '';
  const fields = list.split(/[\s,]+/).map((f) => f.replace(/^-/, '')).filter((f) => f.startsWith('.'));
  return { manager, fields };
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

/** Live object vs what the server would store, as a plan status and diff. */
function compare(key: string, live: NetworkPolicy | undefined, result: NetworkPolicy): { status: ApplyStatus; diff: string } {
  const after = policyYaml(result);
  if (live === undefined) return { status: 'new', diff: unifiedDiff('', after, { before: `${key} (not in the cluster)`, after: `${key} (applied)` }) };
  const diff = unifiedDiff(policyYaml(live), after, { before: `${key} (live)`, after: `${key} (applied)` });
  return { status: diff === '' ? 'unchanged' : 'changed', diff };
}

async function planOne(cluster: Cluster, policy: NetworkPolicy, force: boolean): Promise<PlanEntry> {
  const key = keyOf(policy);
  let live: NetworkPolicy | undefined;
  try {
    live = await cluster.getNetworkPolicy(policy.metadata.namespace ?? '', policy.metadata.name);
    return { key, policy, ...compare(key, live, await cluster.applyPolicy(policy, { dryRun: 'server', force })) };
  } catch (err) {
    if (!(err instanceof OperationalError) || !PER_POLICY_CODES.has(err.code)) throw err;
    if (err.code !== K8S_ERROR_CODES.conflict) return { key, policy, status: 'failed', diff: '', error: err };
    const conflict = parseConflict(err.message);
    // What taking the fields over would store: still a dry run, nothing is persisted.
    const forced = await cluster.applyPolicy(policy, { dryRun: 'server', force: true }).catch(() => undefined);
    const diff = forced === undefined ? '' : compare(key, live, forced).diff;
    return { key, policy, status: 'failed', diff, error: err, ...(conflict === undefined ? {} : { conflict }) };
  }
}

/**
 * Compare each policy with the cluster (GET + server dry-run apply); sorted by namespace/name.
 * Every policy gets an entry: a refused one is `failed` with the error (and, for a conflict, the
 * manager, fields and forced diff). Throws only for errors no policy could get past.
 */
export async function planApply(cluster: Cluster, policies: NetworkPolicy[], force: boolean): Promise<PlanEntry[]> {
  const sorted = [...policies].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const plan: PlanEntry[] = [];
  for (const policy of sorted) plan.push(await planOne(cluster, policy, force));
  return plan;
}

/** The entries of a plan the server refused. */
export const failures = (plan: PlanEntry[]): FailedApply[] => plan.filter((e): e is FailedApply => e.status === 'failed');

export interface ExecuteOptions {
  force: boolean;
  /** Called after each policy is stored, before the next request: what is written stays known if a later one fails. */
  onApplied?: (key: string) => void;
}

/** The entries of a plan a real apply writes: the new and changed ones, in plan order. */
export const toWrite = (plan: PlanEntry[]): PlannedApply[] =>
  plan.filter((e): e is PlannedApply => e.status === 'new' || e.status === 'changed');

/**
 * Apply the new and changed policies of a plan for real, one at a time; returns the keys applied.
 * A plan with a failed entry is refused before anything is written (E_APPLY_PLAN).
 */
export async function executeApply(cluster: Cluster, plan: PlanEntry[], options: ExecuteOptions): Promise<string[]> {
  const failed = failures(plan);
  if (failed.length > 0) {
    throw new OperationalError('E_APPLY_PLAN', `${failed.length} of ${plan.length} NetworkPolicies could not be planned (${failed.map((f) => f.key).join(', ')}); nothing was applied`);
  }
  const applied: string[] = [];
  for (const entry of toWrite(plan)) {
    await cluster.applyPolicy(entry.policy, { dryRun: 'none', force: options.force });
    applied.push(entry.key);
    options.onApplied?.(entry.key);
  }
  return applied;
}

/** Counts per status, for the summary line. */
export function countStatuses(plan: PlanEntry[]): Record<PlanEntry['status'], number> {
  const counts: Record<PlanEntry['status'], number> = { new: 0, changed: 0, unchanged: 0, failed: 0 };
  for (const p of plan) counts[p.status]++;
  return counts;
}
