// `flowpol generate` as a user runs it: the built CLI on databases collected from the bundled
// recordings (real SQLite files in a temp dir). Golden files: UPDATE_GOLDEN=1 rewrites them.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkPolicy as K8sNetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generate } from '../../../src/pipeline.js';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { renderManifests } from '../../../src/policy/manifests.js';
import { openDatabase } from '../../../src/store/database.js';
import { loadEdges, loadNamespaces } from '../../../src/store/edges.js';
import { REPO_ROOT, runCli } from '../../support/cli.js';
import { expectGolden } from '../../unit/generate/golden.js';
import { ProofWorld, prove } from '../../unit/generate/proof.js';

const RECORDINGS = join(REPO_ROOT, 'recorded-flows');
const FILES = readdirSync(RECORDINGS).filter((f) => f.startsWith('hubble-otel__')).sort();
let dir: string;
let db: string;

async function collect(dbPath: string, inputs: string[]): Promise<void> {
  const r = await runCli(['collect', '--db', dbPath, ...inputs.flatMap((f) => ['--input-file', join(RECORDINGS, f)])]);
  if (r.code !== 0) throw new Error(`collect failed (${r.code}): ${r.stderr}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-generate-'));
  db = join(dir, 'all.db');
  await collect(db, FILES);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `flowpol generate --db file` prints, in-process (the CLI's own pipeline and renderer). */
function render(file: string): string {
  const handle = openDatabase(file, { readonly: true });
  try {
    return renderManifests(generate(handle, DEFAULT_GENERATE_OPTIONS), DEFAULT_GENERATE_OPTIONS, 'yaml');
  } finally {
    handle.close();
  }
}

describe('flowpol generate on the bundled recordings', () => {
  it('writes the golden YAML stream and JSON List, with a summary on stderr', async () => {
    const yaml = await runCli(['generate', '--db', db]);
    expect(yaml.code).toBe(0);
    expectGolden('recordings.yaml', yaml.stdout);
    expect(render(db)).toBe(yaml.stdout);
    expect(yaml.stderr).toMatch(/^flowpol: generated \d+ policies in \d+ namespaces \(\d+ rules\)$/m);
    expect(yaml.stderr).toContain('[not-governed-host]');
    const json = await runCli(['generate', '--db', db, '-o', 'json']);
    expect(json.code).toBe(0);
    expectGolden('recordings.json', json.stdout);
  });

  it('writes one golden per recording, deterministic across runs', async () => {
    for (const file of FILES) {
      const one = join(dir, `${file}.db`);
      await collect(one, [file]);
      const first = render(one);
      expectGolden(`recording-${file.replace(/^hubble-otel__|\.jsonl$/g, '')}.yaml`, first);
      expect(render(one)).toBe(first);
    }
  }, 300_000);

  it('writes manifests the NetworkPolicy schema accepts and kubectl can split', async () => {
    const r = await runCli(['generate', '--db', db, '--always-dns', '--port-ranges', '--cidr-prefix', '24']);
    const docs = parseAllDocuments(r.stdout);
    expect(docs.length).toBeGreaterThan(5);
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      expect(() => new K8sNetworkPolicy(doc.toJS()).validate()).not.toThrow();
    }
  });

  it('is proven by the policy engine on the learned graph', () => {
    const handle = openDatabase(db, { readonly: true });
    const edges = loadEdges(handle);
    const namespaces = loadNamespaces(handle);
    handle.close();
    const world = new ProofWorld(generatePolicies({ edges, namespaces }, DEFAULT_GENERATE_OPTIONS), edges, namespaces);
    const proof = prove(world);
    expect(proof.failures).toEqual([]);
    expect(proof.allowed).toBeGreaterThan(10);
    expect(proof.checked).toBeGreaterThan(1000);
  });

  it('-n writes exactly the policies of those namespaces from the full output', async () => {
    const all = parseAllDocuments((await runCli(['generate', '--db', db])).stdout).map((d) => d.toJS() as { metadata: { namespace: string } });
    const bookinfo = await runCli(['generate', '--db', db, '-n', 'bookinfo']);
    expect(bookinfo.code).toBe(0);
    const docs = parseAllDocuments(bookinfo.stdout).map((d) => d.toJS());
    expect(docs).toEqual(all.filter((p) => p.metadata.namespace === 'bookinfo'));
    expect(docs.length).toBeGreaterThan(0);
    expect(bookinfo.stderr).not.toContain('no policy for it');
    const typo = await runCli(['generate', '--db', db, '-n', 'bookinfo', '-n', 'bookinf']);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toContain('flowpol: warning: -n bookinf: no policy for it (no learned workload there, or a typo)\n');
    expect(parseAllDocuments(typo.stdout).map((d) => d.toJS())).toEqual(docs);
    // Comma lists and repeats: each namespace once, sorted, empty items dropped.
    const lists = await runCli(['generate', '--db', db, '-n', 'zz-typo,bookinfo,', '-n', 'bookinf,zz-typo']);
    expect(lists.code).toBe(0);
    expect(lists.stderr.split('\n').filter((l) => l.startsWith('flowpol: warning: -n'))).toEqual([
      'flowpol: warning: -n bookinf: no policy for it (no learned workload there, or a typo)',
      'flowpol: warning: -n zz-typo: no policy for it (no learned workload there, or a typo)',
    ]);
    expect(parseAllDocuments(lists.stdout).map((d) => d.toJS())).toEqual(docs);
  });

  it('--out-dir writes one file per namespace', async () => {
    const out = join(dir, 'out');
    const r = await runCli(['generate', '--db', db, '--out-dir', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const files = readdirSync(out).sort();
    expect(files).toContain('bookinfo.yaml');
    for (const f of files.filter((name) => name.endsWith('.yaml'))) {
      const ns = f.slice(0, -'.yaml'.length);
      for (const doc of parseAllDocuments(readFileSync(join(out, f), 'utf8'))) {
        expect((doc.toJS() as { metadata: { namespace: string } }).metadata.namespace).toBe(ns);
      }
    }
  });

  it('--out-dir into a directory an earlier run wrote more into warns of the files it did not write (QA: apply -f would take them), and deletes none', async () => {
    const out = join(dir, 'out-again');
    expect((await runCli(['generate', '--db', db, '--out-dir', out])).code).toBe(0);
    const all = readdirSync(out).sort();
    expect(all.length).toBeGreaterThan(2);
    writeFileSync(join(out, 'README.md'), 'mine\n');
    mkdirSync(join(out, 'sub'));
    writeFileSync(join(out, 'sub', 'old.YML'), 'kind: List\n'); // apply -f reads subdirectories, and .YML, too
    const r = await runCli(['generate', '--db', db, '--out-dir', out, '-n', 'bookinfo']);
    expect(r.code).toBe(0);
    const stale = [...all.filter((name) => name !== 'bookinfo.yaml'), join('sub', 'old.YML')].sort();
    expect(r.stderr).toContain(`flowpol: warning: ${out} also holds ${stale.join(', ')}, not written by this run (an earlier one's?): \`flowpol apply -f ${out}\` would apply them too`);
    expect(readdirSync(out).sort()).toEqual([...all, 'README.md', 'sub'].sort());
    rmSync(join(out, 'sub'), { recursive: true });
    expect((await runCli(['generate', '--db', db, '--out-dir', out])).stderr).not.toContain('also holds');
  });

  it('--direction egress and --min-count shape the output and say what was left out', async () => {
    const r = await runCli(['generate', '--db', db, '--direction', 'egress', '--min-count', '50']);
    expect(r.code).toBe(0);
    for (const doc of parseAllDocuments(r.stdout)) {
      const p = doc.toJS() as { spec: { policyTypes: string[]; ingress?: unknown } };
      expect(p.spec.policyTypes).toEqual(['Egress']);
      expect(p.spec.ingress).toBeUndefined();
    }
    expect(r.stdout).toContain('[left-out-min-count]');
    expect(r.stderr).toMatch(/left-out-min-count: \d+ edges/);
  });

  it('--since after every flow leaves every edge out, and says so', async () => {
    const r = await runCli(['generate', '--db', db, '--since', '2030-01-01T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('flowpol: generated 0 policies');
    expect(r.stdout).toContain('left-out-window:');
    expect(parseAllDocuments(r.stdout)).toHaveLength(0);
  });

  it('states the whole clock hours a --since/--until window reads, beside the options as given', async () => {
    const r = await runCli(['generate', '--db', db, '--since', '2030-01-01T03:30:00Z', '--until', '2030-01-01T10:00:00Z']);
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.split('\n').slice(1, 3);
    expect(header[0]).toContain('--since 2030-01-01T03:30:00.000Z --until 2030-01-01T10:00:00.000Z');
    expect(header[1]).toBe('# window: 2030-01-01T03:00:00.000Z .. 2030-01-01T11:00:00.000Z (whole clock hours: the database counts edges per hour)');
    const open = await runCli(['generate', '--db', db, '--until', '2030-01-01T10:00:00Z']);
    expect(open.stdout.split('\n')[2]).toBe('# window: the first flow .. 2030-01-01T11:00:00.000Z (whole clock hours: the database counts edges per hour)');
  });

  it('reports bad flags and a missing database with the right exit codes', { timeout: 180_000 }, async () => {
    const missing = await runCli(['generate', '--db', join(dir, 'nope.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('E_DB_MISSING');
    for (const args of [['--min-count', '0'], ['--cidr-prefix', '33'], ['--direction', 'up'], ['-n', 'a', '--all-namespaces']]) {
      const r = await runCli(['generate', '--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('documents every flag with examples', async () => {
    const r = await runCli(['generate', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--direction', '--min-count', '--since', '--port-ranges', '--always-dns', '--cidr-prefix', '--cidr-prefix-v6', '--out-dir', '-o, --output']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('Examples:');
  });
});
