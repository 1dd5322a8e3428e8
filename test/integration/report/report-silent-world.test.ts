// `flowpol report --world-out` connected to a cluster, through the built CLI (run `npm run build`
// first): the silent workloads' pods (inventory pods with no observed traffic that the policies
// isolate) are pods of the written world, with their own names, labels and container ports and no
// probes, and `flowpol check` still agrees on every probe. The seed recording with the snapshot
// fixtures/seed-inventory.yaml: production/CronJob/db-backup is silent; with a default-deny in
// every namespace, monitoring/Deployment/grafana too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { FIXTURES, SNAPSHOT, useSeedDb } from './seed-db.js';
import { expectCheckAgrees } from './world-agreement.js';


interface WorldPod { namespace: string; name: string; labels: Record<string, string>; ports: unknown[] }
interface World { note: string; pods: WorldPod[]; probes: { from: string; to: string }[] }
interface JsonReport { silent?: { namespace: string; pods: string[] }[] }

const BACKUP: WorldPod = {
  namespace: 'production', name: 'db-backup-29470500-7xq2m',
  labels: { app: 'db-backup', 'batch.kubernetes.io/job-name': 'db-backup-29470500', 'job-name': 'db-backup-29470500' }, ports: [],
};
const GRAFANA: WorldPod = {
  namespace: 'monitoring', name: 'grafana-6b8d9c7f5-m4n5p',
  labels: { app: 'grafana', 'pod-template-hash': '6b8d9c7f5' }, ports: [{ name: 'http', port: 3000, protocol: 'TCP' }],
};

const seed = useSeedDb('flowpol-report-silent-world-');

/** Runs the report with -o json --world-out; `flowpol check` must agree; returns the report and the world. */
async function reportWorld(name: string, args: string[]): Promise<{ report: JsonReport; world: World }> {
  const file = join(seed.dir, `${name}.world.json`);
  const r = await runCli(['report', '--db', seed.db, '-o', 'json', '--world-out', file, ...args]);
  expect(r.code, r.stderr).toBe(0);
  await expectCheckAgrees(r, file);
  return { report: JSON.parse(r.stdout) as JsonReport, world: JSON.parse(readFileSync(file, 'utf8')) as World };
}

const names = (world: World): string[] => world.pods.map((p) => `${p.namespace}/${p.name}`);
const silentNames = (report: JsonReport): string[] => (report.silent ?? []).flatMap((w) => w.pods.map((p) => `${w.namespace}/${p}`)).sort();

describe('the silent workloads\' pods in --world-out', () => {
  it('the idle CronJob\'s pod is in the world with its labels and ports, in no probe', async () => {
    const { report, world } = await reportWorld('silent', ['--inventory', SNAPSHOT]);
    expect(silentNames(report)).toEqual(['production/db-backup-29470500-7xq2m']);
    expect(world.pods.find((p) => p.name === BACKUP.name)).toEqual(BACKUP);
    expect(world.pods.find((p) => p.name === GRAFANA.name)).toBeUndefined(); // not isolated: not silent
    expect(world.probes.filter((p) => p.from === `production/${BACKUP.name}` || p.to === `production/${BACKUP.name}`)).toEqual([]);
    expect(world.note).toContain('the silent workloads\' pods (no traffic, no probes)');
    // Sorted by namespace and name, the workload pods with them.
    expect(names(world)).toEqual([...names(world)].sort());
    expect(names(world)).toEqual(['kube-system/kube-dns', 'monitoring/prometheus', 'production/api-server', 'production/db-backup-29470500-7xq2m', 'production/frontend', 'production/postgres']);
  });

  for (const [name, extra] of [['default-deny', []], ['generated, named ports', ['--proposed', 'generated', '--named-ports']]] as const) {
    it(`${name}: every silent pod the report lists is a pod of the world, and check agrees`, async () => {
      const { report, world } = await reportWorld(name.replace(/\W+/g, '-'), ['--inventory', SNAPSHOT, '--default-deny', 'all', ...extra]);
      expect(silentNames(report)).toEqual([`monitoring/${GRAFANA.name}`, `production/${BACKUP.name}`]);
      expect(world.pods.filter((p) => p.name === GRAFANA.name || p.name === BACKUP.name)).toEqual([GRAFANA, BACKUP]);
    });
  }

  it('-n keeps them to those namespaces, as the section', async () => {
    const { report, world } = await reportWorld('scoped', ['--inventory', SNAPSHOT, '--default-deny', 'all', '-n', 'monitoring']);
    expect(silentNames(report)).toEqual([`monitoring/${GRAFANA.name}`]);
    expect(names(world)).toContain(`monitoring/${GRAFANA.name}`);
    expect(names(world)).not.toContain(`production/${BACKUP.name}`);
  });

  it('offline there are none, and the note says nothing of them', async () => {
    const { report, world } = await reportWorld('offline', ['--existing', `${FIXTURES}/seed-cluster-policies.yaml`]);
    expect(report.silent).toBeUndefined();
    expect(names(world)).not.toContain(`production/${BACKUP.name}`);
    expect(world.note).not.toContain('silent');
  });
});
