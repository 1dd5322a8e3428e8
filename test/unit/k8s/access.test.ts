import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../../src/errors.js';
import { describeAccess, resolveClusterAccess, SERVICE_ACCOUNT_TOKEN } from '../../../src/k8s/access.js';
import type { ClusterAccessOptions } from '../../../src/k8s/access.js';
import { parseRequestTimeout } from '../../../src/cli/kube-options.js';

const base: ClusterAccessOptions = { requestTimeoutMs: 30_000, chunkSize: 500 };
const world = (files: string[], env: NodeJS.ProcessEnv = {}) => ({ env: { HOME: '/home/u', ...env }, exists: (p: string) => files.includes(p) });

describe('resolveClusterAccess', () => {
  it('prefers --kubeconfig, then KUBECONFIG (skipping missing entries), then ~/.kube/config', () => {
    const all = world(['/k', '/b', '/home/u/.kube/config'], { KUBECONFIG: '/missing:/b' });
    expect(resolveClusterAccess({ ...base, kubeconfig: '/k' }, all)).toMatchObject({ mode: 'live', config: { files: ['/k'], origin: '--kubeconfig' } });
    expect(resolveClusterAccess(base, all)).toMatchObject({ mode: 'live', config: { files: ['/b'], origin: 'KUBECONFIG' } });
    expect(resolveClusterAccess(base, world(['/home/u/.kube/config']))).toMatchObject({ config: { origin: '~/.kube/config' } });
  });

  it('uses the in-cluster service account when nothing else is found', () => {
    const inCluster = world([SERVICE_ACCOUNT_TOKEN], { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' });
    expect(resolveClusterAccess(base, inCluster)).toMatchObject({ mode: 'live', config: { kind: 'in-cluster' } });
    // Both variables are needed (as client-go's InClusterConfig): either alone is no cluster.
    expect(resolveClusterAccess(base, world([SERVICE_ACCOUNT_TOKEN], { KUBERNETES_SERVICE_HOST: '10.96.0.1' }))).toMatchObject({ mode: 'offline' });
    expect(resolveClusterAccess(base, world([SERVICE_ACCOUNT_TOKEN], { KUBERNETES_SERVICE_PORT: '443' }))).toMatchObject({ mode: 'offline' });
  });

  it('is offline by default when no kubeconfig exists, and says why', () => {
    const access = resolveClusterAccess(base, world([]));
    expect(access.mode).toBe('offline');
    expect(describeAccess(access)).toContain('cluster mode: offline, flows only (no kubeconfig found');
  });

  it('reads a snapshot with --inventory and refuses to mix it with cluster flags', () => {
    expect(resolveClusterAccess({ ...base, inventory: 'w.yaml' }, world([]))).toEqual({ mode: 'snapshot', file: 'w.yaml' });
    expect(() => resolveClusterAccess({ ...base, inventory: 'w.yaml', context: 'x' }, world([]))).toThrow(UsageError);
    expect(() => resolveClusterAccess({ ...base, offline: true, kubeconfig: '/k' }, world(['/k']))).toThrow(UsageError);
  });

  it('names a missing --kubeconfig file', () => {
    expect(() => resolveClusterAccess({ ...base, kubeconfig: '/nope' }, world([]))).toThrow(InputError);
    expect(() => resolveClusterAccess({ ...base, kubeconfig: '/nope' }, world([]))).toThrow(/\/nope: kubeconfig file not found/);
  });
});

describe('parseRequestTimeout', () => {
  it('reads kubectl durations', () => {
    expect(parseRequestTimeout('0')).toBe(0);
    expect(parseRequestTimeout('5')).toBe(5000);
    expect(parseRequestTimeout('500ms')).toBe(500);
    expect(parseRequestTimeout('1m30s')).toBe(90_000);
  });
  it('rejects garbage with a usage error', () => {
    expect(() => parseRequestTimeout('soon')).toThrow(UsageError);
    expect(() => parseRequestTimeout('5x')).toThrow(/--request-timeout "5x"/);
  });
});
