// A fake Kubernetes API server on 127.0.0.1:0 (node:http) that answers the requests flowpol makes
// with real API-shaped JSON: paginated lists (limit/continue honoured), GET of one
// NetworkPolicy, server-side apply (PATCH application/apply-patch+yaml with fieldManager,
// dryRun=All, force) with API defaulting and field-manager conflicts, Status errors (401, 403
// with the apiserver's wording), slow answers. Every request is recorded for assertions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Raw API objects per resource (plural), as an API server would store them. */
export type FakeData = Partial<Record<FakeResource, Record<string, unknown>[]>>;

export const FAKE_RESOURCES = {
  namespaces: { group: '', prefix: '/api/v1', kind: 'NamespaceList', apiVersion: 'v1' },
  pods: { group: '', prefix: '/api/v1', kind: 'PodList', apiVersion: 'v1' },
  deployments: { group: 'apps', prefix: '/apis/apps/v1', kind: 'DeploymentList', apiVersion: 'apps/v1' },
  replicasets: { group: 'apps', prefix: '/apis/apps/v1', kind: 'ReplicaSetList', apiVersion: 'apps/v1' },
  statefulsets: { group: 'apps', prefix: '/apis/apps/v1', kind: 'StatefulSetList', apiVersion: 'apps/v1' },
  daemonsets: { group: 'apps', prefix: '/apis/apps/v1', kind: 'DaemonSetList', apiVersion: 'apps/v1' },
  jobs: { group: 'batch', prefix: '/apis/batch/v1', kind: 'JobList', apiVersion: 'batch/v1' },
  cronjobs: { group: 'batch', prefix: '/apis/batch/v1', kind: 'CronJobList', apiVersion: 'batch/v1' },
  networkpolicies: { group: 'networking.k8s.io', prefix: '/apis/networking.k8s.io/v1', kind: 'NetworkPolicyList', apiVersion: 'networking.k8s.io/v1' },
} as const;
export type FakeResource = keyof typeof FAKE_RESOURCES;

export interface FakeOptions {
  data: FakeData;
  /** Bearer token the server accepts; any other (or none) gets 401. */
  token: string;
  /** `verb resource` pairs answered with 403, e.g. `list networkpolicies`, `patch networkpolicies`. */
  forbidden?: string[];
  /** Delay before answering requests whose path starts with a key, in ms. */
  delays?: Record<string, number>;
  /** The user named in 403 messages. */
  user?: string;
  /** `namespace/name` of NetworkPolicies whose real (not dry-run) apply gets a 500, to fail an apply part way. */
  failRealApply?: string[];
  /** Namespaces that do not exist: a PATCH into one gets the apiserver's 404 `namespaces "x" not found`. */
  missingNamespaces?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeKubeApi {
  url: string;
  requests: RecordedRequest[];
  /** Current stored objects (after real applies). */
  data: FakeData;
  close(): Promise<void>;
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function list(res: ServerResponse, resource: FakeResource, items: Record<string, unknown>[], query: URLSearchParams): void {
  const limit = Number(query.get('limit') ?? '0');
  const token = query.get('continue');
  let offset = 0;
  if (token !== null) {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { resource: string; offset: number };
    if (decoded.resource !== resource) return status(res, 400, 'BadRequest', 'continue token does not match the request');
    offset = decoded.offset;
  }
  const end = limit > 0 ? Math.min(items.length, offset + limit) : items.length;
  const metadata: Record<string, unknown> = { resourceVersion: '4711' };
  if (end < items.length) {
    metadata.continue = Buffer.from(JSON.stringify({ resource, offset: end })).toString('base64');
    metadata.remainingItemCount = items.length - end;
  }
  const meta = FAKE_RESOURCES[resource];
  json(res, 200, { kind: meta.kind, apiVersion: meta.apiVersion, metadata, items: items.slice(offset, end) });
}

/** What a real API server stores for a NetworkPolicy: policyTypes and port protocols defaulted. */
export function defaultNetworkPolicy(obj: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(obj) as { spec: Record<string, unknown> & { ingress?: { ports?: { protocol?: string }[] }[]; egress?: { ports?: { protocol?: string }[] }[] } };
  const spec = copy.spec;
  spec.podSelector ??= {};
  if (spec.policyTypes === undefined) spec.policyTypes = spec.egress !== undefined && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule.ports ?? []) p.protocol ??= 'TCP';
  return copy;
}

type Meta = { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation?: string }[] };

