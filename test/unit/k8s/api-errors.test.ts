import { describe, expect, it } from 'vitest';
import { OperationalError } from '../../../src/errors.js';
import { forbiddenMessage, redact, toClusterError } from '../../../src/k8s/api-errors.js';
import type { ApiRequest } from '../../../src/k8s/api-errors.js';
import { parseConflict, policyYaml } from '../../../src/k8s/apply.js';
import { unifiedDiff } from '../../../src/k8s/diff.js';
import type { NetworkPolicy } from '../../../src/model.js';

const target = { server: 'https://10.0.0.1:6443', context: 'prod-admin', timeoutMs: 2500 };
const listNetpol: ApiRequest = { verb: 'list', resource: 'networkpolicies', group: 'networking.k8s.io' };

describe('toClusterError', () => {
  it('names the verb, resource and group to grant on 403', () => {
    const e = toClusterError({ code: 403, body: '{"kind":"Status","message":"x is forbidden"}' }, listNetpol, target);
    expect(e.code).toBe('E_K8S_FORBIDDEN');
    expect(e.message).toBe('forbidden: cannot list networkpolicies.networking.k8s.io at the cluster scope — ' +
      'grant verb "list" on "networkpolicies" in group "networking.k8s.io"');
  });

  it('takes the verb the server checked (create for a new object under server-side apply)', () => {
    const msg = forbiddenMessage({ verb: 'patch', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'prod', name: 'a' },
      'networkpolicies.networking.k8s.io "a" is forbidden: User "u" cannot create resource "networkpolicies" in API group "networking.k8s.io" in the namespace "prod"');
    expect(msg).toBe('forbidden: cannot create networkpolicies.networking.k8s.io in the namespace "prod" — grant verb "create" on "networkpolicies" in group "networking.k8s.io"');
  });

  it('names the core group for pods', () => {
    const e = toClusterError({ code: 403, body: undefined }, { verb: 'list', resource: 'pods', group: '' }, target);
    expect(e.message).toContain('cannot list pods at the cluster scope — grant verb "list" on "pods" in group "" (the core group)');
  });

  it('on 404 says to create a missing namespace; else asks whether the server serves the resource', () => {
    const patch: ApiRequest = { verb: 'patch', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'nope', name: 'b' };
    const missing = toClusterError({ code: 404, body: '{"kind":"Status","message":"namespaces \\"nope\\" not found"}' }, patch, target);
    expect(missing.message).toMatch(/namespaces "nope" not found \(create the namespace first\)$/);
    expect(toClusterError({ code: 404, body: '{"kind":"Status","message":"the server could not find the requested resource"}' }, listNetpol, target).message)
      .toMatch(/\(does the server serve networkpolicies\.networking\.k8s\.io\?\)$/);
  });

  it('says what a plain-HTTP server behind https:// and a missing credential plugin are', () => {
    const plain = Object.assign(new Error('request failed, reason: write EPROTO 804C:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), { code: 'EPROTO' });
    expect(toClusterError(plain, listNetpol, target)).toMatchObject({ code: 'E_K8S_TLS', message: expect.stringContaining('plain-HTTP port behind an https:// URL') });
    const plugin = Object.assign(new Error('spawn /opt/gke-gcloud-auth-plugin ENOENT'), { code: 'ENOENT', syscall: 'spawn /opt/gke-gcloud-auth-plugin' });
    expect(toClusterError(plugin, listNetpol, target).message)
      .toBe('cannot run the credential plugin of context "prod-admin" (user.exec in the kubeconfig): spawn /opt/gke-gcloud-auth-plugin ENOENT — is it installed and on PATH?');
  });

  it('a server-side apply conflict names the fields the server lists on later lines and in details.causes', () => {
    const body = JSON.stringify({
      kind: 'Status', reason: 'Conflict',
      message: 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using networking.k8s.io/v1:\n- .spec.ingress\n- .spec.egress',
      details: { causes: [{ reason: 'FieldManagerConflict', field: '.spec.ingress' }, { reason: 'FieldManagerConflict', field: '.spec.egress' }] },
    });
    const patch: ApiRequest = { verb: 'patch', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'shop', name: 'api' };
    const e = toClusterError({ code: 409, body }, patch, target);
    expect(e.code).toBe('E_K8S_CONFLICT');
    expect(e.message).toContain('conflicts with "kubectl-client-side-apply" using networking.k8s.io/v1: .spec.ingress, .spec.egress — review');
    expect(parseConflict(e.message)).toEqual({ manager: 'kubectl-client-side-apply', fields: ['.spec.ingress', '.spec.egress'] });
  });

  it('reports 401 as rejected (expired or invalid) credentials of the context', () => {
    const e = toClusterError({ code: 401, body: undefined }, listNetpol, target);
    expect(e.code).toBe('E_K8S_UNAUTHORIZED');
    expect(e.message).toContain('context "prod-admin"');
    expect(e.message).toContain('expired or invalid');
  });

  it('reports an abort as a timeout with the configured seconds', () => {
    const abort = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' });
    const e = toClusterError(abort, listNetpol, target);
    expect(e.code).toBe('E_K8S_TIMEOUT');
    expect(e.message).toContain('within 2.5s');
    expect(e.message).toContain('--request-timeout');
  });

  it('reports connection refused as unreachable, one line', () => {
    const e = toClusterError(Object.assign(new Error('request to https://10.0.0.1:6443 failed, reason: connect ECONNREFUSED'), { code: 'ECONNREFUSED', type: 'system' }), listNetpol, target);
    expect(e.code).toBe('E_K8S_UNREACHABLE');
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain('https://10.0.0.1:6443');
  });

  it('maps 409 to a conflict that points at --force-conflicts', () => {
    const e = toClusterError({ code: 409, body: '{"message":"Apply failed with 1 conflict: conflict with \\"kubectl\\""}' },
      { verb: 'patch', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'prod', name: 'a' }, target);
    expect(e.code).toBe('E_K8S_CONFLICT');
    expect(e.message).toContain('--force-conflicts');
    expect(e.message).toContain('conflict with "kubectl"');
  });

  it('passes an OperationalError through unchanged', () => {
    const original = new OperationalError('E_X', 'x');
    expect(toClusterError(original, listNetpol, target)).toBe(original);
  });
});

describe('redact', () => {
  it('masks bearer tokens, JWTs and token= values and keeps one line', () => {
    const out = redact('failed: Authorization: Bearer abc.def token=s3cr3t eyJhbGciOi.eyJzdWIi.sig\nsecond line');
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('second line');
  });

  it('masks the user:password of URLs, and only that', () => {
    expect(redact('request to https://admin:s3cr3t@10.0.0.1:6443/api failed')).toBe('request to https://***@10.0.0.1:6443/api failed');
    expect(redact('GET https://10.0.0.1:6443/api/v1/pods?limit=5 a@b')).toBe('GET https://10.0.0.1:6443/api/v1/pods?limit=5 a@b');
  });
});

describe('the diff apply shows', () => {
  const labels = { before: 'a (live)', after: 'a (applied)' };
  const lines = (n: number, changed: Record<number, string> = {}): string => Array.from({ length: n }, (_, i) => `${changed[i] ?? `line ${i}`}\n`).join('');

  it('joins changes whose context windows meet into one hunk, as diff -u does', () => {
    // Changes at lines 1 and 8: the 6 lines between are exactly two contexts of 3.
    expect(unifiedDiff(lines(8), lines(8, { 0: 'first', 7: 'last' }), labels)).toBe(
      ['--- a (live)', '+++ a (applied)', '@@ -1,8 +1,8 @@', '-line 0', '+first', ...[1, 2, 3, 4, 5, 6].map((i) => ` line ${i}`), '-line 7', '+last', ''].join('\n'),
    );
    // One line more between them: two hunks.
    expect(unifiedDiff(lines(9), lines(9, { 0: 'first', 8: 'last' }), labels).match(/^@@ /gm)).toHaveLength(2);
  });

  it('shows no metadata for empty labels or annotations (an empty map is no change)', () => {
    const p: NetworkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'ns' }, spec: { podSelector: {} } };
    expect(policyYaml({ ...p, metadata: { ...p.metadata, labels: {}, annotations: {} } })).toBe(policyYaml(p));
    expect(policyYaml(p)).toBe('spec:\n  podSelector: {}\n');
  });
});
