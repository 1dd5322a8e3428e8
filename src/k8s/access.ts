// Decides how flowpol reaches a cluster, the way kubectl does: --kubeconfig, then $KUBECONFIG
// (a path list; missing entries skipped), then ~/.kube/config, then the in-cluster service
// account. With none of them, or with --offline, flowpol runs on flows only; with --inventory it
// reads a snapshot. Pure apart from file-existence checks, so every branch is testable.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InputError, UsageError } from '../errors.js';

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The shared cluster flags, already parsed. */
export interface ClusterAccessOptions {
  kubeconfig?: string;
  context?: string;
  /** A snapshot written by `flowpol inventory`, used instead of a live cluster. */
  inventory?: string;
  offline?: boolean;
  /** Per-request timeout in milliseconds; 0 = none. */
  requestTimeoutMs: number;
  /** Page size for list requests (`limit`). */
  chunkSize: number;
}

export type KubeconfigOrigin = '--kubeconfig' | 'KUBECONFIG' | '~/.kube/config';

export type LiveConfig =
  | { kind: 'files'; files: string[]; origin: KubeconfigOrigin }
  | { kind: 'in-cluster' };

export interface LiveAccess {
  mode: 'live';
  config: LiveConfig;
  context?: string;
  requestTimeoutMs: number;
  chunkSize: number;
}

export type ClusterAccess =
  | LiveAccess
  | { mode: 'snapshot'; file: string }
  | { mode: 'offline'; reason: string };

export interface AccessEnvironment {
  env: NodeJS.ProcessEnv;
  exists: (path: string) => boolean;
}

const REAL: AccessEnvironment = { env: process.env, exists: existsSync };

/** Pick the mode: snapshot, live (and from which kubeconfig), or offline with the reason. */
export function resolveClusterAccess(opts: ClusterAccessOptions, where: AccessEnvironment = REAL): ClusterAccess {
  const { env, exists } = where;
  if (opts.inventory !== undefined) {
    const clash = [opts.offline ? '--offline' : '', opts.kubeconfig !== undefined ? '--kubeconfig' : '', opts.context !== undefined ? '--context' : '']
      .filter((f) => f !== '');
    if (clash.length > 0) throw new UsageError(`--inventory reads a snapshot instead of a cluster; it cannot be combined with ${clash.join(', ')}`);
    return { mode: 'snapshot', file: opts.inventory };
  }
  if (opts.offline) {
    if (opts.kubeconfig !== undefined || opts.context !== undefined) {
      throw new UsageError('--offline cannot be combined with --kubeconfig or --context');
    }
    return { mode: 'offline', reason: '--offline was given' };
  }
  const live = (config: LiveConfig): LiveAccess => ({
    mode: 'live', config, context: opts.context, requestTimeoutMs: opts.requestTimeoutMs, chunkSize: opts.chunkSize,
  });
  if (opts.kubeconfig !== undefined) {
    if (!exists(opts.kubeconfig)) throw new InputError({ file: opts.kubeconfig }, 'kubeconfig file not found (--kubeconfig)');
    return live({ kind: 'files', files: [opts.kubeconfig], origin: '--kubeconfig' });
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '' && exists(f));
  if (fromEnv.length > 0) return live({ kind: 'files', files: fromEnv, origin: 'KUBECONFIG' });
  const home = env.HOME ?? homedir();
  const homeConfig = join(home, '.kube', 'config');
  if (home !== '' && exists(homeConfig)) return live({ kind: 'files', files: [homeConfig], origin: '~/.kube/config' });
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && exists(SERVICE_ACCOUNT_TOKEN)) {
    return live({ kind: 'in-cluster' });
  }
  if (opts.context !== undefined) {
    throw new UsageError(`--context ${opts.context} was given but no kubeconfig was found (--kubeconfig, KUBECONFIG, ~/.kube/config)`);
  }
  return { mode: 'offline', reason: 'no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster service account)' };
}

/** The one line that tells the user which mode was used (stderr). */
export function describeAccess(access: ClusterAccess, clusterDescription?: string): string {
  switch (access.mode) {
    case 'live':
      return `cluster mode: live, ${clusterDescription ?? 'cluster'}`;
    case 'snapshot':
      return `cluster mode: snapshot, inventory read from ${access.file}`;
    case 'offline':
      return `cluster mode: offline, flows only (${access.reason})`;
  }
}
