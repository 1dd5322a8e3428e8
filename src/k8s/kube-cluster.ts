// The Cluster seam implemented with @kubernetes/client-node (the ONLY file importing its values).
// Every list is paginated (limit/continue); every request carries a timeout (an AbortSignal set
// in a middleware) and any failure becomes one typed OperationalError (api-errors.ts).
import {
  AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, Observable, PatchStrategy,
} from '@kubernetes/client-node';
import type { ConfigurationOptions, ObservableMiddleware, RequestContext, V1NetworkPolicy } from '@kubernetes/client-node';
import { InputError, UsageError } from '../errors.js';
import type { InventorySource, Namespace, NetworkPolicy } from '../model.js';
import type { LiveAccess } from './access.js';
import { redact, toClusterError, withoutUserInfo } from './api-errors.js';
import type { ApiRequest, RequestTarget } from './api-errors.js';
import { FIELD_MANAGER } from './cluster.js';
import type { ApplyOptions, Cluster, ClusterPod, ClusterWorkload } from './cluster.js';
import { podFromApi, policyFromApi, workloadFromApi } from './from-api.js';

interface Page<T> { items: T[]; metadata?: { _continue?: string } }
type PageParams = { limit: number; _continue?: string };

const NETPOL = { resource: 'networkpolicies', group: 'networking.k8s.io' } as const;

function loadKubeConfig(access: LiveAccess): KubeConfig {
  const kc = new KubeConfig();
  if (access.config.kind === 'in-cluster') {
    kc.loadFromCluster();
  } else {
    for (const [i, file] of access.config.files.entries()) {
      try {
        if (i === 0) {
          kc.loadFromFile(file);
        } else {
          const more = new KubeConfig();
          more.loadFromFile(file);
          kc.mergeConfig(more, true);
        }
      } catch (err) {
        throw new InputError({ file }, `cannot load kubeconfig: ${redact(err instanceof Error ? err.message : String(err))}`);
      }
    }
  }
  if (access.context !== undefined) {
    if (kc.getContextObject(access.context) === null) {
      const known = kc.getContexts().map((c) => c.name).sort().join(', ') || 'none';
      throw new UsageError(`--context ${access.context}: no such context in the kubeconfig (known: ${known})`);
    }
    kc.setCurrentContext(access.context);
  }
  if (!kc.getCurrentContext() || kc.getCurrentCluster() === null) {
    throw new UsageError('the kubeconfig has no usable current-context (or its cluster is missing); pass --context NAME');
  }
  return kc;
}

/** Connect to the cluster `access` names (no request is sent until a method is called). */
export function openKubeCluster(access: LiveAccess): Cluster {
  return new KubeCluster(loadKubeConfig(access), access);
}

class KubeCluster implements Cluster {
  readonly source: InventorySource;
  readonly description: string;
  private readonly target: RequestTarget;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly net: NetworkingV1Api;
  private readonly inFlight = new Set<AbortController>();

  constructor(kc: KubeConfig, private readonly access: LiveAccess) {
    const cluster = kc.getCurrentCluster();
    const server = withoutUserInfo(cluster?.server ?? '?'); // described and named in errors: never its credentials
    const context = kc.getCurrentContext();
    this.source = access.config.kind === 'in-cluster'
      ? { kind: 'in-cluster' }
      : { kind: 'cluster', context, cluster: cluster?.name ?? '' };
    this.description = access.config.kind === 'in-cluster'
      ? `in-cluster service account (${server})`
      : `context "${context}" (${server}) from ${access.config.origin}`;
    this.target = { server, context, timeoutMs: access.requestTimeoutMs };
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.net = kc.makeApiClient(NetworkingV1Api);
  }

  close(): void {
    for (const c of this.inFlight) c.abort();
  }