function serverSideApply(req: RecordedRequest, res: ServerResponse, opts: FakeOptions, namespace: string, name: string): void {
  const policies = (opts.data.networkpolicies ??= []);
  if (req.headers['content-type'] !== 'application/apply-patch+yaml') {
    return status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml`);
  }
  if (req.query.get('dryRun') !== 'All' && opts.failRealApply?.includes(`${namespace}/${name}`)) {
    return status(res, 500, 'InternalError', `Internal error occurred: failRealApply: refusing to store ${namespace}/${name}`);
  }
  const manager = req.query.get('fieldManager');
  if (manager === null || manager === '') return status(res, 400, 'BadRequest', 'PATCH, fieldManager is required for apply requests');
  const applied = parseYaml(req.body) as { metadata: Meta; spec: unknown };
  const index = policies.findIndex((p) => (p.metadata as Meta).namespace === namespace && (p.metadata as Meta).name === name);
  const live = policies[index] as { metadata: Meta; spec: unknown } | undefined;
  const owners = (live?.metadata.managedFields ?? []).map((m) => m.manager).filter((m) => m !== manager);
  const changed = live !== undefined && JSON.stringify(defaultNetworkPolicy(applied as never).spec) !== JSON.stringify(live.spec);
  if (changed && owners.length > 0 && req.query.get('force') !== 'true') {
    return status(res, 409, 'Conflict', `Apply failed with 1 conflict: conflict with "${owners[0]}" using networking.k8s.io/v1: .spec`);
  }
  const metadata: Meta & Record<string, unknown> = {
    ...(live?.metadata ?? { uid: `uid-${namespace}-${name}`, creationTimestamp: '2024-05-01T12:00:00Z' }),
    name, namespace,
    labels: { ...(live?.metadata.labels ?? {}), ...(applied.metadata.labels ?? {}) },
    annotations: { ...(live?.metadata.annotations ?? {}), ...(applied.metadata.annotations ?? {}) },
    managedFields: [{ manager, operation: 'Apply' }],
  };
  if (Object.keys(metadata.labels ?? {}).length === 0) delete metadata.labels;
  if (Object.keys(metadata.annotations ?? {}).length === 0) delete metadata.annotations;
  const result = defaultNetworkPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: applied.spec });
  if (req.query.get('dryRun') !== 'All') {
    if (index >= 0) policies[index] = result;
    else policies.push(result);
  }
  json(res, live === undefined ? 201 : 200, result);
}

function route(req: RecordedRequest, res: ServerResponse, opts: FakeOptions): void {
  if (req.headers.authorization !== `Bearer ${opts.token}`) return status(res, 401, 'Unauthorized', 'Unauthorized');
  const one = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies\/([^/]+)$/.exec(req.path);
  const resource = one !== null ? 'networkpolicies' : (Object.keys(FAKE_RESOURCES) as FakeResource[])
    .find((r) => req.path === `${FAKE_RESOURCES[r].prefix}/${r}`);
  if (resource === undefined) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  const verb = req.method === 'PATCH' ? 'patch' : one !== null ? 'get' : 'list';
  if (req.method !== 'GET' && req.method !== 'PATCH') return status(res, 405, 'MethodNotAllowed', `${req.method} is not supported by this fake`);
  if (opts.forbidden?.includes(`${verb} ${resource}`)) {
    const group = FAKE_RESOURCES[resource].group;
    const full = group === '' ? resource : `${resource}.${group}`;
    const scope = one === null ? 'at the cluster scope' : `in the namespace "${one[1]}"`;
    return status(res, 403, 'Forbidden',
      `${full}${one === null ? '' : ` "${one[2]}"`} is forbidden: User "${opts.user ?? 'system:serviceaccount:ci:flowpol'}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`);
  }
  if (one !== null) {
    const [, namespace = '', name = ''] = one;
    if (req.method === 'PATCH' && opts.missingNamespaces?.includes(namespace)) return status(res, 404, 'NotFound', `namespaces "${namespace}" not found`);
    if (req.method === 'PATCH') return serverSideApply(req, res, opts, namespace, name);
    const found = (opts.data.networkpolicies ?? []).find((p) => (p.metadata as Meta).namespace === namespace && (p.metadata as Meta).name === name);
    if (found === undefined) return status(res, 404, 'NotFound', `networkpolicies.networking.k8s.io "${name}" not found`);
    return json(res, 200, found);
  }
  list(res, resource, opts.data[resource] ?? [], req.query);
}

/** Start the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeKubeApi(opts: FakeOptions): Promise<FakeKubeApi> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const req: RecordedRequest = { method: incoming.method ?? '', path: url.pathname, query: url.searchParams, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(req);
      const delay = Object.entries(opts.delays ?? {}).find(([prefix]) => req.path.startsWith(prefix))?.[1] ?? 0;
      const timer = setTimeout(() => route(req, res, opts), delay);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    data: opts.data,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Write a kubeconfig for `server` (plain http needs insecure-skip-tls-verify in client-node). */
export function writeKubeconfig(dir: string, server: string, token: string, context = 'fake'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', `current-context: ${context}`,
    'clusters:', `- name: ${context}-cluster`, '  cluster:', `    server: ${server}`, '    insecure-skip-tls-verify: true',
    'users:', `- name: ${context}-user`, '  user:', `    token: ${token}`,
    'contexts:', `- name: ${context}`, '  context:', `    cluster: ${context}-cluster`, `    user: ${context}-user`, '',
  ].join('\n'));
  return file;
}
