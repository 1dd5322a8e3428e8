// The generate and report halves of flowpol (the collect half, with its own diagram, is
// collect-pipeline.ts: kept apart so `flowpol collect` does not load the policy engine).
import type { Inventory, InventoryNote, Pod, PolicySet, ReportCluster } from './model.js';
import type { Database } from './store/database.js';
import { edgeKey } from './identity/edge.js';
import type { BreakageOptions, BreakageResult } from './report/breakage.js';
import { buildBreakageReport } from './report/breakage.js';
import { edgeIdentities, InventoryPods } from './report/from-inventory.js';
import { mergeNamespaces } from './policy/workload-selectors.js';
import { silentAmong, silentPods } from './report/silent.js';
import { DEFAULT_GENERATE_OPTIONS, type GenerateInput, type GenerateOptions, generatePolicies } from './policy/generate.js';
import { loadPolicyFiles, type SkippedObject } from './policy/load.js';
import type { PolicyInput } from './policy/evaluate.js';
import type { PolicyWarning } from './policy/validate.js';
import { loadEdges, loadNamespaces, selectEdges } from './store/edges.js';
import { loadIngestTotals } from './store/summary.js';
import { hourSpan } from './hours.js';

export * from './collect-pipeline.js';

// ---------------------------------------------------------------------------------------------
// report: learned edges × (existing + proposed + simulated default-deny) → BreakageReport
//
//   SQLite ─selectEdges/loadNamespaces▶ Edge* ─┐
//   --existing/--proposed files ─loadPolicyFiles─┤ (or --proposed generated: generatePolicies)
//   cluster inventory (optional) ────────────────┤ (namespace labels, container ports, its policies = existing)
//                                                └─▶ buildBreakageReport (PolicyEngine) ─▶ BreakageReport
//                                                    └─▶ silentAmong (inventory pods with no traffic, isolated) ─▶ silentPods (for --world-out)
// ---------------------------------------------------------------------------------------------

/**
 * A report's cluster knowledge: the inventory (live or snapshot) and how it was obtained, as the
 * report words it (`description`) and as the commands' mode line does (`modeLine`, which
 * `--proposed generated` passes on to the generator like `flowpol generate`).
 */
/**
 * The cluster a report evaluates against. From `loadInventory(access)`: `inventory`, `modeLine`
 * as it returns it (what generate's header says), `mode` = `access.mode`, and `description` the
 * mode line without its `cluster mode: ` prefix (the report prints it after `cluster:`).
 */
export interface ReportClusterInput { inventory: Inventory; mode: ReportCluster['mode']; description: string; modeLine: string }

export interface ReportOptions extends BreakageOptions {
  since?: number;
  until?: number;
  /** Edges with either end in these namespaces; empty = all. */
  namespaces: string[];
  existing: readonly string[];
  /** Files and directories, or what `generate` would write with the same window, namespaces and direction. */
  proposed: readonly string[] | 'generated';
  /** With `proposed: 'generated'` and a cluster: ports by container port name, as `generate --named-ports` (no effect otherwise). */
  namedPorts?: boolean;
  /**
   * Connected: namespaces' labels and pods' container ports come from the inventory, its
   * NetworkPolicies are the existing ones unless `existing` names files (those then replace
   * them), and silent workloads are listed.
   */
  cluster?: ReportClusterInput;
}

export interface ReportOutcome {
  result: BreakageResult;
  skipped: SkippedObject[];
  /** What loading the --existing/--proposed files noticed (see LoadedPolicies.warnings). */
  fileWarnings: PolicyWarning[];
  /** The --existing/--proposed files and directories that hold no NetworkPolicy, in argument order. */
  emptyPolicyFiles: string[];
  /** Connected: the flow workloads (identity keys) no pod of the cluster matches, sorted. */
  unmatched?: string[];
  /** Connected: the silent workloads' pods, as `reportWorld` adds them to the world (sorted). */
  silentPods?: Pod[];
  /**
   * `--proposed generated`, connected: the generated policies whose namespace/name a policy of the
   * cluster not managed by flowpol already has (the report evaluates the generated one in its
   * place; `apply` would stop on the conflict), as generate's `name-taken` notes.
   */
  namesTaken?: InventoryNote[];
}

