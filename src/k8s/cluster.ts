// The seam between flowpol and a Kubernetes API server. `kube-cluster.ts` implements it with
// @kubernetes/client-node; tests and other stages may implement it with plain data. Everything
// here is in flowpol's own shapes (src/model.ts), never client-node classes.
import type {
  ContainerPort, InventorySource, LabelSelector, Namespace, NetworkPolicy, ObjectRef, WorkloadKind,
} from '../model.js';

/** A pod as listed, before owner resolution. */
export interface ClusterPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** `status.podIPs` (or `status.podIP`), in the server's order. */
  ips: string[];
  /** Declared containerPorts of containers and restartable (sidecar) init containers. */
  ports: ContainerPort[];
  hostNetwork: boolean;
  /** The controller owner reference (`controller: true`), if any. */
  controller?: ObjectRef;
  nodeName?: string;
  phase?: string;
}

/** A workload object (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) as listed. */
export interface ClusterWorkload {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  /** `spec.selector` (for CronJob: `spec.jobTemplate.spec.selector`), as written. */
  selector?: LabelSelector;
  /** Labels of the pod template (`spec.template` or, for CronJob, the job template's). */
  templateLabels: Record<string, string>;
  /** Job only: `spec.manualSelector`. */
  manualSelector?: boolean;
  controller?: ObjectRef;
}

export type DryRun = 'server' | 'none';

export interface ApplyOptions {
  /** `server`: the API server validates and computes the result but persists nothing (`dryRun=All`). */
  dryRun: DryRun;
  /** Take over fields another field manager owns (`force=true`); only with --force-conflicts. */
  force: boolean;
}

/** One API server, read-only except for `applyPolicy` (server-side apply; flowpol never deletes). */
export interface Cluster {
  /** Which cluster this is, for the "mode" line and the snapshot's `source`. */
  readonly source: InventorySource;
  /** Human description for messages, e.g. `context "kind-dev" (https://127.0.0.1:6443)`. */
  readonly description: string;
  listNamespaces(): Promise<Namespace[]>;
  listPods(): Promise<ClusterPod[]>;
  /** All objects of the workload kinds flowpol resolves owners through. */
  listOwners(): Promise<ClusterWorkload[]>;
  listNetworkPolicies(): Promise<NetworkPolicy[]>;
  /** The live policy, or undefined when it does not exist (404). */
  getNetworkPolicy(namespace: string, name: string): Promise<NetworkPolicy | undefined>;
  /** Server-side apply (`fieldManager=flowpol`); returns the object as the server has (or would have) it. */
  applyPolicy(policy: NetworkPolicy, options: ApplyOptions): Promise<NetworkPolicy>;
  /** Abort requests still in flight (after one of several parallel requests failed). */
  close(): void;
}

/** The field manager flowpol applies as. */
export const FIELD_MANAGER = 'flowpol';
