// The package as a library: what `import 'flowpol'` resolves to (package.json "main", the built
// dist/index.js; run `npm run build` first), in a fresh Node process as a user's program would
// load it. Importing it must not load @kubernetes/client-node (~80 MB and ~1 s: it is loaded on
// first use of a live cluster only), and its functions reproduce the CLI's output. The same
// trace shows what the CLI loads: collecting a file must not load the gRPC client (~50 ms).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useSeedDb } from './report/seed-db.js';

const MAIN = join(REPO_ROOT, (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string }).main);
// A resolve hook that appends every specifier the program's imports ask for to the file
// process.env.FLOWPOL_TRACE names (synchronously: hooks run on their own thread).
const HOOK = "import { appendFileSync } from 'node:fs'; export async function resolve(s, c, next) { appendFileSync(process.env.FLOWPOL_TRACE, s + '\\n'); return next(s, c); }";
const REGISTER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
`;

/** Runs node with `args`; with `trace`, the resolve hook writes there. Its stdout. */
async function node(args: string[], trace?: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    maxBuffer: 64 << 20, env: { ...process.env, FLOWPOL_TRACE: trace ?? '' },
  });
  return stdout;
}

/** Runs an ES module program that has the package as `lib`. */
const program = (body: string, trace?: string): Promise<string> =>
  node(['--input-type=module', '-e', `${trace === undefined ? '' : REGISTER}const lib = await import(${JSON.stringify(MAIN)});\n${body}`], trace);

/** The packages (bare specifiers) resolved while `trace` was written. */
function packages(trace: string): string[] {
  const lines = readFileSync(trace, 'utf8').split('\n');
  return [...new Set(lines.filter((s) => /^[@a-z]/.test(s) && !s.startsWith('node:') && !s.startsWith('file:')))].sort();
}

describe('what loads', () => {
  const seed = useSeedDb('flowpol-library-');

  it('the library loads without the Kubernetes client, which a live cluster loads on first use', async () => {
    const trace = join(seed.dir, 'library.txt');
    const out = await program("console.log('exports ' + Object.keys(lib).length);", trace);
    expect(packages(trace)).toContain('better-sqlite3'); // the hook does see the imports
    expect(packages(trace)).not.toContain('@kubernetes/client-node');
    expect(out).toMatch(/^exports \d+$/m);
  });

  it('the CLI loads the gRPC client only to talk gRPC: not to collect a file, nor for edges', async () => {
    const hook = join(seed.dir, 'trace.mjs');
    writeFileSync(hook, REGISTER);
    const run = async (args: string[]): Promise<string[]> => {
      const trace = join(seed.dir, `${args[0]}.txt`);
      await node(['--import', hook, join(REPO_ROOT, 'bin/flowpol.js'), ...args], trace);
      return packages(trace);
    };
    const collected = await run(['collect', '--db', join(seed.dir, 'more.db'), '--input-file', 'recorded-flows/hubble-otel__basic-sample-10-flows.jsonl']);
    expect(collected).toContain('better-sqlite3');
    expect(collected).not.toContain('@grpc/grpc-js');
    const edges = await run(['edges', '--db', seed.db]);
    expect(edges).toEqual(['better-sqlite3', 'commander']);
  });

  it('the library generates what `flowpol generate` writes, from the same database', async () => {
    const out = await program(`
const db = lib.openDatabase(${JSON.stringify(seed.db)}, { readonly: true });
const set = lib.generate(db, lib.DEFAULT_GENERATE_OPTIONS);
db.close();
process.stdout.write(lib.renderManifests(set, lib.DEFAULT_GENERATE_OPTIONS, 'yaml'));`);
    const cli = await runCli(['generate', '--db', seed.db, '--offline']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(out).toBe(cli.stdout);
  });
});