export async function report(db: Database, options: ReportOptions): Promise<ReportOutcome> {
  const window = { ...(options.since === undefined ? {} : { since: options.since }), ...(options.until === undefined ? {} : { until: options.until }) };
  // Held as columns: each pass below builds its Edge objects as it goes.
  const edges = selectEdges(db, { ...window, namespaces: options.namespaces });
  const flowNamespaces = loadNamespaces(db);
  const { cluster } = options;
  const inventory = cluster?.inventory;
  const namespaces = inventory === undefined ? flowNamespaces : mergeNamespaces(flowNamespaces, inventory.namespaces);
  const summary = loadIngestTotals(db);
  const fromCluster = inventory !== undefined && options.existing.length === 0;
  const existing = fromCluster ? { policies: inventory.policies, skipped: [], warnings: [], empty: [] } : await loadPolicyFiles(options.existing);
  const skipped = [...existing.skipped];
  const fileWarnings = [...existing.warnings];
  const emptyPolicyFiles = [...existing.empty];
  let proposed: PolicyInput[];
  const namesTaken: InventoryNote[] = [];
  if (options.proposed === 'generated') {
    const generateOptions = {
      ...DEFAULT_GENERATE_OPTIONS, ...window, namespaces: options.namespaces, direction: options.direction,
      ...(options.namedPorts === true ? { namedPorts: true } : {}),
    };
    // Without -n or a window the edges already loaded are exactly what generate reads. Connected,
    // generate uses the same inventory (owner selectors, host network), as `flowpol generate` does.
    const whole = options.namespaces.length === 0 && options.since === undefined && options.until === undefined;
    const generateCluster = cluster === undefined ? undefined : { inventory: cluster.inventory, mode: cluster.modeLine };
    const set = whole
      ? generatePolicies({ edges: [...edges], namespaces: flowNamespaces, ...(generateCluster === undefined ? {} : { cluster: generateCluster }) }, generateOptions)
      : generate(db, generateOptions, generateCluster);
    proposed = set.policies.map((p) => p.policy);
    namesTaken.push(...(set.inventory?.notes ?? []).filter((n) => n.code === 'name-taken'));
  } else {
    const loaded = await loadPolicyFiles(options.proposed);
    proposed = loaded.policies;
    skipped.push(...loaded.skipped);
    fileWarnings.push(...loaded.warnings);
    emptyPolicyFiles.push(...loaded.empty);
  }
  // The window evaluated: the whole clock hours --since/--until select (as the edges read), within the flows ingested.
  const span = hourSpan(options.since, options.until);
  const observed = summary.window === undefined ? undefined : {
    first: Math.max(summary.window.first, span.first),
    last: Math.min(summary.window.last, span.last),
  };
  const observation = {
    ...(observed === undefined || observed.first > observed.last ? {} : { window: observed }),
    lostEvents: summary.lost.reduce((sum, l) => sum + l.lost, 0),
  };
  const pods = inventory === undefined ? undefined : new InventoryPods(inventory, edgeIdentities(edges));
  const podsOf = pods === undefined ? {} : { podsOf: pods.podsOf.bind(pods), isNodeAddress: pods.isNodeAddress.bind(pods) };
  const result = buildBreakageReport({ edges, namespaces, existing: existing.policies, proposed, observation, ...podsOf }, options);
  if (cluster !== undefined && pods !== undefined) {
    const { mode, description } = cluster;
    result.report.cluster = { mode, description, policies: fromCluster ? 'existing' : 'replaced-by-existing-flag' };
    // The world asked `pods` for every edge end's identity: its matches are the observed pods.
    result.report.silent = silentAmong(cluster.inventory, pods.matchedPods(), result.engine, options.namespaces);
    return {
      result, skipped, fileWarnings, emptyPolicyFiles, unmatched: pods.unmatched(), silentPods: silentPods(cluster.inventory, result.report.silent),
      ...(namesTaken.length === 0 ? {} : { namesTaken }),
    };
  }
  return { result, skipped, fileWarnings, emptyPolicyFiles };
}

// ---------------------------------------------------------------------------------------------
// generate: learned edges → least-privilege NetworkPolicies
//
//   SQLite ─loadEdges (window)──────────▶ Edge[] ────────────────┐
//          ─loadEdges (all) − window ───▶ edges left out, listed ─┼─▶ generatePolicies ─▶ PolicySet
//          ─loadNamespaces──────────────▶ Namespace[] ────────────┤
//   cluster inventory (optional: live or snapshot) ───────────────┘ (owner selectors, host network, named ports)
//
// Every namespace's edges are read even with -n: names and selectors then depend only on the
// learned graph, so `-n shop` writes exactly the shop policies of the full output.
// ---------------------------------------------------------------------------------------------

/** `cluster`: the inventory and the mode line saying where it came from; absent = flows only. */
export function generate(db: Database, options: GenerateOptions, cluster?: GenerateInput['cluster']): PolicySet {
  const all = loadEdges(db);
  const windowed = options.since === undefined && options.until === undefined
    ? all
    : loadEdges(db, { ...(options.since === undefined ? {} : { since: options.since }), ...(options.until === undefined ? {} : { until: options.until }) });
  const inside = new Set(windowed.map(edgeKey));
  const outsideWindow = windowed === all ? [] : all.filter((e) => !inside.has(edgeKey(e)));
  return generatePolicies({ edges: windowed, outsideWindow, namespaces: loadNamespaces(db), ...(cluster === undefined ? {} : { cluster }) }, options);
}
