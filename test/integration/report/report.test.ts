// `flowpol report` through the built CLI (run `npm run build` first) on real SQLite files: the seed
// three-tier recording (fixtures/, written by seed-recording.ts) and a bundled Hubble recording.
// Goldens for the three README scenarios and the bundled recording in every format
// (UPDATE_GOLDEN=1 rewrites them), agreement with `flowpol check` through --world-out, the
// seed-scenario claims of issue 6, exit codes and errors.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { expectCheckAgrees } from './world-agreement.js';
import { matchesGolden } from '../../unit/report/golden.js';
import { seedRecording } from './seed-recording.js';

const FIXTURES = 'test/integration/report/fixtures';
const SEED_RECORDING = `${FIXTURES}/seed-three-tier.jsonl`;
const BUNDLED = 'recorded-flows/hubble-otel__basic-sample-400-tcp-flows.jsonl';

/** The README's three scenarios, on the seed recording. */
const SCENARIOS: Record<string, string[]> = {
  'default-deny': ['--default-deny', 'all'],
  'default-deny-generated': ['--default-deny', 'all', '--proposed', 'generated'],
  'too-narrow': ['--existing', `${FIXTURES}/api-too-narrow.yaml`],
};
const FORMATS = { text: 'txt', markdown: 'md', json: 'json' } as const;

interface JsonEdge { status: string; title: string; reason: string; decision: string | null; verdict: { egress: { kind: string }; ingress: { kind: string } } | null }
interface JsonReport { totals: Record<string, { edges: number; flows: number }>; edges: JsonEdge[] }

let dir: string;
let seedDb: string;
let bundledDb: string;

async function collect(db: string, input: string): Promise<void> {
  const r = await runCli(['collect', '--db', db, '--input-file', input]);
  expect(r.code, r.stderr).toBe(0);
}

