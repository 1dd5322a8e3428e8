// The shared cluster flags (--kubeconfig, --context, --inventory, --offline, --request-timeout,
// --chunk-size) for every command that reads a cluster: inventory, apply, generate and report.
// Flag names and meanings follow kubectl.
import { Option } from 'commander';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { resolveClusterAccess } from '../k8s/access.js';
import type { ClusterAccess } from '../k8s/access.js';

export interface KubeFlagValues {
  kubeconfig?: string;
  context?: string;
  inventory?: string;
  offline?: boolean;
  requestTimeout: string;
  chunkSize: string;
}

const DEFAULT_REQUEST_TIMEOUT = '30s';
const DEFAULT_CHUNK_SIZE = '500';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** kubectl's --request-timeout: `0` (none), a bare number of seconds, or `500ms`, `30s`, `1m`, `1m30s`. */
export function parseRequestTimeout(value: string): number {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (v === '' || parts.map((p) => p[0]).join('') !== v) {
    throw new UsageError(`--request-timeout ${JSON.stringify(value)}: expected 0, seconds, or a duration like 500ms, 30s, 1m`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS], 0));
}

function parseChunkSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--chunk-size ${JSON.stringify(value)}: expected a positive integer`);
  return n;
}

/**
 * Add the cluster flags to a command. `snapshot` adds --inventory; `offline` adds --offline
 * (apply needs a live cluster and takes neither; inventory has nothing to do offline).
 */
export function addKubeOptions(cmd: Command, opts: { snapshot: boolean; offline: boolean }): Command {
  cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use (default: its current-context)')
    .addOption(new Option('--request-timeout <duration>', 'timeout of each API request: 0 (none), seconds, or 500ms/30s/1m').default(DEFAULT_REQUEST_TIMEOUT))
    .addOption(new Option('--chunk-size <n>', 'items per page when listing (limit/continue)').default(DEFAULT_CHUNK_SIZE));
  if (opts.snapshot) cmd.option('--inventory <file>', 'use an inventory snapshot (from `flowpol inventory`) instead of a live cluster');
  if (opts.offline) cmd.option('--offline', 'do not contact a cluster (the default when no kubeconfig is found)');
  return cmd;
}

/** Resolve the parsed flags into a mode (live, snapshot, offline). */
export function clusterAccessFrom(values: KubeFlagValues): ClusterAccess {
  return resolveClusterAccess({
    kubeconfig: values.kubeconfig,
    context: values.context,
    inventory: values.inventory,
    offline: values.offline === true,
    requestTimeoutMs: parseRequestTimeout(values.requestTimeout),
    chunkSize: parseChunkSize(values.chunkSize),
  });
}

/** Help text lines for the cluster flags, to append to a command's examples. */
export const KUBE_HELP = `
Cluster access (like kubectl): --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the
in-cluster service account. The mode used (live, snapshot, offline) is printed on stderr.
Credentials are never printed. See README "Cluster access" for the minimal ClusterRole.
  flowpol <command> --kubeconfig ~/.kube/prod.yaml --context prod   # that file and context
  flowpol <command> --request-timeout 1m --chunk-size 200           # a slow API server: longer requests, smaller pages`;