  /**
   * Run one request with its own AbortController: aborted by the per-request timeout or by
   * close(). (A plain timer, not AbortSignal.any: Node 20 may collect an unreferenced timeout
   * signal joined that way before it fires.)
   */
  private async call<T>(req: ApiRequest, send: (o: ConfigurationOptions) => Promise<T>, extra: ObservableMiddleware[] = []): Promise<T> {
    const controller = new AbortController();
    const ms = this.access.requestTimeoutMs;
    const timer = ms > 0 ? setTimeout(() => controller.abort(), ms) : undefined;
    this.inFlight.add(controller);
    try {
      return await send(this.options(controller.signal, extra));
    } catch (err) {
      throw toClusterError(err, req, this.target);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /** Per-call options: the request's abort signal, plus extra middleware. */
  private options(signal: AbortSignal, extra: ObservableMiddleware[]): ConfigurationOptions {
    const abortable: ObservableMiddleware = {
      pre: (ctx: RequestContext) => {
        ctx.setSignal(signal);
        return new Observable(Promise.resolve(ctx));
      },
      post: (rsp) => new Observable(Promise.resolve(rsp)),
    };
    return { middleware: [abortable, ...extra], middlewareMergeStrategy: 'append' };
  }

  private async listAll<T>(resource: string, group: string, page: (p: PageParams, o: ConfigurationOptions) => Promise<Page<T>>): Promise<T[]> {
    const req: ApiRequest = { verb: 'list', resource, group };
    const items: T[] = [];
    let token: string | undefined;
    do {
      const params: PageParams = token === undefined ? { limit: this.access.chunkSize } : { limit: this.access.chunkSize, _continue: token };
      const result = await this.call(req, (o) => page(params, o));
      items.push(...result.items);
      token = result.metadata?._continue || undefined;
    } while (token !== undefined);
    return items;
  }

  async listNamespaces(): Promise<Namespace[]> {
    const items = await this.listAll('namespaces', '', (p, o) => this.core.listNamespace(p, o));
    return items.map((ns) => ({ name: ns.metadata?.name ?? '', labels: { ...(ns.metadata?.labels ?? {}) } }));
  }

  async listPods(): Promise<ClusterPod[]> {
    const items = await this.listAll('pods', '', (p, o) => this.core.listPodForAllNamespaces(p, o));
    return items.map(podFromApi);
  }

  async listOwners(): Promise<ClusterWorkload[]> {
    const [deployments, replicaSets, statefulSets, daemonSets, jobs, cronJobs] = await Promise.all([
      this.listAll('deployments', 'apps', (p, o) => this.apps.listDeploymentForAllNamespaces(p, o)),
      this.listAll('replicasets', 'apps', (p, o) => this.apps.listReplicaSetForAllNamespaces(p, o)),
      this.listAll('statefulsets', 'apps', (p, o) => this.apps.listStatefulSetForAllNamespaces(p, o)),
      this.listAll('daemonsets', 'apps', (p, o) => this.apps.listDaemonSetForAllNamespaces(p, o)),
      this.listAll('jobs', 'batch', (p, o) => this.batch.listJobForAllNamespaces(p, o)),
      this.listAll('cronjobs', 'batch', (p, o) => this.batch.listCronJobForAllNamespaces(p, o)),
    ]);
    return [
      ...deployments.map((d) => workloadFromApi('Deployment', { metadata: d.metadata, selector: d.spec?.selector, template: d.spec?.template })),
      ...replicaSets.map((r) => workloadFromApi('ReplicaSet', { metadata: r.metadata, selector: r.spec?.selector, template: r.spec?.template })),
      ...statefulSets.map((s) => workloadFromApi('StatefulSet', { metadata: s.metadata, selector: s.spec?.selector, template: s.spec?.template })),
      ...daemonSets.map((d) => workloadFromApi('DaemonSet', { metadata: d.metadata, selector: d.spec?.selector, template: d.spec?.template })),
      ...jobs.map((j) => workloadFromApi('Job', { metadata: j.metadata, selector: j.spec?.selector, template: j.spec?.template, manualSelector: j.spec?.manualSelector })),
      ...cronJobs.map((c) => {
        const job = c.spec?.jobTemplate.spec;
        return workloadFromApi('CronJob', { metadata: c.metadata, selector: job?.selector, template: job?.template, manualSelector: job?.manualSelector });
      }),
    ];
  }

  async listNetworkPolicies(): Promise<NetworkPolicy[]> {
    const items = await this.listAll(NETPOL.resource, NETPOL.group, (p, o) => this.net.listNetworkPolicyForAllNamespaces(p, o));
    return items.map(policyFromApi);
  }

  async getNetworkPolicy(namespace: string, name: string): Promise<NetworkPolicy | undefined> {
    const req: ApiRequest = { verb: 'get', ...NETPOL, namespace, name };
    const found = await this.call(req, (o) => this.net.readNamespacedNetworkPolicy({ namespace, name }, o)
      .catch((err: unknown): V1NetworkPolicy | undefined => {
        if ((err as { code?: unknown }).code === 404) return undefined;
        throw err;
      }));
    return found === undefined ? undefined : policyFromApi(found);
  }

  async applyPolicy(policy: NetworkPolicy, options: ApplyOptions): Promise<NetworkPolicy> {
    const namespace = policy.metadata.namespace ?? '';
    const name = policy.metadata.name;
    const req: ApiRequest = { verb: 'patch', ...NETPOL, namespace, name };
    const applyPatch: ObservableMiddleware = {
      pre: (ctx) => {
        ctx.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
        return new Observable(Promise.resolve(ctx));
      },
      post: (rsp) => new Observable(Promise.resolve(rsp)),
    };
    const result = await this.call(req, (o) => this.net.patchNamespacedNetworkPolicy({
      namespace,
      name,
      body: policy,
      fieldManager: FIELD_MANAGER,
      // Reject unknown or duplicated fields instead of silently dropping them.
      fieldValidation: 'Strict',
      ...(options.dryRun === 'server' ? { dryRun: 'All' } : {}),
      ...(options.force ? { force: true } : {}),
    }, o), [applyPatch]);
    return policyFromApi(result);
  }
}