async function reportJson(db: string, args: string[]): Promise<JsonReport> {
  const r = await runCli(['report', '--db', db, '-o', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonReport;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-report-'));
  seedDb = join(dir, 'seed.db');
  bundledDb = join(dir, 'bundled.db');
  await collect(seedDb, SEED_RECORDING);
  await collect(bundledDb, BUNDLED);
});

describe('the seed recording fixture', () => {
  it('is exactly what seed-recording.ts writes', () => {
    expect(readFileSync(SEED_RECORDING, 'utf8')).toBe(seedRecording());
  });
});

describe('golden reports', () => {
  for (const [name, args] of Object.entries(SCENARIOS)) {
    for (const [format, ext] of Object.entries(FORMATS)) {
      it(`README scenario ${name}, -o ${format}`, async () => {
        const r = await runCli(['report', '--db', seedDb, '-o', format, ...args]);
        expect(r.code, r.stderr).toBe(0);
        // Without a kubeconfig the report falls back to flows only and says so, nothing else.
        expect(r.stderr).toMatch(/^flowpol: cluster mode: offline, flows only \([^\n]*\)\n$/);
        matchesGolden(`${name}.${ext}`, r.stdout);
      });
    }
  }

  for (const [format, ext] of Object.entries(FORMATS)) {
    it(`bundled recording under a default-deny everywhere, -o ${format}`, async () => {
      const r = await runCli(['report', '--db', bundledDb, '-o', format, '--default-deny', 'all', '--show-allowed']);
      expect(r.code, r.stderr).toBe(0);
      matchesGolden(`bundled-tcp-default-deny.${ext}`, r.stdout);
    });
  }

  it('the scenarios say what the README says', async () => {
    const deny = await reportJson(seedDb, SCENARIOS['default-deny'] as string[]);
    expect(deny.totals.allowed?.edges).toBe(0);
    expect(deny.edges[0]?.title).toBe('production/app=frontend -> kube-system/k8s-app=kube-dns UDP/53');
    const generated = await reportJson(seedDb, SCENARIOS['default-deny-generated'] as string[]);
    expect(generated.totals.breaks).toEqual({ edges: 0, flows: 0 });
    expect(generated.totals.allowed).toEqual({ edges: 6, flows: 840 });
    const scoped = await reportJson(seedDb, ['--default-deny', 'production', '--proposed', 'generated', '-n', 'production']);
    expect(scoped.totals.breaks).toEqual({ edges: 0, flows: 0 });
    expect(scoped.totals.allowed?.edges).toBe(6);
    const narrow = await reportJson(seedDb, SCENARIOS['too-narrow'] as string[]);
    expect(narrow.edges.filter((e) => e.status === 'breaks').map((e) => e.title)).toEqual(['monitoring/app=prometheus -> production/app=api-server TCP/9090']);
  });
});

describe('issue 6 claims on the seed scenario', () => {
  it('a policy set that forgets DNS breaks every DNS edge on the egress side', async () => {
    const r = await reportJson(seedDb, ['--existing', `${FIXTURES}/forgets-dns.yaml`]);
    const dns = r.edges.filter((e) => e.title.includes('k8s-app=kube-dns UDP/53'));
    expect(dns).toHaveLength(2);
    for (const e of dns) {
      expect(e.status).toBe('breaks');
      expect(e.verdict?.egress.kind).toBe('denied');
      expect(e.verdict?.ingress.kind).toBe('not-isolated');
      expect(e.reason).toMatch(/^egress at the source denied: isolated by .*production\/default-deny-all/);
    }
    expect(r.totals.breaks).toEqual({ edges: 2, flows: 500 });
  });

  it('a namespaceSelector on a label monitoring lacks breaks the scrape, with that reason', async () => {
    const r = await reportJson(seedDb, ['--existing', `${FIXTURES}/scrape-needs-team-label.yaml`]);
    const breaks = r.edges.filter((e) => e.status === 'breaks');
    expect(breaks.map((e) => e.title)).toEqual(['monitoring/app=prometheus -> production/app=api-server TCP/9090']);
    expect(breaks[0]?.reason).toBe(
      'ingress at the destination denied: isolated by production/allow-prometheus-scrape; closest: production/allow-prometheus-scrape ingress[1] ' +
        'admits the port but only for every pod in namespaces team=observability (namespace monitoring carries kubernetes.io/metadata.name=monitoring, purpose=monitoring)',
    );
  });
});

describe('agreement with flowpol check (--world-out)', () => {
  const cases: Record<string, () => [string, string[]]> = {
    ...Object.fromEntries(Object.entries(SCENARIOS).map(([name, args]) => [name, (): [string, string[]] => [seedDb, args]])),
    'forgets-dns': () => [seedDb, ['--existing', `${FIXTURES}/forgets-dns.yaml`]],
    'bundled, default-deny': () => [bundledDb, ['--default-deny', 'all']],
    'bundled, generated egress only': () => [bundledDb, ['--default-deny', 'all', '--proposed', 'generated', '--direction', 'egress']],
  };
  for (const [name, args] of Object.entries(cases)) {
    it(`${name}: every probe passes`, async () => {
      const [db, more] = args();
      const world = join(dir, `${name.replace(/\W+/g, '-')}.world.json`);
      const r = await runCli(['report', '--db', db, '-o', 'json', '--world-out', world, ...more]);
      expect(r.code, r.stderr).toBe(0);
      await expectCheckAgrees(r, world);
    });
  }
});

describe('exit codes and errors', () => {
  it('--exit-code exits 3 when something would break, 0 otherwise', async () => {
    expect((await runCli(['report', '--db', seedDb, '--default-deny', 'all', '--exit-code'])).code).toBe(3);
    expect((await runCli(['report', '--db', seedDb, '--default-deny', 'all', '--proposed', 'generated', '--exit-code'])).code).toBe(0);
    expect((await runCli(['report', '--db', seedDb, '--default-deny', 'all'])).code).toBe(0);
  });

  it('checks --world-out can be written, and is no input, before printing anything (QA: the whole report came first, then exit 1; it overwrote the database)', async () => {
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    const policyFile = join(dir, 'proposed.yaml');
    writeFileSync(policyFile, readFileSync(`${FIXTURES}/forgets-dns.yaml`));
    for (const [args, code, why] of [[[seedDb], 2, 'is also an input of this report'], [[policyFile, '--proposed', policyFile], 2, 'is also an input of this report'], [[''], 2, '--world-out is empty'], [['-'], 2, '--world-out - is not supported (stdout carries the report)']] as const) {
      const r = await runCli(['report', '--db', seedDb, '--world-out', ...args]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(why);
    }
    expect(readFileSync(policyFile, 'utf8')).toBe(readFileSync(`${FIXTURES}/forgets-dns.yaml`, 'utf8'));
    // Nor a file of a policy directory, nor another name of an input (QA round 3).
    const policies = join(dir, 'policies');
    mkdirSync(policies, { recursive: true });
    writeFileSync(join(policies, 'p.yaml'), readFileSync(`${FIXTURES}/forgets-dns.yaml`));
    linkSync(seedDb, join(dir, 'hard-link.db'));
    for (const args of [[join(policies, 'p.yaml'), '--existing', policies], [join(policies, 'new.json'), '--proposed', policies], [join(dir, 'hard-link.db')]]) {
      const r = await runCli(['report', '--db', seedDb, '--world-out', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('an input of this report; writing the world there would overwrite or add to it');
    }
    for (const [target, why] of [[join(tmpdir(), 'no-such-dir-flowpol', 'w.json'), 'does not exist'], [tmpdir(), 'it is a directory'], [join(aFile, 'w.json'), 'is not a directory']] as const) {
      const r = await runCli(['report', '--db', seedDb, '--world-out', target]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`flowpol: error [E_WRITE]: cannot write the world to ${target}:`);
      expect(r.stderr).toContain(why);
    }
  });

  it('rejects bad flag combinations as usage errors', async () => {
    const mixed = await runCli(['report', '--db', seedDb, '--default-deny', 'all,production']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--default-deny takes a namespace list, "all" or "none", not a mix');
    const proposed = await runCli(['report', '--db', seedDb, '--proposed', 'generated', '--proposed', `${FIXTURES}/forgets-dns.yaml`]);
    expect(proposed.code).toBe(2);
    expect(proposed.stderr).toContain('--proposed generated cannot be combined with --proposed files');
    const twice = await runCli(['report', '--db', seedDb, '--proposed', 'generated', '--proposed', 'generated']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--proposed generated is given more than once; once is enough');
    expect((await runCli(['report', '--db', seedDb, '--direction', 'sideways'])).code).toBe(2);
  });

  it('names the file, line and field of a bad policy, and a missing database', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: production}\nspec:\n  podSelector: {}\n  policyTypes: [Sideways]\n');
    const r = await runCli(['report', '--db', seedDb, '--existing', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6 .*policyTypes`)); // the field's own line
    const missing = await runCli(['report', '--db', join(dir, 'none.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  });
});
