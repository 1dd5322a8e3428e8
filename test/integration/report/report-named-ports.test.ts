// `flowpol report --named-ports` through the built CLI (run `npm run build` first): with
// `--proposed generated` the report evaluates what `flowpol generate --named-ports` writes for the
// same cluster (the seed recording with the snapshot fixtures/seed-inventory.yaml), `flowpol check`
// agrees with its --world-out, it is a usage error with --proposed files, and it needs a cluster.
// UPDATE_GOLDEN=1 rewrites the goldens.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { matchesGolden } from '../../unit/report/golden.js';
import { SNAPSHOT, useSeedDb } from './seed-db.js';
import { expectCheckAgrees } from './world-agreement.js';

const NAMED = ['--inventory', SNAPSHOT, '--proposed', 'generated', '--named-ports', '--default-deny', 'all'];

interface Policy { metadata: { namespace: string; name: string }; spec: { ingress?: { ports?: { port?: number | string }[] }[]; egress?: { ports?: { port?: number | string }[] }[] } }
interface JsonReport { policies: { ref: string; provenance: string }[]; totals: Record<string, { edges: number; flows: number }> }

const seed = useSeedDb('flowpol-report-named-ports-');

async function report(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli(['report', '--db', seed.db, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** Every port a policy's rules write, as written (numbers or names). */
const portsOf = (policies: readonly Policy[]): (number | string)[] =>
  policies.flatMap((p) => [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])].flatMap((r) => (r.ports ?? []).map((port) => port.port ?? 'all')));

describe('report --proposed generated --named-ports', () => {
  for (const [format, ext] of [['text', 'txt'], ['json', 'json']] as const) {
    it(`golden, -o ${format}`, async () => {
      matchesGolden(`seed-inventory-named-ports.${ext}`, (await report(['-o', format, ...NAMED])).stdout);
    });
  }

  it('nothing breaks, and flowpol check agrees with its --world-out', async () => {
    const world = join(seed.dir, 'named.world.json');
    const r = await report(['-o', 'json', '--world-out', world, ...NAMED]);
    expect((JSON.parse(r.stdout) as JsonReport).totals.breaks).toEqual({ edges: 0, flows: 0 });
    await expectCheckAgrees(r, world);
  });

  it('the proposed policies it evaluated are exactly what `flowpol generate --named-ports` writes', async () => {
    const generated = await runCli(['generate', '--db', seed.db, '--inventory', SNAPSHOT, '--named-ports']);
    expect(generated.code, generated.stderr).toBe(0);
    const written = parseAllDocuments(generated.stdout).map((d) => d.toJS() as Policy);
    // Named ports are really in play: without the flag the same policies carry numbers only.
    expect(portsOf(written)).toEqual(expect.arrayContaining(['http', 'metrics', 'postgres', 'dns']));
    const world = join(seed.dir, 'compare.world.json');
    const r = await report(['-o', 'json', '--world-out', world, ...NAMED]);
    const proposed = new Set((JSON.parse(r.stdout) as JsonReport).policies.filter((p) => p.provenance === 'proposed').map((p) => p.ref));
    const evaluated = (JSON.parse(readFileSync(world, 'utf8')) as { policies: Policy[] }).policies
      .filter((p) => proposed.has(`${p.metadata.namespace}/${p.metadata.name}`));
    const byRef = (a: Policy, b: Policy): number => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
    expect(evaluated.length).toBe(written.length);
    expect([...evaluated].sort(byRef)).toEqual([...written].sort(byRef));
  });

  it('without --named-ports the generated policies write numbers only', async () => {
    const world = join(seed.dir, 'numbers.world.json');
    await report(['-o', 'json', '--world-out', world, '--inventory', SNAPSHOT, '--proposed', 'generated', '--default-deny', 'all']);
    const policies = (JSON.parse(readFileSync(world, 'utf8')) as { policies: (Policy & { metadata: { labels?: Record<string, string> } })[] }).policies
      .filter((p) => p.metadata.labels?.['app.kubernetes.io/managed-by'] === 'flowpol');
    expect(policies.length).toBeGreaterThan(0);
    expect(portsOf(policies).every((p) => typeof p === 'number')).toBe(true);
  });

  it('is a usage error with --proposed files (they keep their ports), connected or not', async () => {
    const file = join(seed.dir, 'proposed.yaml');
    const generated = await runCli(['generate', '--db', seed.db, '--inventory', SNAPSHOT]);
    expect(generated.code, generated.stderr).toBe(0);
    writeFileSync(file, generated.stdout);
    for (const cluster of [['--inventory', SNAPSHOT], []]) {
      const r = await runCli(['report', '--db', seed.db, ...cluster, '--proposed', file, '--named-ports']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('flowpol: error [E_USAGE]: --named-ports applies to --proposed generated only: --proposed files keep the ports they were written with\n');
    }
  });

  it('needs a cluster: a usage error offline, worded as generate\'s, before any report', async () => {
    const message = 'flowpol: error [E_USAGE]: --named-ports needs a cluster (live, or --inventory FILE): offline, flowpol knows no container port names\n';
    for (const extra of [[], ['--offline']]) {
      const r = await runCli(['report', '--db', seed.db, '--proposed', 'generated', '--named-ports', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(message);
    }
    const generate = await runCli(['generate', '--db', seed.db, '--named-ports']);
    expect(generate.code).toBe(2);
    expect(generate.stderr.endsWith(message), generate.stderr).toBe(true);
  });
});
